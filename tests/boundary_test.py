"""The one boundary and the hook fast path, in-process: what each escaping exception becomes."""

from __future__ import annotations

import io
import sys

import pytest

from agentops_hooks import entry
from agentops_hooks.boundary import Shell
from agentops_hooks.errors import FatalError, GitError


def _outcome(error: BaseException, args: tuple[str, ...] = ()) -> tuple[int, str]:
    saved, sys.stderr = sys.stderr, io.StringIO()
    try:
        with Shell(args) as shell:
            raise error
        return shell.code, sys.stderr.getvalue()
    finally:
        sys.stderr = saved


def test_could_not_run_is_one_line_and_exit_3() -> None:
    assert _outcome(GitError("not a git repository")) == (3, "agentops-check: not a git repository\n")
    assert _outcome(FatalError("x.yaml:1:2: bad"))[0] == 3


def test_an_interrupt_is_exit_130() -> None:
    assert _outcome(KeyboardInterrupt()) == (130, "agentops-check: interrupted\n")


def test_a_bug_is_one_line_naming_the_crash_log(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    code, err = _outcome(ValueError("boom"))
    assert code == 3
    assert err.startswith("agentops-check: internal error: ValueError('boom'); details in ")
    assert "Traceback" not in err


def test_a_clean_run_keeps_its_code_and_system_exit_passes_through() -> None:
    with Shell(()) as shell:
        shell.code = 1
    assert shell.code == 1
    with pytest.raises(SystemExit), Shell(()):
        raise SystemExit(4)


@pytest.mark.parametrize(
    "args",
    [
        ["commit-msg", "MSG"],
        ["prepare-commit-msg", "MSG", "message", "HEAD"],
        ["staged"],
        ["staged", "--hook"],
        ["agent-hook"],
        ["agent-hook", "--runtime", "codex"],
        ["agent-hook", "--runtime=auto"],
    ],
)
def test_the_hook_shapes_take_the_fast_path(args: list[str]) -> None:
    assert entry.fast_path(args) is not None


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["commit-msg", "MSG", "-v"],
        ["commit-msg", "--help"],
        ["staged", "-f", "json"],
        ["agent-hook", "--runtime", "vim"],
        ["agent-hook", "--runtime"],
        ["range", "A..B"],
    ],
)
def test_anything_else_takes_the_full_cli(args: list[str]) -> None:
    assert entry.fast_path(args) is None
