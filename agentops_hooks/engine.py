"""Rules × commit → findings: scope, applies-to, paths, skips, exemptions, order."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from agentops_hooks import exemptions
from agentops_hooks.kinds import KINDS, Scope
from agentops_hooks.model import AgentVerdict, Commit, CommitResult, Finding, Rule, Waiver

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
    exempt = exemptions.parse(commit.message, today or commit.committer.date) if with_message else ()
    by_id = {r.id: r for r in rules}
    findings = [_waive(f, by_id[f.rule_id], exempt) for f in findings]
    findings += _exemption_problems(exempt, by_id)
    findings.sort(key=lambda f: (f.path is not None, f.path or "", f.line or 0))
    return CommitResult(commit, verdict, tuple(findings))


def _skips_message_rules(rule: Rule, subject: str) -> bool:
    if subject.startswith(SKIP_MESSAGE_RULES):
        return True
    return rule.kind == "message-format" and subject.startswith('Revert "')


def _waive(finding: Finding, rule: Rule, exempt: Iterable[exemptions.Exemption]) -> Finding:
    if not rule.exemptible:
        return finding
    for e in exempt:
        if e.rule_id == rule.id and e.problem is None:
            until = f" (until {e.until})" if e.until else ""
            return dataclasses.replace(finding, waived=Waiver("trailer", e.reason + until))
    return finding


def _exemption_problems(exempt: Iterable[exemptions.Exemption], rules: dict[str, Rule]) -> list[Finding]:
    """An exemption that does not hold is reported, so nobody believes a rule was waived."""
    out = []
    for e in exempt:
        problem = e.problem
        if problem is None and e.rule_id not in rules:
            problem = f"the exemption names '{e.rule_id}', which is not a loaded rule"
        elif problem is None and not rules[e.rule_id].exemptible:
            problem = f"'{e.rule_id}' cannot be exempted (exemptible: false)"
        if problem:
            out.append(
                Finding(
                    "invalid-exemption",
                    "warning",
                    problem,
                    hint="AgentOps-Exempt: <rule-id>: <reason> [until=YYYY-MM-DD]",
                    line=1,
                )
            )
    return out
