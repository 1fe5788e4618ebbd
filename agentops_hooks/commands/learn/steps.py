"""The command's steps: draft (from a commit or the flags), then finish (named, inserted, validated).

This is the application layer: git and the config are reached through their modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from agentops_hooks.commands.files import read_text, strings
from agentops_hooks.commands.learn.incident import Draft, draft_from_commit, find_fix
from agentops_hooks.commands.learn.pattern import check_pattern
from agentops_hooks.commands.learn.plan import Proposal, plan
from agentops_hooks.commands.learn.ruletext import rule_data
from agentops_hooks.errors import FatalError
from agentops_hooks.model import Rule
from agentops_hooks.values import replace


def secret_rules(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """The `redact: true` rules with a line pattern: their matches are never copied."""
    seen: dict[str, Rule] = {}
    for r in rules:
        if r.redact and r.compiled.regex("pattern") is not None:
            seen.setdefault(r.id, r)
    return tuple(seen.values())


def parse_line_choice(value: str) -> tuple[str, int]:
    """`PATH:N` → (path, n)."""
    path, _, number = value.rpartition(":")
    if not path or not number.isdigit():
        raise FatalError(f"--line {value!r}: expected PATH:N, e.g. src/app.js:12")
    return path, int(number)


def draft(
    ctx: Any,
    *,
    from_commit: str | None,
    pattern: str | None,
    paths: Sequence[str],
    lines: Sequence[str],
    rule_id: str | None,
    kind: str,
    keywords: Sequence[str],
) -> Draft:
    """What a bad commit (or the flags) suggest; nothing is written."""
    secrets = _secrets(ctx)
    if pattern is not None:
        return _flags_draft(pattern, rule_id, paths, kind, keywords, secrets)
    if from_commit is None:
        raise FatalError("learn needs --from-commit SHA or --pattern RE (see `agentops-check learn --help`)")
    d = _commit_draft(from_commit, secrets, [parse_line_choice(v) for v in lines])
    if paths:
        d = replace(d, include=tuple(paths))
    if rule_id:
        d = replace(d, rule_id=rule_id)
    return d


def _flags_draft(
    pattern: str, rule_id: str | None, paths: Sequence[str], kind: str, keywords: Sequence[str], secrets: Sequence[Rule]
) -> Draft:
    if not rule_id:
        raise FatalError("learn --pattern needs --id ID (a kebab-case name for the new rule)")
    if any(s.compiled.regexes["pattern"].search(pattern) for s in secrets):
        raise FatalError("--pattern contains text a secrets rule matches; write the shape, not the secret")
    message = f"matches the pattern of {rule_id}: {{match}}"
    return Draft(pattern, tuple(paths), (), (), message, "", rule_id, kind=kind, keywords=tuple(keywords))


def _secrets(ctx: Any) -> tuple[Rule, ...]:
    """The loaded `redact` rules, and the secrets pack's even when the config leaves it out."""
    from agentops_hooks import config, packs

    pack = config.load(str(packs.builtin_path("secrets")), pack="builtin:secrets").rules
    return secret_rules((*ctx.config.rules, *pack))


def _commit_draft(sha: str, secrets: Sequence[Rule], chosen: Sequence[tuple[str, int]]) -> Draft:
    """The incident read through the repository layer, its fix found in the history after it."""
    from agentops_hooks import gitrepo, sources

    full = gitrepo.resolve(sha)
    incident = gitrepo.commit(full)
    if not incident.files:
        raise FatalError(f"commit {full[:7]} has no changes to learn from")
    fix = find_fix(incident, sources.history([f"{full}..HEAD"]))
    old_text: dict[str, str] = {}
    if incident.parents:
        for f in incident.files:
            if not f.binary and f.status != "A":
                old = gitrepo.file_at(incident.parents[0], f.old_path or f.path)
                old_text[f.path] = (old or b"").decode("utf-8", "replace")
    return draft_from_commit(incident, fix, old_text, secrets, chosen)


def finish(
    ctx: Any,
    d: Draft,
    *,
    message: str | None,
    hint: str | None,
    description: str | None,
    severity: str,
    applies_to: str,
    rule_file: str,
    config_path: str | None,
) -> Proposal:
    """The rule named and worded, its pattern checked, inserted into the rule file text and validated."""
    check_pattern(d.pattern, "--pattern" if not d.fail else f"the pattern proposed from {d.rule_id}")
    data = rule_data(
        rule_id=d.rule_id,
        kind=d.kind,
        pattern=d.pattern,
        include=d.include,
        message=message or d.message,
        hint=d.hint if hint is None else hint,
        severity=severity,
        applies_to=applies_to,
        description=description or "",
        keywords=d.keywords,
        redact=d.redact,
        fail=d.fail,
        passing=d.passing,
    )
    proposal = _planned(ctx, data, rule_file, config_path)
    from agentops_hooks.kinds.diff import holds_secret

    def leaks(r: Rule, v: str) -> bool:  # a placeholder the rule allows may stay (its pass examples)
        return holds_secret(r, v) if r.kind == "added-pattern" else r.compiled.regexes["pattern"].search(v) is not None

    if any(leaks(r, v) for v in strings(data) for r in _secrets(ctx)):  # the last guard
        raise FatalError(f"the proposed rule '{d.rule_id}' would contain a secret; nothing written")
    return replace(proposal, notes=(*d.notes, *proposal.notes))


def _planned(ctx: Any, data: Mapping[str, Any], rule_file: str, config_path: str | None) -> Proposal:
    return plan(
        toplevel=ctx.repo.toplevel,
        config_path=ctx.config.path if config_path is None else config_path,
        config_files=ctx.config.files,
        existing_ids=[r.id for r in ctx.config.rules],
        rule_file=rule_file,
        data=data,
        read=read_text,
    )
