"""The sanctioned escape hatches, all visible: exemption trailers, inline allows, the ignore file."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from agentops_hooks.approvals import DEFAULT, Approvals, Outcome
from agentops_hooks.model import AgentVerdict, Commit, Finding, Rule, Severity, Waiver
from agentops_hooks.values import Memo, field, frozen, replace

KEY = "agentops-exempt"
APPROVAL = "Approved-by"
_VALUE = re.compile(
    r"^(?P<rule>[a-z0-9][a-z0-9-]*)\s*:\s*(?P<reason>.*?)\s*(?:until=(?P<until>\d{4}-\d{2}-\d{2}))?\s*$"
)
INLINE = re.compile(r"agentops:\s*allow\s+(?P<rule>[a-z0-9][a-z0-9-]*)(?:\s+(?P<reason>\S.*?))?\s*(?:\*/|-->)?\s*$")


@frozen
class Exemption:
    """One exemption trailer as written, and why it does not count when it does not."""

    rule_id: str
    reason: str
    until: str | None
    problem: str | None  # None: valid
    approval: str = ""  # who approved it, and how far that is proven ("unverified approval")
    expired: bool = False  # past its date: a warning (the finding it named stands), not an error of its own


@frozen
class Policy:
    """What may waive a finding in this run."""

    today: str = ""  # staged commits: today; history: each commit's committer date
    inline_allow: bool = True  # False in CI with --no-inline-allow
    ignored: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # sha prefix → rule id → reason
    approvals: Approvals = DEFAULT


def parse(commit: Commit, today: str, agent: bool = False, approvals: Approvals = DEFAULT) -> tuple[Exemption, ...]:
    """Every exemption trailer of a commit's message, judged by reason, expiry and approver.

    An agent's exemption needs an `Approved-by:` person (see approvals.py); a person's own
    exemption is their responsibility, and an approver they name must still be a person.
    """
    out = []
    for value in commit.message.trailer_values(KEY):
        m = _VALUE.match(value)
        if m is None:
            out.append(
                Exemption(
                    "", "", None, f"'AgentOps-Exempt: {value}' should read '<rule-id>: <reason> [until=YYYY-MM-DD]'"
                )
            )
            continue
        rule, reason, until = m.group("rule"), m.group("reason"), m.group("until")
        approved = _approved(commit, rule, agent, approvals)
        problem = approved.problem and f"the exemption of '{rule}' {approved.problem}"
        if not reason:
            problem = f"the exemption of '{rule}' gives no reason"
        elif until is not None and until < today[:10]:
            problem = f"the exemption of '{rule}' expired on {until}"
        expired = bool(reason) and until is not None and until < today[:10]
        out.append(Exemption(rule, reason, until, problem, approved.note, expired))
    return tuple(out)


def _approved(commit: Commit, rule: str, agent: bool, approvals: Approvals) -> Outcome:
    values = commit.message.trailer_values(APPROVAL)
    if not values and not agent:
        return Outcome(None)
    if not values:
        return Outcome(f"needs an {APPROVAL}: person other than the author: an agent cannot waive its own findings")
    outcome = approvals.judge(values, APPROVAL, commit, rule, agent, not_author=True)
    return replace(outcome, problem=outcome.problem and f"does not hold: {outcome.problem}")


def parse_ignore_file(text: str) -> dict[str, dict[str, str]]:
    """`.agentops-ignore`: one `<sha> <rule-id> <reason>` per line; `#` starts a comment."""
    out: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split(None, 2)
        if len(parts) >= 2 and re.fullmatch(r"[0-9a-f]{7,40}", parts[0]):
            out.setdefault(parts[0], {})[parts[1]] = parts[2].strip() if len(parts) > 2 else ""
    return out


def apply(
    findings: Sequence[Finding],
    rules: Sequence[Rule],
    commit: Commit,
    verdict: AgentVerdict,
    policy: Policy,
    with_message: bool = True,
) -> list[Finding]:
    """Findings with every holding waiver applied, plus findings about waivers that do not hold."""
    today = policy.today or commit.committer.date
    exempt = parse(commit, today, verdict.is_agent, policy.approvals) if with_message else ()
    by_id = _by_id(rules) if findings or exempt else {}
    inline = _inline_allows(commit)
    out = [_waive(f, by_id.get(f.rule_id), exempt, inline, commit.sha, policy) for f in findings]
    out += _exemption_problems(exempt, by_id)
    if with_message:
        out += misplaced(commit)
    if verdict.is_agent:
        out += _agent_suppressions(inline)
        out += _agent_exemptions(exempt, by_id)
    return out


_BY_ID = Memo(1)  # the last rule set's table: a history asks per commit


def _by_id(rules: Sequence[Rule]) -> dict[str, Rule]:
    """Rule id → rule, made once per rule set."""
    return _BY_ID.get(rules, lambda: {r.id: r for r in rules})


def _inline_allows(commit: Commit) -> dict[tuple[str, int], tuple[str, str]]:
    """(path, line) → (rule id, reason) for each inline allow comment on an added line."""
    found: dict[tuple[str, int], tuple[str, str]] = {}
    for change in commit.files:
        if not change.may_hold(b"agentops:") or not any(b"agentops:" in text for text in change.utf8()):
            continue
        for line in change.lines():
            if "agentops:" in line.text and (m := INLINE.search(line.text)):
                found[(change.path, line.number)] = (m.group("rule"), m.group("reason") or "")
    return found


def _waive(
    f: Finding,
    rule: Rule | None,
    exempt: Iterable[Exemption],
    inline: Mapping[tuple[str, int], tuple[str, str]],
    sha: str | None,
    policy: Policy,
) -> Finding:
    if rule is None or not rule.exemptible or f.waived is not None:
        return f
    for e in exempt:
        if e.rule_id == rule.id and e.problem is None:
            until = f" (until {e.until})" if e.until else ""
            approval = f"; {e.approval}" if e.approval else ""
            return replace(f, waived=Waiver("trailer", e.reason + until + approval))
    if policy.inline_allow and f.path is not None and f.line is not None:
        for at in ((f.path, f.line), (f.path, f.line - 1)):  # on the line, or on the line above
            allow = inline.get(at)
            if allow and allow[0] == rule.id and allow[1]:
                return replace(f, waived=Waiver("inline", allow[1]))
    if sha:
        for prefix, rules in policy.ignored.items():
            if sha.startswith(prefix) and rule.id in rules:
                return replace(f, waived=Waiver("ignore-file", rules[rule.id] or "listed in .agentops-ignore"))
    return f


def _exemption_problems(exempt: Iterable[Exemption], rules: Mapping[str, Rule]) -> list[Finding]:
    """An exemption that does not hold is reported, so nobody believes a rule was waived.

    An expired one, or one naming no loaded rule (with a did-you-mean), is a warning: the finding it
    meant to waive, if any, stands and blocks on its own; without one there is nothing to refuse.
    """
    out = []
    for e in exempt:
        problem = e.problem
        unknown = bool(e.rule_id) and e.rule_id not in rules
        if problem is None and unknown:
            problem = f"the exemption names '{e.rule_id}', which is not a loaded rule{_did_you_mean(e.rule_id, rules)}"
        elif problem is None and not rules[e.rule_id].exemptible:
            problem = f"'{e.rule_id}' cannot be exempted (exemptible: false)"
        if problem:
            severity: Severity = "warning" if unknown or e.expired else "error"
            out.append(_invalid(problem, severity))
    return out


def _invalid(problem: str, severity: Severity, line: int = 1) -> Finding:
    return Finding(
        "invalid-exemption",
        severity,
        problem,
        line=line,
        factor="VIII",
        hint=(
            "AgentOps-Exempt: <rule-id>: <reason> [until=YYYY-MM-DD], with 'Approved-by: Name <email>'"
            " of a person other than the author (an agent cannot approve its own exemption)"
        ),
    )


def _did_you_mean(rule_id: str, rules: Mapping[str, Rule]) -> str:
    import difflib

    close = difflib.get_close_matches(rule_id, list(rules), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


_EXEMPT_LINE = re.compile(r"^\s*agentops-exempt\s*:", re.IGNORECASE)


def misplaced(commit: Commit) -> list[Finding]:
    """An `AgentOps-Exempt:` line outside the trailer block is ignored by git's trailer rules: say so, once."""
    text = commit.message.text
    if text.isascii() and "agentops-exempt" not in text.lower():  # ASCII: IGNORECASE is ASCII case here
        return []
    text = text.replace("\r\n", "\n").rstrip("\n")
    paragraphs = re.split(r"\n[ \t]*\n", text)
    trailer_block = paragraphs[-1] if commit.message.trailers and len(paragraphs) > 1 else ""
    start = len(text) - len(trailer_block) if trailer_block else len(text) + 1
    offset = 0
    for number, line in enumerate(text.split("\n"), 1):
        if offset < start and number > 1 and _EXEMPT_LINE.match(line):
            return [
                _invalid(
                    f"'{line.strip()}' on line {number} is ignored: exemptions count only in the trailer block "
                    "(the message's last paragraph, with the other trailers)",
                    "warning",
                    line=number,
                )
            ]
        offset += len(line) + 1
    return []


def _agent_suppressions(inline: Mapping[tuple[str, int], tuple[str, str]]) -> list[Finding]:
    """An agent that waives a check in the code itself is reported, whatever the comment says."""
    return [
        Finding(
            "agent-added-suppression",
            "warning",
            f"an agent added an inline allow of '{rule}'" + (f": {reason}" if reason else " without a reason"),
            hint="A person should review this suppression; CI can ignore inline allows with --no-inline-allow.",
            path=path,
            line=line,
            factor="VIII",
        )
        for (path, line), (rule, reason) in sorted(inline.items())
    ]


def _agent_exemptions(exempt: Iterable[Exemption], rules: Mapping[str, Rule]) -> list[Finding]:
    """An agent that waives a rule by trailer is reported, as when it adds an inline allow."""
    return [
        Finding(
            "agent-added-exemption",
            "warning",
            f"an agent's commit exempts '{e.rule_id}': {e.reason} ({e.approval or 'no approval'})",
            hint="A person must approve an agent's exemption; 'approvals: signed' makes that approval binding.",
            line=1,
            factor="VIII",
        )
        for e in exempt
        if e.problem is None and e.rule_id in rules and rules[e.rule_id].exemptible
    ]
