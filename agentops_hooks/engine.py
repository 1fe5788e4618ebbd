"""Rules × commit → findings: scope, applies-to, paths, skips, exemptions, order."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from agentops_hooks import exemptions
from agentops_hooks.kinds import KINDS, Scope
from agentops_hooks.model import AgentVerdict, Commit, CommitResult, Finding, Rule

SKIP_MESSAGE_RULES = ("fixup!", "squash!", "amend!")


def applies(rule: Rule, verdict: AgentVerdict) -> bool:
    """Whether `applies-to` selects a commit of this verdict."""
    want = rule.applies_to
    return want == "all" or want == verdict.kind or (want == "agent" and verdict.is_agent)


def check(
    rules: Sequence[Rule],
    commit: Commit,
    verdict: AgentVerdict,
    *,
    with_message: bool = True,
    exclude: object = None,
    today: str = "",
    policy: exemptions.Policy | None = None,
) -> CommitResult:
    """Every rule that applies to this commit, its findings waived where an exemption holds."""
    if exclude is not None:
        files = tuple(f for f in commit.files if not exclude.match_file(f.path))  # type: ignore[attr-defined]
        commit = dataclasses.replace(commit, files=files)
    subject = commit.message.subject
    findings: list[Finding] = []
    for rule in rules:
        kind = KINDS[rule.kind]
        if kind.scope is Scope.RANGE or not applies(rule, verdict):
            continue
        if kind.scope is Scope.MESSAGE and (not with_message or _skips_message_rules(rule, subject)):
            continue
        findings.extend(kind.check(rule, commit))
    policy = policy or exemptions.Policy(today=today)
    findings = exemptions.apply(findings, rules, commit, verdict, policy, with_message)
    findings.sort(key=lambda f: (f.path is not None, f.path or "", f.line or 0))
    return CommitResult(commit, verdict, tuple(findings))


def _skips_message_rules(rule: Rule, subject: str) -> bool:
    if subject.startswith(SKIP_MESSAGE_RULES):
        return True
    return rule.kind == "message-format" and subject.startswith('Revert "')
