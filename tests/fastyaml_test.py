"""The libyaml fast path reads a rule file exactly as ruamel does, or declines (then ruamel reads it)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentops_hooks import fastyaml, packs, rulefile
from agentops_hooks.errors import RuleFileError

ROOT = Path(__file__).resolve().parents[1]


def slow(text: str) -> object:
    return rulefile.plain(rulefile.read_yaml("f.yaml", text))


def fast(text: str) -> object:
    return fastyaml.load(text, functools.partial(rulefile._refuse_references, "f.yaml"))


def same_or_declined(text: str) -> object:
    """The fast path gives ruamel's data or declines (None); a file ruamel refuses it declines. Returns ruamel's data."""
    try:
        expected = slow(text)
    except RuleFileError:
        assert fast(text) is None
        return None
    got = fast(text)
    assert got is None or got == expected, (text, got, expected)
    return got


def yaml_texts() -> list[Path]:
    found = sorted(Path(packs.pack_dir()).glob("*.yaml")) + sorted((ROOT / "tests" / "cases").glob("*.yaml"))
    return [*found, ROOT / ".agentops.yaml"]


@pytest.mark.parametrize("path", yaml_texts(), ids=lambda p: p.name)
def test_every_shipped_yaml_file_reads_the_same_both_ways(path: Path) -> None:
    text = path.read_text("utf-8")
    got = fast(text)
    assert got is not None, f"{path.name}: the fast path declined a file we ship"
    assert got == slow(text)


@pytest.mark.parametrize(
    "scalar",
    ["on", "off", "yes", "no", "y", "N", "0777", "0o17", "0x1F", "1_000", "1e3", "1.5e3", ".inf", "-.inf", ".nan",
     "1:20", "1:20.5", "2026-1-5", "2026-02-30", "2026-12-31", "2026-12-31T10:00:00Z", "<<", "=", "~", "null",
     "Null", "", "True", "FALSE", "-0", "+7", "007", "1.", ".5", "0.25", "-3.0", "12 monkeys", "a: b", "#x"],
)
def test_scalars_mean_what_ruamel_says_or_the_fast_path_declines(scalar: str) -> None:
    got = same_or_declined(f"version: 1\nvalue: {scalar!s}\nquoted: '{scalar}'\n")
    # the forms where YAML 1.1 and 1.2 disagree must not come out with PyYAML's 1.1 meaning
    if scalar in ("on", "off", "yes", "no", "y", "N"):
        assert got == {"version": 1, "value": scalar, "quoted": scalar}


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nversion: 2\n",  # duplicate key: ruamel refuses
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # a tag
        "? [a]\n: 1\n",  # a complex key
        "%YAML 1.1\n---\na: on\n",  # a directive changes the meaning
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [" * 70 + "]" * 70 + "\n",  # deeper than a rule file is
        "a: b\n\tc: d\n",  # a tab: a YAML error
    ],
)
def test_what_ruamel_refuses_or_words_the_fast_path_declines(text: str) -> None:
    assert fast(text) is None


def test_an_invalid_rule_file_still_gets_its_position() -> None:
    text = "version: 1\nrules:\n  - id: x\n    kind: added-pattern\n    pattern: '('\n    severity: error\n    message: m\n"
    with pytest.raises(RuleFileError) as e:
        rulefile.load_rules("bad.yaml", text)
    assert str(e.value).startswith("bad.yaml:3:5: rule 'x'"), str(e.value)  # ruamel's position, not 1:1


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none()), max_size=5))
def test_generated_mappings_read_the_same(data: dict[str, object]) -> None:
    import io

    from ruamel.yaml import YAML

    out = io.StringIO()
    YAML(typ="rt").dump(data, out)
    same_or_declined(out.getvalue())


def _schema_errors(doc: object) -> bool:
    from jsonschema import Draft202012Validator

    return any(True for _ in rulefile._validator(Draft202012Validator).iter_errors(doc))


@pytest.mark.parametrize("case", __import__("tests.rulefile_errors_test", fromlist=["CASES"]).CASES, ids=lambda c: c[0])
def test_the_per_kind_check_never_passes_what_the_full_schema_refuses(case: tuple[str, str, str, str]) -> None:
    if not isinstance(case[1], str):  # a case of undecodable bytes: refused before any YAML is read
        return
    try:
        doc = rulefile.read_yaml("f.yaml", case[1])
    except RuleFileError:
        return
    if _schema_errors(doc):
        assert not rulefile._valid_per_kind(doc)


@pytest.mark.parametrize("path", [*sorted(Path(packs.pack_dir()).glob("*.yaml")), ROOT / ".agentops.yaml"], ids=lambda p: p.name)
def test_the_per_kind_check_proves_every_shipped_file(path: Path) -> None:
    doc = rulefile.read_yaml(path.name, path.read_text("utf-8"))
    assert rulefile._valid_per_kind(doc) and not _schema_errors(doc)
