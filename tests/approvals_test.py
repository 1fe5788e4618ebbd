"""The one person check behind every approval: agents, bots and their lookalikes."""

from __future__ import annotations

import pytest

from agentops_hooks.approvals import not_a_person


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("Pat Lead <pat@example.com>", None),
        ("Ann Abbot <abbot@example.com>", None),  # 'bot' inside a word is a name
        ("Tal Talbot <talbot@example.com>", None),
        ("Robot Lee <lee@example.com>", None),
        ("Pat <12345+pat@users.noreply.github.com>", None),  # a person's private GitHub address
        ("Claude Shannon <claude@example.com>", None),
        ("Pat", "names no email address"),
        ("Deploy Bot [bot] <deploy@example.com>", "is a bot, not a person"),
        ("dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>", "is a bot, not a person"),
        ("Release Bot <releases@example.com>", "is a bot, not a person"),
        ("ci <ci-bot@example.com>", "is a bot, not a person"),
        ("Builds <build.bots@example.com>", "is a bot, not a person"),
        ("GitHub <noreply@github.com>", "is a bot, not a person"),
        ("Someone <no-reply@example.com>", "is a bot, not a person"),
        ("Claude <noreply@anthropic.com>", "is an agent identity, not a person"),
        ("Cursor Agent <cursoragent@cursor.com>", "is an agent identity, not a person"),
        ("Copilot <198982749+Copilot@users.noreply.github.com>", "is an agent identity, not a person"),
    ],
)
def test_who_is_a_person(value: str, why: str | None) -> None:
    assert not_a_person(value) == why
