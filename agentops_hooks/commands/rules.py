"""`rules list|show|schema|validate|test` and `explain`: the effective rules, or every built-in pack's."""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence

import click

from agentops_hooks import config, gitrepo, packs, ruletest
from agentops_hooks.errors import ExitCode, FatalError, UsageError
from agentops_hooks.formats.common import plural
from agentops_hooks.model import Rule


def effective(config_path: str | None, all_packs: bool, trust_cache: bool = True) -> tuple[Rule, ...]:
    """The effective config's rules (the repository's, or the default outside one), or every built-in pack's."""
    if all_packs:  # a pack may extend others (strict): each rule once, under its own pack
        every: dict[str, Rule] = {}
        for name in packs.builtin_names():
            for r in config.load(str(packs.builtin_path(name)), trust_cache, pack=f"builtin:{name}").rules:
                every.setdefault(r.id, r)
        return tuple(every.values())
    try:
        top: str | None = gitrepo.repo_info().toplevel
    except FatalError:
        top = None
    return config.load(config.find(top, config_path, os.environ), trust_cache, top).rules


def list_rules(config_path: str | None, all_packs: bool) -> int:
    """One line per rule: id, pack, kind, severity, applies-to, in aligned columns."""
    rows = [(r.id, r.pack or "local", r.kind, r.severity, f"applies-to={r.applies_to}") for r in effective(config_path, all_packs)]
    for line in columns(rows):
        click.echo(line)
    return ExitCode.OK


def columns(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as lines whose columns line up (two spaces between), the last column not padded."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def show(rule_id: str, config_path: str | None) -> int:
    """Everything about one rule (also `explain ID`); an unknown id is a usage error (exit 2) with a did-you-mean."""
    from agentops_hooks.explain import explain

    found = {r.id: r for r in effective(config_path, True)} | {r.id: r for r in effective(config_path, False)}
    rule = found.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(found), n=1)
        raise UsageError(
            f"no rule '{rule_id}'"
            + (f" (did you mean '{close[0]}'?)" if close else "")
            + "; `agentops-check rules list --all` shows them"
        )
    for line in explain(rule):
        click.echo(line)
    return ExitCode.OK


def schema() -> int:
    """The JSON Schema of rule files and configs."""
    click.echo(packs.schema_text(), nl=False)
    return ExitCode.OK


def validate(files: tuple[str, ...], config_path: str | None) -> int:
    """Each file loads (or the effective config and everything it extends); errors name file:line:col."""
    if files:
        for path in files:
            config.load(path, trust_cache=False)
            click.echo(f"{path}: ok")
    else:
        click.echo(f"ok: {plural(len(effective(config_path, False, trust_cache=False)), 'rule')}")
    return ExitCode.OK


def test(files: tuple[str, ...], config_path: str | None, all_packs: bool) -> int:
    """Prove every rule's examples; a failed example is exit 1."""
    if files:
        chosen = [r for path in files for r in config.load(path, trust_cache=False).rules]
    else:
        chosen = list(effective(config_path, all_packs, trust_cache=False))
    score = ruletest.Score()
    for outcome in ruletest.run(chosen):
        line = score.add(outcome)
        if line is not None:
            click.echo(line)
    click.echo(score.summary(len(chosen)))
    return ExitCode.FINDINGS if score.failed else ExitCode.OK
