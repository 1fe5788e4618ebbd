"""`ci` without click: the shapes a CI job passes parse exactly as click parses them; any other goes to click."""

from __future__ import annotations

import pytest

from agentops_hooks import cli, entry

SHAPES = [
    [],
    ["--base", "origin/main"],
    ["-f", "json"],
    ["-f", "sarif=out.sarif"],
    ["-f", "github", "-f", "sarif=results.sarif", "--squash"],  # action.yml: formats, the SARIF file, --squash
    ["--config", "ci/agentops.yaml", "-f", "text", "-f", "sarif=r.sarif", "--squash"],
    ["-f", "json", "--output", "findings.json", "--base", "HEAD~3"],
    ["--output", "out.txt"],
    ["--rules-from", "head", "-q"],
    ["-v", "--no-inline-allow", "--no-color", "--base", "v1.0"],
    ["--color", "-f", "github", "-f", "text"],  # two that share standard output
]
TO_CLICK = [
    ["--format=json"],  # the = spelling
    ["-f", "bogus"],  # click says which formats there are
    ["-f", "json="],  # click says a file is missing
    ["-f", "json", "-f", "sarif"],  # two documents on standard output: click's usage error
    ["-f", "json", "-f", "sarif=s", "--output", "x"],  # --output with two formats
    ["--rules-from", "other"],
    ["--base"],
    ["--base", "-x"],
    ["--base", "a", "--base", "b"],  # repeated: click's last wins
    ["--color", "--no-color"],
    ["--unknown"],
    ["extra"],
]


def _clicks(args: list[str]) -> tuple[object, ...]:
    ctx = cli.ci_command.make_context("ci", list(args))
    params = dict(ctx.params)
    shared = {k: params.pop(k) for k in cli.SHARED}
    return cli._options(**shared), params["base"], params["squash"], params["rules_from"]


@pytest.mark.parametrize("args", SHAPES, ids=" ".join)
def test_a_ci_jobs_arguments_parse_as_click_parses_them(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert entry.ci_arguments(args) == _clicks(args)
    assert entry.fast_path(["ci", *args]) is not None


@pytest.mark.parametrize("args", TO_CLICK, ids=" ".join)
def test_any_other_shape_is_left_to_click(args: list[str]) -> None:
    assert entry.ci_arguments(args) is None
    assert entry.fast_path(["ci", *args]) is None


def test_help_is_clicks() -> None:
    assert entry.fast_path(["ci", "--help"]) is None
