"""The sanctioned escape hatches, all visible: exemption trailers, inline allows, the ignore file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from agentops_hooks.model import AgentVerdict, Commit, Finding, Message, Rule, Severity, Waiver
from agentops_hooks.values import field, frozen, replace

KEY = "agentops-exempt"
APPROVAL = "approved-by"
_VALUE = re.compile(
    r"^(?P<rule>[a-z0-9][a-z0-9-]*)\s*:\s*(?P<reason>.*?)\s*(?:until=(?P<until>\d{4}-\d{2}-\d{2}))?\s*$"
)
INLINE = re.compile(r"agentops:\s*allow\s+(?P<rule>[a-z0-9][a-z0-9-]*)(?:\s+(?P<reason>\S.*?))?\s*(?:\*/|-->)?\s*$")
_EMAIL = re.compile(r"<([^<>]+)>")


@frozen
class Exemption:
    """One exemption trailer as written, and why it does not count when it does not."""

    rule_id: str
    reason: str
    until: str | None
    problem: str | None  # None: valid


@frozen
class Policy:
    """What may waive a finding in this run."""

    today: str = ""  # staged commits: today; history: each commit's committer date
    inline_allow: bool = True  # False in CI with --no-inline-allow
    ignored: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # sha prefix → rule id → reason
    is_agent_identity: Callable[[str], bool] = lambda value: False


def parse(
    message: Message, today: str, author_email: str = "", is_agent: Callable[[str], bool] = lambda v: False
) -> tuple[Exemption, ...]:
    """Every exemption trailer of a message, judged by reason, expiry and approver."""
    approver_problem = _approver_problem(message, author_email, is_agent)
    out = []
    for value in message.trailer_values(KEY):
        m = _VALUE.match(value)
        if m is None:
            out.append(
                Exemption(
                    "", "", None, f"'AgentOps-Exempt: {value}' should read '<rule-id>: <reason> [until=YYYY-MM-DD]'"
                )
            )
            continue
        rule, reason, until = m.group("rule"), m.group("reason"), m.group("until")
        problem = approver_problem
        if not reason:
            problem = f"the exemption of '{rule}' gives no reason"
        elif until is not None and until < today[:10]:
            problem = f"the exemption of '{rule}' expired on {until}"
        out.append(Exemption(rule, reason, until, problem and problem.format(rule=rule)))
    return tuple(out)


def _approver_problem(message: Message, author_email: str, is_agent: Callable[[str], bool]) -> str | None:
    for value in message.trailer_values(APPROVAL):
        email = (m.group(1) if (m := _EMAIL.search(value)) else value).strip().lower()
        if is_agent(value):
            return f"the exemption of '{{rule}}' is approved by an agent identity ({value}); a person must approve it"
        if author_email and email == author_email.lower():
            return (
                f"the exemption of '{{rule}}' is approved by its own author ({value}); another person must approve it"
            )
    return None


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
    by_id = {r.id: r for r in rules}
    exempt = (
        parse(commit.message, policy.today or commit.committer.date, commit.author.email, policy.is_agent_identity)
        if with_message
        else ()
    )
    inline = _inline_allows(commit)
    out = [_waive(f, by_id.get(f.rule_id), exempt, inline, commit.sha, policy) for f in findings]
    out += _exemption_problems(exempt, by_id)
    if verdict.is_agent:
        out += _agent_suppressions(inline)
    return out


def _inline_allows(commit: Commit) -> dict[tuple[str, int], tuple[str, str]]:
    """(path, line) → (rule id, reason) for each inline allow comment on an added line."""
    found: dict[tuple[str, int], tuple[str, str]] = {}
    for change in commit.files:
        if not any("agentops:" in text for text in change.texts()):
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
    if rule is None or not rule.exemptible:
        return f
    for e in exempt:
        if e.rule_id == rule.id and e.problem is None:
            until = f" (until {e.until})" if e.until else ""
            return replace(f, waived=Waiver("trailer", e.reason + until))
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
    """An exemption that does not hold is reported, so nobody believes a rule was waived."""
    out = []
    for e in exempt:
        problem = e.problem
        if problem is None and e.rule_id not in rules:
            problem = f"the exemption names '{e.rule_id}', which is not a loaded rule"
        elif problem is None and not rules[e.rule_id].exemptible:
            problem = f"'{e.rule_id}' cannot be exempted (exemptible: false)"
        if problem:
            severity: Severity = "warning" if e.rule_id and e.rule_id not in rules else "error"
            out.append(
                Finding(
                    "invalid-exemption",
                    severity,
                    problem,
                    line=1,
                    factor="VIII",
                    hint="AgentOps-Exempt: <rule-id>: <reason> [until=YYYY-MM-DD], approved by a person other than the author",
                )
            )
    return out


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
