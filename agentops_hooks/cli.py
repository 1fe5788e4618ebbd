"""The command line: click parses the arguments and dispatches to a command body, nothing else.

Each command's body is `commands/<name>.py` (the hook commands: hooks.py); exceptions become exit
codes in boundary.Shell, around `dispatch` here and around the hook fast path in entry.py.
To add a command: a function below with its options, whose body is one call into its module.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable, Collection, Sequence
from typing import Any

import click

from agentops_hooks import __version__, hooks
from agentops_hooks.boundary import Shell
from agentops_hooks.errors import ExitCode
from agentops_hooks.formats import FORMATTERS, SHARES_STDOUT
from agentops_hooks.names import BASELINE_FILE, CONFIG_FILE, RUNTIMES
from agentops_hooks.outputs import Options, default_color

REPORT_FORMATS = ("html", "json", "markdown", "openmetrics", "text")  # report/__init__.py RENDERERS (not imported: --help stays fast)
LEARNINGS_FORMATS = ("json", "markdown", "text")  # report/__init__.py LEARNINGS


def _body(name: str, function: str = "run") -> Callable[..., int]:
    """A command's body, `commands/<name>.py`'s function, imported only when that command runs."""
    body: Callable[..., int] = getattr(importlib.import_module(f"agentops_hooks.commands.{name}"), function)
    return body


Output = tuple[str, str | None]  # a format's name and its file (None: standard output)


class FormatSpec(click.ParamType[Output]):
    """`FMT[=PATH]`, checked against the formats one command writes (its registry's keys)."""

    name = "FMT[=PATH]"

    def __init__(self, names: Collection[str]) -> None:
        self.names = tuple(sorted(names))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Output:
        if isinstance(value, tuple):
            return (str(value[0]), value[1])
        name, sep, path = str(value).partition("=")
        if name not in self.names:
            who = ctx.command_path if ctx is not None else "agentops-check"
            self.fail(f"`{who}` has no format {name!r}; it writes {', '.join(self.names)}", param, ctx)
        if sep and not path:
            self.fail(f"{value!r} names no file after '=' (e.g. -f {name}=out.{name})", param, ctx)
        return name, path or None


def resolve_outputs(
    formats: Sequence[Output], output: str | None, default: str = "text", shares: Collection[str] = SHARES_STDOUT
) -> tuple[Output, ...]:
    """The formats to write and where; two documents on standard output are a usage error naming the fix."""
    outputs = tuple(formats) or ((default, None),)
    if output:
        if len(outputs) > 1:
            raise click.UsageError("--output takes a single format; use -f FMT=PATH for several")
        outputs = ((outputs[0][0], output),)
    to_stdout = [name for name, path in outputs if path is None]
    if len(to_stdout) > 1 and not set(to_stdout) <= set(shares):
        keep, *rest = to_stdout
        raise click.UsageError(
            f"{' and '.join(to_stdout)} would share standard output, one document glued to the next;"
            f" give all but one a file, e.g. -f {keep} " + " ".join(f"-f {n}={'out.' + n}" for n in rest)
        )
    return outputs


def _options(formats: tuple[Output, ...], output: str | None, color: bool | None, **flags: Any) -> Options:
    """The parsed shared options as one frozen Options."""
    outputs = resolve_outputs(formats, output)
    color = default_color() if color is None else color
    chosen = bool(formats or output)
    return Options(
        flags["config_path"], outputs, color, flags["verbose"], flags["quiet"], not flags["no_inline_allow"], chosen
    )


def format_options(names: Collection[str], default: str = "text") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`-f FMT[=PATH]` (repeatable) and `--output PATH` for a command whose formats are `names`."""

    def apply(f: Callable[..., Any]) -> Callable[..., Any]:
        f = click.option("--output", metavar="PATH", help="Write the (single) format to PATH.")(f)
        return click.option(
            "-f",
            "--format",
            "formats",
            multiple=True,
            type=FormatSpec(names),
            help=f"Output format, repeatable ({', '.join(sorted(names))}; default {default}); =PATH writes to a file.",
        )(f)

    return apply


COMMON_OPTIONS = (  # applied bottom-up, so listed in the order --help shows them
    click.option("-q", "--quiet", is_flag=True, help="Print the finding lines only: no headers, hints or summary."),
    click.option("--no-inline-allow", is_flag=True, help="Ignore `agentops: allow` comments (for CI)."),
    click.option("-v", "--verbose", is_flag=True, help="Say more: clean commits too, tracebacks of internal errors."),
    click.option(
        "--color/--no-color",
        default=None,
        help="Colour the text output (default: off under NO_COLOR, on under FORCE_COLOR, off for TERM=dumb, else on a terminal).",
    ),
    format_options(FORMATTERS),
    click.option(
        "--config", "config_path", metavar="PATH", help=f"Config file (default: AGENTOPS_CONFIG, then {CONFIG_FILE})."
    ),
)
SHARED = ("config_path", "formats", "output", "color", "verbose", "quiet", "no_inline_allow")


def common_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--config, -f/--format, --output, --color/--no-color, -q/-v, --no-inline-allow → one frozen Options."""

    @functools.wraps(f)
    def wrapper(**kwargs: Any) -> Any:
        shared = {k: kwargs.pop(k) for k in SHARED}
        return f(opts=_options(**shared), **kwargs)

    decorated: Callable[..., Any] = wrapper
    for option in COMMON_OPTIONS:
        decorated = option(decorated)
    return decorated


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="agentops-check")
@click.pass_context
def cli(ctx: click.Context) -> Any:
    """Stop AI coding agents from landing bad commits (12-Factor AgentOps checks).

    With no command, or with options only (`agentops-check -f json`), it checks the staged change.
    """
    if ctx.invoked_subcommand is None:
        return ctx.invoke(staged)
    return None


@cli.command()
@click.option("--hook", is_flag=True, help="Run as the pre-commit hook: block only on non-exemptible errors.")
@click.argument("paths", nargs=-1, metavar="[FILE]...")
@common_options
def staged(opts: Options, hook: bool = False, paths: tuple[str, ...] = ()) -> int:
    """Check the staged change (the default command); FILEs outside a commit: their whole staged content."""
    return hooks.staged(opts, hook, paths)


@cli.command("commit-msg")
@click.argument("message_file", type=click.Path(dir_okay=False))
@common_options
def commit_msg(opts: Options, message_file: str) -> int:
    """Check a commit message file together with the staged change (the commit-msg hook)."""
    return hooks.commit_msg(opts, message_file)


@cli.command("prepare-commit-msg")
@click.argument("message_file", type=click.Path(dir_okay=False))
@click.argument("source", required=False)
@click.argument("sha", required=False)
@common_options
def prepare_commit_msg(opts: Options, message_file: str, source: str | None, sha: str | None) -> int:
    """The prepare-commit-msg hook: git runs it even under --no-verify, so -m/-F commits are checked here."""
    return hooks.prepare_commit_msg(opts, message_file, source)


@cli.command("range")
@click.argument("spec", required=False, metavar="[A..B]")
@click.option("--base", metavar="REF", help="Check the commits since the merge-base of REF and HEAD.")
@common_options
def range_(opts: Options, spec: str | None, base: str | None) -> int:
    """Check every commit of a range on its own message and diff."""
    return _body("range")(opts, spec, base)


@cli.command("ci")
@click.option("--base", metavar="REF", help="Check the commits since REF (any CI); default: detect GitHub / GitLab.")
@click.option("--squash", is_flag=True, help="Also judge the PR title and body as the message that will land.")
@click.option(
    "--rules-from",
    type=click.Choice(["base", "head"]),
    default="base",
    help="Take config and rules from the base revision (default: a PR cannot weaken its own judge) or the head.",
)
@common_options
def ci_command(opts: Options, base: str | None, squash: bool, rules_from: str) -> int:
    """Check every commit of the pull request (or push) this CI run is for."""
    return _body("ci")(opts, base, squash, rules_from)


@cli.command("learn")
@click.option("--from-commit", metavar="SHA", help="Propose a rule from this bad commit.")
@click.option("--pattern", metavar="RE", help="Build the rule from this RE2 pattern instead.")
@click.option("--paths", multiple=True, metavar="GLOB", help="paths.include globs (repeatable).")
@click.option("--line", "lines", multiple=True, metavar="PATH:N", help="Use exactly these added lines (repeatable).")
@click.option("--id", "rule_id", metavar="ID", help="The new rule's id (default: learned-<sha7>).")
@click.option("--kind", type=click.Choice(["added-pattern", "removed-pattern"]), default="added-pattern")
@click.option("--keywords", multiple=True, metavar="WORD", help="Prefilter keywords (repeatable or comma-separated).")
@click.option("--message", metavar="M", help="What a violation prints ({path}, {line}, {match}).")
@click.option("--hint", metavar="H", help="How to fix it.")
@click.option("--description", metavar="TEXT", help="One sentence (default: from the message).")
@click.option("--severity", type=click.Choice(["error", "warning", "info"]), default="error")
@click.option(
    "--applies-to", type=click.Choice(["all", "agent", "ai", "automation", "human"]), default="all", metavar="A"
)
@click.option("--rule-file", default=".agentops/rules.yaml", metavar="PATH", help="Where the rule goes.")
@click.option("--config", "config_path", metavar="PATH")
@click.option("--dry-run", is_flag=True, help="Print the diff only; write nothing.")
def learn(config_path: str | None, dry_run: bool, rule_file: str, **flags: Any) -> int:
    """Turn a bad commit (or a pattern) into a new rule, tested and backtested before it is saved."""
    return _body("learn_run")(config_path, dry_run, rule_file, **flags)


@cli.command("backtest")
@click.argument("target", metavar="RULE-ID|FILE")
@click.option("--range", "spec", metavar="A..B", help="Only these commits (default: all of HEAD's history).")
@click.option("--since", metavar="DATE", help="Only commits since DATE (git log --since).")
@format_options(("text", "json"))
@click.option("--config", "config_path", metavar="PATH")
def backtest(
    target: str, spec: str | None, since: str | None, formats: tuple[Output, ...], output: str | None, config_path: str | None
) -> int:
    """What a rule (or every rule of a rule file) would have caught across history."""
    return _body("backtest")(target, spec, since, resolve_outputs(formats, output), config_path)


@cli.command("baseline")
@click.argument("spec", required=False, metavar="[RANGE]")
@click.option("-o", "--output", metavar="PATH", help=f"Where to write it (default: {BASELINE_FILE} at the top).")
@click.option("--config", "config_path", metavar="PATH")
def baseline_command(spec: str | None, output: str | None, config_path: str | None) -> int:
    """Record today's findings of a history (default: all of HEAD's) as fingerprints, never values.

    `range` and `ci` then list those findings as acknowledged (rotate them) instead of refusing,
    but only in the commits the baseline was taken at or before: the same secret added again by
    a new commit is still refused. `ci` reads the baseline from the base revision.
    """
    return _body("baseline")(config_path, spec, output)


@cli.group()
def rules() -> None:
    """List, show, validate, test the rules, or print their JSON Schema."""


@rules.command("list")
@click.option("--all", "all_packs", is_flag=True, help="Every rule of every built-in pack.")
@click.option("--config", "config_path", metavar="PATH")
def rules_list(config_path: str | None, all_packs: bool) -> int:
    """One line per effective rule: id, pack, kind, severity, applies-to."""
    return _body("rules", "list_rules")(config_path, all_packs)


@rules.command("show")
@click.argument("rule_id")
@click.option("--config", "config_path", metavar="PATH")
def rules_show(rule_id: str, config_path: str | None) -> int:
    """Everything about one rule (the same as `agentops-check explain ID`)."""
    return _body("rules", "show")(rule_id, config_path)


@cli.command("explain")
@click.argument("rule_id")
@click.option("--config", "config_path", metavar="PATH")
def explain_command(rule_id: str, config_path: str | None) -> int:
    """What a rule checks, why, its factor, its examples, how to fix and how to exempt."""
    return _body("rules", "show")(rule_id, config_path)


@rules.command("schema")
def rules_schema() -> int:
    """Print the JSON Schema of rule files and configs (for editors)."""
    return _body("rules", "schema")()


@rules.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--config", "config_path", metavar="PATH")
def rules_validate(files: tuple[str, ...], config_path: str | None) -> int:
    """Validate rule files (default: the effective config and everything it extends)."""
    return _body("rules", "validate")(files, config_path)


@rules.command("test")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--config", "config_path", metavar="PATH")
@click.option("--all", "all_packs", is_flag=True, help="Test every built-in pack.")
def rules_test(files: tuple[str, ...], config_path: str | None, all_packs: bool) -> int:
    """Prove every rule's examples: fail cases must be flagged, pass cases must not."""
    return _body("rules", "test")(files, config_path, all_packs)


@rules.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", metavar="PATH", help="Write the result here (default: standard output).")
def rules_import(file: str, output: str | None) -> int:
    """Turn a gitleaks config (TOML) into our rules, or a detect-secrets baseline into ours.

    The kind of FILE is read from its content. What could not be carried over is listed on
    stderr, each with its rule id and why. Exit 0: everything carried over; 1: something was
    not (the output holds the rest); 2: usage error; 3: FILE unreadable or of no known kind.
    """
    return _body("rules_import")(file, output)


@cli.command("init")
@click.option("--pack", "packs", multiple=True, help="Packs to extend (default: core, secrets).")
@click.option("--repo", metavar="URL", help="Where pre-commit gets the hooks (default: the project's repository).")
@click.option("--rev", metavar="REV", help="The tag or commit of --repo (default: v<installed version>).")
@click.option("--agent", type=click.Choice(list(RUNTIMES)), help="Also install agent-hook in this runtime's settings.")
@click.option("--dry-run", is_flag=True, help="Show the changes as a diff; write nothing.")
def init(packs: tuple[str, ...], repo: str | None, rev: str | None, agent: str | None, dry_run: bool) -> int:
    """Set up a repository: .agentops.yaml, the pre-commit hooks, and optionally an agent runtime hook."""
    return _body("init_run")(packs, repo, rev, agent, dry_run)


@cli.command("doctor")
def doctor() -> int:
    """Check that this repository's hooks, pre-commit config, agent runtime hooks and config will really run."""
    from agentops_hooks.commands import doctor as doctor_

    return doctor_.run(click.echo)


@cli.command("uninstall")
def uninstall() -> int:
    """Remove the reference-transaction guard init installed (and say how to remove the pre-commit hooks)."""
    return _body("init_run", "uninstall")()


@cli.command("reference-transaction")
@click.argument("state", type=click.Choice(["prepared", "committed", "aborted"]))
def reference_transaction(state: str) -> int:
    """The reference-transaction guard git runs (init installs it): refuse a branch move to refused commits."""
    from agentops_hooks.guard import reftx

    return reftx.run(state, sys.stdin)


@cli.command("agent-hook")
@click.option(
    "--runtime",
    type=click.Choice(["auto", *RUNTIMES]),
    default="auto",
    help="The agent runtime whose pre-tool-use JSON arrives on stdin (auto: from its shape).",
)
def agent_hook(runtime: str) -> int:
    """Refuse agent shell commands that bypass or disable git hooks (a pre-tool-use hook)."""
    return hooks.agent_hook(runtime)


@cli.group("pack")
def pack_group() -> None:
    """Write rule packs others can install (`pkg:NAME`)."""


@pack_group.command("new")
@click.argument("name")
@click.option("--dir", "directory", metavar="PATH", help="Where to write it (default: ./agentops-pack-NAME).")
def pack_new(name: str, directory: str | None) -> int:
    """An installable distribution declaring the pack NAME: a rule, its examples, a test."""
    return _body("pack_new")(name, directory, click.echo)


@cli.group("config")
def config_group() -> None:
    """Inspect the effective configuration."""


@config_group.command("show")
@click.option("--config", "config_path", metavar="PATH")
@format_options(("text", "json"))
def config_show(config_path: str | None, formats: tuple[Output, ...], output: str | None) -> int:
    """The effective rules and settings, each with where it was set."""
    return _body("config", "show")(config_path, resolve_outputs(formats, output))


@cli.command()
@click.option("--keep", is_flag=True, help="Keep the scratch repository and print where it is.")
def demo(keep: bool) -> int:
    """Show the hook at work in a scratch repository: a refused agent commit and its fix."""
    from agentops_hooks import demo as demo_

    return demo_.run(keep, click.echo)


def _period_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--range, --since, --until and --config, as report and learnings take them."""
    f = click.option("--until", metavar="DATE", help="Only commits committed before DATE (as git log --until).")(f)
    f = click.option("--since", metavar="DATE", help="Only commits committed after DATE (as git log --since).")(f)
    f = click.option(
        "--range", "spec", metavar="A..B", help="The commits of a range (default: all of HEAD's history)."
    )(f)
    return click.option("--config", "config_path", metavar="PATH", help=f"Config file (default: {CONFIG_FILE}).")(f)


@cli.command("report")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@_period_options
@format_options(REPORT_FORMATS)
@click.option("-q", "--quiet", is_flag=True, help="No progress line on a terminal.")
@click.option("--merge", is_flag=True, help="Combine the JSON reports given as FILES (one row per repository).")
@click.option("--name", metavar="NAME", help="The repository's name in the report (default: owner/repo of origin).")
@click.option(
    "--fail-under",
    "fail_under",
    multiple=True,
    metavar="NAME=VALUE",
    help="Exit 1 when a share is under VALUE (0.8 or 80%): pass-rate, agent-pass-rate, section-completeness, learning-share, rule:ID.",
)
def report_command(
    files: tuple[str, ...],
    config_path: str | None,
    spec: str | None,
    since: str | None,
    until: str | None,
    formats: tuple[Output, ...],
    output: str | None,
    quiet: bool,
    merge: bool,
    name: str | None,
    fail_under: tuple[str, ...],
) -> int:
    """Agent share, rule pass rates, sections, exemptions, spirals, learnings: one pass over history."""
    outputs = resolve_outputs(formats, output)
    return _body("report")(files, config_path, (spec, since, until), outputs, merge, name, quiet, fail_under)


@cli.command("learnings")
@_period_options
@click.option("--grep", metavar="TEXT", help="Only learnings containing TEXT (case-insensitive).")
@format_options(LEARNINGS_FORMATS)
def learnings_command(
    config_path: str | None,
    spec: str | None,
    since: str | None,
    until: str | None,
    grep: str | None,
    formats: tuple[Output, ...],
    output: str | None,
) -> int:
    """The `Learning:` lines of history, with commit, date and verdict; --grep searches them.

    `-f markdown=DIR` writes one note per learning into DIR (front matter: commit, date, agent, files, rule).
    """
    outputs = resolve_outputs(formats, output)
    if any(name == "markdown" and path is None for name, path in outputs):
        raise click.UsageError("-f markdown writes one note per learning into a folder: -f markdown=DIR")
    return _body("report", "learnings")(config_path, (spec, since, until), grep, outputs)


def dispatch(args: Sequence[str]) -> int:
    """Parse the arguments and run the command they name (the caller holds the boundary).

    Options without a command are the default command's: `agentops-check -f json` is `staged -f json`.
    """
    args = list(args)
    if args and args[0].startswith("-") and args[0] not in ("-h", "--help", "--version"):
        args = ["staged", *args]
    ret = cli.main(args=args, prog_name="agentops-check", standalone_mode=False)
    return int(ret) if isinstance(ret, int) else ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """The full CLI without the hook fast path (entry.main is the console script)."""
    args = list(sys.argv[1:] if argv is None else argv)
    with Shell(args) as shell:
        shell.code = dispatch(args)
    return shell.code
