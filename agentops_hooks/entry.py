"""The console script. Hook invocations skip the CLI framework; everything else goes to click.

A hook runs on every commit (agent-hook on every shell command an agent runs), so the exact
argument shapes the hooks use are recognised here without importing click or the command tree;
so are `ci`'s, which a CI job runs on every push. Anything else takes the full CLI. Both run inside the one boundary.
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
    if name == "ci":
        call = ci_arguments(rest)
        if call is not None:
            return lambda: _ci().run(*call)
    return None


CI_FLAGS = {
    "--squash": ("squash", True),
    "-q": ("quiet", True),
    "--quiet": ("quiet", True),
    "-v": ("verbose", True),
    "--verbose": ("verbose", True),
    "--no-inline-allow": ("inline_allow", False),
    "--color": ("color", True),
    "--no-color": ("color", False),
}
CI_VALUES = {"--base": "base", "--config": "config", "-f": "format", "--format": "format", "--output": "output", "--rules-from": "rules_from"}


def ci_arguments(rest: list[str]) -> tuple[Any, str | None, bool, str] | None:
    """`ci`'s arguments as click would parse them (Options, base, squash, rules-from), for the shapes
    a CI job passes (action.yml's: `--config P`, `-f FMT[=PATH]`..., `--squash`, `--base REF`); None
    for any other shape, which click then parses, with its own messages for a mistake. A CI run on a
    small pull request pays click's import (30 ms) for nothing else."""
    from agentops_hooks.formats import FORMATTERS, SHARES_STDOUT

    given: dict[str, Any] = {}
    formats: list[tuple[str, str | None]] = []
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg in CI_FLAGS:
            flag, setting = CI_FLAGS[arg]
            if given.setdefault(flag, setting) != setting:
                return None  # --color then --no-color: click's last one wins; leave it to click
            i += 1
            continue
        key = CI_VALUES.get(arg)
        if key is None or i + 1 == len(rest) or rest[i + 1].startswith("-"):
            return None
        value: str = rest[i + 1]
        i += 2
        if key == "format":
            name, sep, path = value.partition("=")
            if name not in FORMATTERS or (sep and not path):
                return None
            formats.append((name, path or None))
        elif key in given or (key == "rules_from" and value not in ("base", "head")):
            return None
        else:
            given[key] = value
    outputs = tuple(formats) or (("text", None),)
    output = given.get("output")
    if output:
        if len(outputs) > 1:
            return None
        outputs = ((outputs[0][0], output),)
    to_stdout = [name for name, path in outputs if path is None]
    if len(to_stdout) > 1 and not set(to_stdout) <= SHARES_STDOUT:
        return None
    from agentops_hooks.outputs import Options, default_color

    color = given["color"] if "color" in given else default_color()
    opts = Options(
        given.get("config"),
        outputs,
        color,
        given.get("verbose", False),
        given.get("quiet", False),
        given.get("inline_allow", True),
        bool(formats or output),
    )
    return opts, given.get("base"), given.get("squash", False), given.get("rules_from", "base")


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


def _ci() -> ModuleType:
    """The `ci` command's body, without the click command tree."""
    from agentops_hooks.commands import ci

    return ci


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
