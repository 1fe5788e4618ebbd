"""The state one guard run carries: what it found, how deep it is, what the command defined."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from agentops_hooks.shellguard.paths import Spec, config_extends

MAX_DEPTH = 8  # nested shells, evals, substitutions and aliases followed; past it, the command blocks
MAX_COMMANDS = 20000  # simple commands read in one decision; past it, the command blocks


class Problem(NamedTuple):
    """Why a command is refused: the guard rule that fired and what it saw."""

    rule: str
    reason: str


class Ctx:
    """Mutable for one decision: problems found, variables and aliases the command set, its folder."""

    def __init__(self, folder: str, run: Callable[[str, Ctx], None]) -> None:
        self.problems: list[Problem] = []
        self.env: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        self.cwd: tuple[str, ...] = ()  # where `cd` went, relative to the start
        self.folder = folder  # the real working folder of the agent, for the few facts read from disk
        self.depth = 0
        self.commands = 0
        self.eval_tools: set[str] = set()  # the programs whose output an `eval` runs
        self.extends: tuple[Spec, ...] | None = None  # rule files the config names, read when first needed
        self._run = run

    def rule_files(self) -> tuple[Spec, ...]:
        """The rule files this repository's config names, read once per decision."""
        if self.extends is None:
            self.extends = config_extends(self.folder)
        return self.extends

    def block(self, rule: str, reason: str) -> None:
        """Record one reason to refuse the command."""
        self.problems.append(Problem(rule, reason))

    def nested(self, text: str) -> None:
        """Judge text the command hands to a shell (`bash -c`, `eval`, an alias…), one level deeper."""
        if self.depth >= MAX_DEPTH:
            self.block("too-deep", f"commands nest more than {MAX_DEPTH} levels deep, past what the guard reads")
            return
        self.depth += 1
        try:
            self._run(text, self)
        finally:
            self.depth -= 1
