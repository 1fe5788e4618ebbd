"""Installing the reference-transaction guard: idempotence, chaining a hook already there, failing
closed when its interpreter is gone, the recorded one-time pass, and what a 50-commit rebase costs."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from agentops_hooks.guard import install
from tests.reftx_test import GOOD_MSG, head, run
from tests.testing import commit, git, write

# --- installing, chaining, passing once, failing closed ----------------------------------------


def test_install_is_idempotent_and_uninstall_removes_it(git_repo: Path) -> None:
    path = install.hook_path()
    assert install.install() == f"{path}: installed the reference-transaction guard"

    again = install.install()
    removed = install.uninstall()

    assert again == f"{path}: the reference-transaction guard is installed already"
    assert removed == f"{path}: removed the reference-transaction guard"
    assert not os.path.exists(path)
    assert install.uninstall() == f"{path}: no reference-transaction guard to remove"
    assert (
        install.status().problem()
        == f"{path}: the reference-transaction guard is not installed (run `agentops-check init`)"
    )


def test_an_existing_hook_is_chained_first_and_put_back_on_uninstall(git_repo: Path) -> None:
    commit("feat: start", ("README.md", "# demo\n"))
    hook = Path(install.hook_path())
    theirs = '#!/bin/sh\ncat >> .theirs.log\n[ ! -e .theirs-refuse ] || { echo "theirs says no" >&2; exit 1; }\n'
    hook.write_text(theirs)
    hook.chmod(0o755)

    said = install.install()
    landed = commit(GOOD_MSG)
    write(".theirs-refuse", "")
    refused = run("commit", "--allow-empty", "--no-verify", "--cleanup=verbatim", "-m", GOOD_MSG)

    assert (
        said
        == f"{hook}: installed the reference-transaction guard (the hook that was there runs first, from {hook}.chained)"
    )
    assert install.status().chained and install.status().problem() is None
    seen = Path(".theirs.log").read_text().splitlines()
    assert seen.count(f"{landed} {landed} refs/heads/main") == 0  # (a sanity check on the format below)
    assert len([ln for ln in seen if ln.endswith(f" {landed} refs/heads/main")]) == 2  # prepared and committed
    assert refused.returncode != 0 and "theirs says no" in refused.stderr
    assert install.uninstall() == f"{hook}: removed the reference-transaction guard; the hook it chained is back"
    assert hook.read_text() == theirs


def test_a_gone_interpreter_fails_closed_and_a_person_passes_once_recorded(git_repo: Path) -> None:
    commit("feat: start", ("README.md", "# demo\n"))
    install.install(python="/nonexistent/venv/bin/python")
    before = head()

    refused = run("commit", "--allow-empty", "--no-verify", "--cleanup=verbatim", "-m", GOOD_MSG)
    assert refused.returncode != 0 and head() == before
    passed = run("commit", "-q", "--allow-empty", "--no-verify", "-m", "wip", env={"AGENTOPS_GUARD": "off"})

    assert refused.stderr.splitlines()[0] == (
        "agentops: branch update refused: the reference-transaction guard cannot run (/nonexistent/venv/bin/python"
        " or the agentops-hooks package is gone); reinstall agentops-hooks and run `agentops-check init` again,"
        " or `agentops-check uninstall`"
    )
    assert install.status().problem() is not None and "is gone" in str(install.status().problem())
    assert passed.returncode == 0 and git("rev-parse", "HEAD~1").strip() == before
    log = Path(".git/agentops/guard.log").read_text()
    assert "pass AGENTOPS_GUARD=off by Dana Dev <dana@example.com>" in log
    assert f"{before} {head()} refs/heads/main" in log
    assert "recorded in .git/agentops/guard.log" in passed.stderr


# --- cost -----------------------------------------------------------------------------------------


def counting_python(tmp_path: Path) -> tuple[str, Path]:
    """An interpreter stand-in that counts the guard's Python starts, then runs the real one."""
    calls = tmp_path / "python-starts"
    wrapper = tmp_path / "bin" / "python"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho x >> "{calls}"\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper), calls


def test_a_50_commit_rebase_starts_python_once(git_repo: Path, tmp_path: Path) -> None:
    commit("feat: start", ("README.md", "# demo\n"))
    git("checkout", "-q", "-b", "topic")
    for i in range(50):
        commit(GOOD_MSG, (f"f{i}.py", f"x = {i}\n"))
    git("checkout", "-q", "main")
    commit("docs: describe the demo", ("README.md", "# demo\n\nA demo.\n"))
    python, calls = counting_python(tmp_path)
    install.install(python=python)
    hook = Path(install.hook_path())
    hook.write_text(hook.read_text().replace('state="$1"\n', f'state="$1"\necho x >> "{tmp_path}/hook-calls"\n', 1))

    started = time.perf_counter()
    proc = run("rebase", "-q", "main", "topic")
    took = time.perf_counter() - started

    assert proc.returncode == 0, proc.stderr
    hook_calls = len((tmp_path / "hook-calls").read_text().split())
    assert hook_calls > 300  # git calls the hook ~8 times per pick
    assert calls.read_text().split() == ["x"]  # only the final refs/heads/topic update starts Python
    print(f"50-commit rebase with the guard: {hook_calls} hook calls, 1 Python start, {took:.2f}s")
