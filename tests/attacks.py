"""What the attack tests of issue 19 share: the config they run under, an agent's bad commit, a key."""

from __future__ import annotations

from tests.testing import AWS_KEY, CLAUDE

CONFIG = "version: 1\nextends: [builtin:core, builtin:secrets]\n"
AGENT_BAD = f"fix(parser): strip input\n\n{CLAUDE}\n"  # an agent commit without the sections
KEY_LINE = f'aws_key = "{AWS_KEY}"\n'


def exempt(*trailers: str) -> str:
    body = "\n".join(("AgentOps-Exempt: ai-context-sections: a one-line fix", *trailers, CLAUDE))
    return f"fix(parser): strip input\n\n{body}\n"
