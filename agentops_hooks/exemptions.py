"""`AgentOps-Exempt:` trailers: the sanctioned, visible way to waive a rule for one commit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentops_hooks.model import Message

KEY = "agentops-exempt"
_VALUE = re.compile(
    r"^(?P<rule>[a-z0-9][a-z0-9-]*)\s*:\s*(?P<reason>.*?)\s*(?:until=(?P<until>\d{4}-\d{2}-\d{2}))?\s*$"
)


@dataclass(frozen=True, slots=True)
class Exemption:
    """One exemption trailer as written, and why it does not count when it does not."""

    rule_id: str
    reason: str
    until: str | None
    problem: str | None  # None: valid


def parse(message: Message, today: str) -> tuple[Exemption, ...]:
    """Every exemption trailer of a message, judged against `today` (the committer date)."""
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
        problem = None
        if not reason:
            problem = f"the exemption of '{rule}' gives no reason"
        elif until is not None and until < today[:10]:
            problem = f"the exemption of '{rule}' expired on {until}"
        out.append(Exemption(rule, reason, until, problem))
    return tuple(out)
