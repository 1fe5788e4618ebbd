"""The console script. Hook invocations skip the CLI framework; everything else goes to click.

A hook runs on every commit (agent-hook on every shell command an agent runs), so the exact
argument shapes the hooks use are recognised here without importing click or the command tree.
Anything else, including any option, takes the full CLI. Both run inside the one boundary.
"""

from __future__ import annotations

import sys

from agentops_hooks.boundary import Shell
from agentops_hooks.names import RUNTIMES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (and re, collections: 10 ms)
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import ModuleType
    from typing import Any


def main(argv: Sequence[str] | None = None) -> int:
    """Run agentops-check: every outcome becomes an exit code in boundary.Shell and nowhere else."""
    args = list(sys.argv[1:] if argv is None else argv)
    with Shell(args) as shell:
        run = fast_path(args)
        if run is not None:
            _few_collections()
        shell.code = run() if run is not None else _cli().dispatch(args)
    return shell.code


HOOK_GC_THRESHOLD = 100_000  # objects allocated (net) between the cyclic collector's young passes


def _few_collections() -> None:
    """A hook makes ~20,000 objects, nearly all freed by reference counting; at Python's default of
    a young pass every 700, 40 passes cost 5% of a commit-msg run. A long one (a guard judging a
    rebase's commits) still collects, every 100,000."""
    import gc

    gc.set_threshold(HOOK_GC_THRESHOLD, *gc.get_threshold()[1:])


def fast_path(args: list[str]) -> Callable[[], int] | None:
    """The hook command these arguments name, when they are exactly a hook's; else None."""
    if not args or any(a in ("-h", "--help", "--version") for a in args):
        return None
    name, rest = args[0], args[1:]
    plain = all(not a.startswith("-") for a in rest)
    if name == "commit-msg" and len(rest) == 1 and plain:
        return lambda: _hooks().commit_msg(_options(), rest[0])
    if name == "prepare-commit-msg" and 1 <= len(rest) <= 3 and plain:
        return lambda: _prepare_commit_msg(rest)
    if name == "staged" and (rest == [] or (rest[:1] == ["--hook"] and all(not a.startswith("-") for a in rest[1:]))):
        return lambda: _hooks().staged(_options(), hook=bool(rest), paths=tuple(rest[1:]))
    if name == "reference-transaction" and len(rest) == 1 and plain:
        return lambda: _guard().run(rest[0], sys.stdin)
    if name == "agent-hook":
        runtime = _runtime(rest)
        if runtime is not None:
            return lambda: _hooks().agent_hook(runtime)  # no options: outputs.py stays unimported
    return None


def _runtime(rest: list[str]) -> str | None:
    if not rest:
        return "auto"
    value = rest[1] if len(rest) == 2 and rest[0] == "--runtime" else None
    if len(rest) == 1 and rest[0].startswith("--runtime="):
        value = rest[0].split("=", 1)[1]
    return value if value == "auto" or value in RUNTIMES else None


def _hooks() -> ModuleType:
    """The hook commands, imported only when a hook runs."""
    from agentops_hooks import hooks

    return hooks


def _guard() -> ModuleType:
    """The reference-transaction guard, imported only when git runs that hook."""
    from agentops_hooks.guard import reftx

    return reftx


def _cli() -> ModuleType:
    """The click command tree, imported only when no hook fast path applies."""
    from agentops_hooks import cli

    return cli


def _prepare_commit_msg(rest: list[str]) -> int:
    """A final message the guard will judge is left to it before the outputs (or any rule) are imported."""
    hooks = _hooks()
    if hooks.leaves_to_guard(rest[0]):
        return 0
    return int(hooks.prepare_commit_msg(_options(), rest[0], rest[1] if len(rest) > 1 else None, guard_asked=True))


def _options() -> Any:
    from agentops_hooks.outputs import Options, default_color

    return Options(color=default_color())
