"""yamltext, pure: one item added to a top-level YAML list as text, every other line kept as written."""

from __future__ import annotations

import pytest

from agentops_hooks.commands import yamltext
from agentops_hooks.errors import FatalError


def _add(text: str, key: str = "extends", to_block: bool = True) -> str:
    return yamltext.append_item("f.yaml", text, key, lambda dash, _: [" " * dash + "- new"], "new", to_block)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("extends: [a, 'b]', \"c # d\"]  # x\n", "extends: [a, 'b]', \"c # d\", new]  # x\n"),
        ("extends: [\n  a,  # first\n  b\n]\n", "extends: [\n  a,  # first\n  b, new\n]\n"),
        ("extends: []  # none\nrules: []\n", "extends:  # none\n  - new\nrules: []\n"),
        ("extends:\n# c\n", "extends:\n  - new\n# c\n"),
        ("version: 1\n", "version: 1\nextends:\n  - new\n"),
        ("version: 1", "version: 1\nextends:\n  - new\n"),
    ],
    ids=["flow-with-quotes", "flow-over-lines", "empty-flow", "null", "missing", "no-final-newline"],
)
def test_flow_empty_and_missing_lists(before: str, after: str) -> None:
    assert _add(before) == after


def test_an_empty_flow_list_can_stay_flow() -> None:
    assert _add("extends: []\n", to_block=False) == "extends: [new]\n"


def test_block_item_goes_after_the_items_comments_and_before_the_next_keys() -> None:
    before = "extends:\n    - a\n    - b  # two\n    # more to come\n\n# about rules\nrules: []\n"
    assert _add(before) == (
        "extends:\n    - a\n    - b  # two\n    # more to come\n    - new\n\n# about rules\nrules: []\n"
    )


def test_a_block_scalar_in_the_last_item_ends_at_its_last_text_line() -> None:
    before = "rules:\n  - id: a\n    hint: |\n      one\n      two\n\n\nversion: 1\n"
    out = yamltext.append_item("f.yaml", before, "rules", lambda d, k: [" " * d + "- id: b"], "{id: b}")
    assert out == "rules:\n  - id: a\n    hint: |\n      one\n      two\n  - id: b\n\n\nversion: 1\n"


def test_a_scalar_where_a_list_belongs_is_refused_with_its_position() -> None:
    with pytest.raises(FatalError, match=r"^f\.yaml:1:10: 'extends' should be a list$"):
        _add("extends: builtin:core\n")
