"""`learn`: a bad commit (or a pattern given as flags) → a proposed `added-pattern` rule, saved as text.

The steps, one module each: `pattern` (an offending line → a readable RE2 pattern, secrets as
classes), `incident` (which lines of the commit, which examples), `ruletext` (the rule as data and
as YAML lines), `plan` (inserted into the rule file where ruamel.yaml locates the list, so every
other line stays as it was; re-parsed, validated, its examples proven), `steps` (the command's
draft and finish). Nothing a `redact: true` rule matches is ever copied into the pattern or the examples.
"""

from __future__ import annotations

from collections.abc import Iterable

from agentops_hooks.commands import files
from agentops_hooks.commands.files import FileEdit
from agentops_hooks.commands.learn.incident import Draft, draft_from_commit, find_fix, offending
from agentops_hooks.commands.learn.pattern import (
    check_pattern,
    generalise,
    include_glob,
    is_generic,
    piece,
    secret_class,
)
from agentops_hooks.commands.learn.plan import Proposal, append_extends, append_rule, plan
from agentops_hooks.commands.learn.ruletext import describe, render_rule, rule_data
from agentops_hooks.commands.learn.steps import draft, finish, parse_line_choice, secret_rules

__all__ = [
    "Draft",
    "FileEdit",
    "Proposal",
    "append_extends",
    "append_rule",
    "apply",
    "check_pattern",
    "describe",
    "draft",
    "draft_from_commit",
    "find_fix",
    "finish",
    "generalise",
    "include_glob",
    "is_generic",
    "offending",
    "parse_line_choice",
    "piece",
    "plan",
    "render_rule",
    "rule_data",
    "secret_class",
    "secret_rules",
]


def apply(edits: Iterable[FileEdit]) -> None:
    """Write the edits (absolute paths; folders made as needed)."""
    files.write(edits)
