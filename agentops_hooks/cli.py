"""The command line: a thin click shell around one main(argv) -> int, the only error boundary."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import click

from agentops_hooks import __version__
from agentops_hooks.errors import ExitCode, FatalError
from agentops_hooks.formats import FORMATTERS, RunInfo, Totals, formatter
from agentops_hooks.formats.common import RuleDoc
from agentops_hooks.model import CommitResult, Rule


@dataclass(frozen=True, slots=True)
class Options:
    """The options every checking command shares."""

    config: str | None
    outputs: tuple[tuple[str, str | None], ...]
    color: bool
    verbose: bool
    quiet: bool
    inline_allow: bool = True
    chosen_formats: bool = False  # -f/--output given: no format is added automatically


def _parse_format(value: str) -> tuple[str, str | None]:
    name, _, path = value.partition("=")
    if name not in FORMATTERS:
        raise click.BadParameter(f"unknown format {name!r} (choose from {', '.join(sorted(FORMATTERS))})")
    return name, path or None


def common_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--config, -f/--format, --output, --color/--no-color, -q/-v → one frozen Options."""

    @click.option(
        "--config", "config_path", metavar="PATH", help="Config file (default: AGENTOPS_CONFIG, then .agentops.yaml)."
    )
    @click.option(
        "-f",
        "--format",
        "formats",
        multiple=True,
        metavar="FMT[=PATH]",
        help=f"Output format, repeatable ({', '.join(sorted(FORMATTERS))}); =PATH writes to a file.",
    )
    @click.option("--output", metavar="PATH", help="Write the (single) format to PATH.")
    @click.option(
        "--color/--no-color", default=None, help="Colour the text output (default: on a terminal, unless NO_COLOR)."
    )
    @click.option("-v", "--verbose", is_flag=True, help="Say more: clean commits too, tracebacks of internal errors.")
    @click.option("-q", "--quiet", is_flag=True, help="Print only findings.")
    @click.option("--no-inline-allow", is_flag=True, help="Ignore `agentops: allow` comments (for CI).")
    @functools.wraps(f)
    def wrapper(
        config_path: str | None,
        formats: tuple[str, ...],
        output: str | None,
        color: bool | None,
        verbose: bool,
        quiet: bool,
        no_inline_allow: bool,
        **kwargs: Any,
    ) -> Any:
        outputs = tuple(_parse_format(v) for v in formats) or (("text", None),)
        if output:
            if len(outputs) > 1:
                raise click.UsageError("--output takes a single format; use -f FMT=PATH for several")
            outputs = ((outputs[0][0], output),)
        if color is None:
            color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        chosen = bool(formats or output)
        return f(opts=Options(config_path, outputs, color, verbose, quiet, not no_inline_allow, chosen), **kwargs)

    return wrapper


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="agentops-check")
@click.pass_context
def cli(ctx: click.Context) -> Any:
    """Stop AI coding agents from landing bad commits (12-Factor AgentOps checks)."""
    if ctx.invoked_subcommand is None:
        return ctx.invoke(staged)
    return None


def write_outputs(
    results: Iterable[CommitResult],
    opts: Options,
    command: str,
    blocking_note: str = "",
    rules: Iterable[Rule] = (),
) -> Totals:
    """Render every requested format (streaming when there is one) and return the totals."""
    import dataclasses

    docs = {r.id: RuleDoc(r.description, r.hint, r.factor, r.severity) for r in rules}
    run = RunInfo(__version__, command, opts.color, opts.verbose, blocking_note, docs)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY") if any(n == "github" for n, _ in opts.outputs) else None
    if len(opts.outputs) > 1 or summary_path:
        results = list(results)  # light results (paths, no lines): one pass per format
    totals = Totals()
    for i, (name, path) in enumerate(opts.outputs):
        lines = formatter(name)(
            results, dataclasses.replace(run, color=run.color and path is None), totals if i == 0 else Totals()
        )
        _emit(lines, path)
    if summary_path:
        _append_summary(summary_path, formatter("markdown")(results, run, Totals()))
    return totals


def _emit(lines: Iterable[str], path: str | None) -> None:
    if path is None:
        for line in lines:
            click.echo(line)
        return
    try:
        with open(path, "w", encoding="utf-8") as out:
            for line in lines:
                out.write(line + "\n")
    except OSError as e:
        raise FatalError(f"{path}: cannot write the output: {e.strerror}") from None


SUMMARY_CAP = 1_000_000  # GitHub refuses a step summary over 1 MiB


def _append_summary(path: str, lines: Iterable[str]) -> None:
    """Append the markdown report to $GITHUB_STEP_SUMMARY, within GitHub's size limit."""
    text = "\n".join(lines) + "\n"
    if len(text.encode()) > SUMMARY_CAP:
        text = (
            text.encode()[: SUMMARY_CAP - 200].decode("utf-8", "ignore")
            + "\n\n_…cut to fit GitHub's 1 MiB summary limit._\n"
        )
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(text)
    except OSError as e:
        raise FatalError(f"GITHUB_STEP_SUMMARY={path}: cannot write: {e.strerror}") from None


def exit_code(totals: Totals) -> int:
    """1 when any unwaived error finding blocks, else 0."""
    return ExitCode.FINDINGS if totals.blocking else ExitCode.OK


@cli.command()
@click.option("--hook", is_flag=True, help="Run as the pre-commit hook: block only on non-exemptible errors.")
@common_options
def staged(opts: Options, hook: bool = False) -> int:
    """Check the staged change (the default command)."""
    from agentops_hooks import checks

    env = checks.environ()
    if hook and env.get("PRE_COMMIT") == "1" and "GIT_INDEX_FILE" not in env and not _anything_staged():
        click.echo(
            "agentops: nothing to check outside a commit (this hook checks commits); "
            "run `agentops-check ci` or `agentops-check range A..B` to check history",
            err=True,
        )
        return ExitCode.OK
    ctx = checks.open_context(opts.config, env, inline_allow=opts.inline_allow)
    result = checks.staged(ctx)
    if hook:
        result = _defer_to_commit_msg(result, {r.id: r.exemptible for r in ctx.config.rules})
    totals = write_outputs([result], opts, "staged", "refused", ctx.config.rules)
    return exit_code(totals)


def _anything_staged() -> bool:
    """Whether the index differs from HEAD (`pre-commit run` before a commit still checks what is staged)."""
    from agentops_hooks import gitrepo

    return bool(gitrepo.git("diff", "--cached", "--name-only", "-z", "--no-renames").strip(b"\0"))


def _defer_to_commit_msg(result: CommitResult, exemptible: dict[str, bool]) -> CommitResult:
    """At pre-commit time an exemption may still come with the message: only unwaivable errors block."""
    import dataclasses

    findings = tuple(
        dataclasses.replace(
            f, severity="warning", message=f"{f.message} (commit-msg will refuse this unless the message exempts it)"
        )
        if f.severity == "error" and exemptible.get(f.rule_id, True)
        else f
        for f in result.findings
    )
    return dataclasses.replace(result, findings=findings)


@cli.command("commit-msg")
@click.argument("message_file", type=click.Path(dir_okay=False))
@common_options
def commit_msg(opts: Options, message_file: str) -> int:
    """Check a commit message file together with the staged change (the commit-msg hook)."""
    from agentops_hooks import checks

    _require_file(message_file)
    ctx = checks.open_context(opts.config, checks.environ(), inline_allow=opts.inline_allow)
    result = checks.commit_msg(ctx, message_file)
    if result is None:  # prepare-commit-msg checked this very message already
        return ExitCode.OK
    note = f"commit refused (your message is kept in {message_file})"
    return exit_code(write_outputs([result], opts, "commit-msg", note, ctx.config.rules))


@cli.command("prepare-commit-msg")
@click.argument("message_file", type=click.Path(dir_okay=False))
@click.argument("source", required=False)
@click.argument("sha", required=False)
@common_options
def prepare_commit_msg(opts: Options, message_file: str, source: str | None, sha: str | None) -> int:
    """The prepare-commit-msg hook: git runs it even under --no-verify, so -m/-F commits are checked here."""
    from agentops_hooks import checks

    _require_file(message_file)
    env = checks.environ()
    source = source if source is not None else env.get("PRE_COMMIT_COMMIT_MSG_SOURCE", "")
    ctx = checks.open_context(opts.config, env, inline_allow=opts.inline_allow)
    result = checks.prepare(ctx, message_file, source)
    if result is None:
        return ExitCode.OK
    note = "commit refused (prepare-commit-msg runs even with --no-verify)"
    return exit_code(write_outputs([result], opts, "prepare-commit-msg", note, ctx.config.rules))


def _require_file(path: str) -> None:
    if not os.path.isfile(path):
        raise FatalError(f"{path}: no such message file (git passes .git/COMMIT_EDITMSG to the hook)")


@cli.command("range")
@click.argument("spec", required=False, metavar="[A..B]")
@click.option("--base", metavar="REF", help="Check the commits since the merge-base of REF and HEAD.")
@common_options
def range_(opts: Options, spec: str | None, base: str | None) -> int:
    """Check every commit of a range on its own message and diff."""
    from agentops_hooks import checks

    ctx = checks.open_context(opts.config, checks.environ(), inline_allow=opts.inline_allow)
    revs = checks.range_revs(spec, base, checks.environ())
    totals = write_outputs(checks.history(ctx, revs), opts, "range", rules=ctx.config.rules)
    return exit_code(totals)


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
    import dataclasses
    import itertools

    from agentops_hooks import checks, ci, gitrepo

    env = checks.environ()
    target = ci.detect(env, base)
    revs = checks.ci_revs(target)
    rules_rev = gitrepo.resolve(target.base) if rules_from == "base" and target.base else None
    ctx = checks.open_context(opts.config, env, trust_cache=False, inline_allow=opts.inline_allow, rules_rev=rules_rev)
    if target.base is None:
        click.echo(
            f"agentops: no base revision for this {target.event or 'run'}: checking {target.head[:12]} only", err=True
        )
    results = checks.history(ctx, revs)
    if squash:
        results = itertools.chain(results, [checks.squash(ctx, target)])
    if not opts.chosen_formats and env.get("GITHUB_ACTIONS") == "true":
        opts = dataclasses.replace(opts, outputs=(("text", None), ("github", None)))  # annotations by default
    totals = write_outputs(results, opts, "ci", rules=ctx.config.rules)
    return exit_code(totals)


@cli.group()
def rules() -> None:
    """List, show, validate, test the rules, or print their JSON Schema."""


@rules.command("list")
@click.option("--all", "all_packs", is_flag=True, help="Every rule of every built-in pack.")
@click.option("--config", "config_path", metavar="PATH")
def rules_list(config_path: str | None, all_packs: bool) -> int:
    """One line per effective rule: id, pack, kind, severity, applies-to."""
    for rule in _rules(config_path, all_packs):
        click.echo(f"{rule.id}  {rule.pack}  {rule.kind}  {rule.severity}  applies-to={rule.applies_to}")
    return ExitCode.OK


@rules.command("show")
@click.argument("rule_id")
@click.option("--config", "config_path", metavar="PATH")
def rules_show(rule_id: str, config_path: str | None) -> int:
    """Everything about one rule."""
    import difflib

    found = {r.id: r for r in _rules(config_path, True)} | {r.id: r for r in _rules(config_path, False)}
    rule = found.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(found), n=1)
        raise FatalError(
            f"no rule '{rule_id}'"
            + (f" (did you mean '{close[0]}'?)" if close else "")
            + "; `agentops-check rules list --all` shows them"
        )
    click.echo(
        f"{rule.id} ({rule.kind}, {rule.severity}, applies-to {rule.applies_to}, from {rule.pack}: {rule.origin})"
    )
    click.echo(f"  {rule.description}")
    click.echo(f"  message: {rule.message}")
    if rule.hint:
        click.echo(f"  hint: {rule.hint}")
    for key, value in (rule.params or {}).items():
        click.echo(f"  {key}: {value}")
    return ExitCode.OK


@rules.command("schema")
def rules_schema() -> int:
    """Print the JSON Schema of rule files and configs (for editors)."""
    from agentops_hooks import packs

    click.echo(packs.schema_text(), nl=False)
    return ExitCode.OK


@rules.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--config", "config_path", metavar="PATH")
def rules_validate(files: tuple[str, ...], config_path: str | None) -> int:
    """Validate rule files (default: the effective config and everything it extends)."""
    from agentops_hooks import config

    if files:
        for path in files:
            config.load(path, trust_cache=False)
            click.echo(f"{path}: ok")
    else:
        n = len(_rules(config_path, False, trust_cache=False))
        click.echo(f"ok: {n} rules")
    return ExitCode.OK


@rules.command("test")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--config", "config_path", metavar="PATH")
@click.option("--all", "all_packs", is_flag=True, help="Test every built-in pack.")
def rules_test(files: tuple[str, ...], config_path: str | None, all_packs: bool) -> int:
    """Prove every rule's examples: fail cases must be flagged, pass cases must not."""
    from agentops_hooks import config, ruletest

    if files:
        rules_ = [r for path in files for r in config.load(path, trust_cache=False).rules]
    else:
        rules_ = list(_rules(config_path, all_packs, trust_cache=False))
    failed = untested = proven = 0
    for outcome in ruletest.run(rules_):
        if outcome.problem is None:
            proven += 1
        elif outcome.problem.startswith("untested"):
            untested += 1
            click.echo(f"warning: {outcome.rule_id}: {outcome.problem}")
        else:
            failed += 1
            click.echo(f"FAIL {outcome.rule_id} {outcome.case}: {outcome.problem}")
    click.echo(
        f"rules test: {proven} examples proven, {failed} failed, {untested} rules untested ({len(rules_)} rules)"
    )
    return ExitCode.FINDINGS if failed else ExitCode.OK


def _rules(config_path: str | None, all_packs: bool, trust_cache: bool = True) -> tuple[Any, ...]:
    from agentops_hooks import config, gitrepo, packs

    if all_packs:  # a pack may extend others (strict): each rule once, under its own pack
        every: dict[str, Any] = {}
        for name in packs.builtin_names():
            for r in config.load(str(packs.builtin_path(name)), trust_cache, pack=f"builtin:{name}").rules:
                every.setdefault(r.id, r)
        return tuple(every.values())
    try:
        top: str | None = gitrepo.repo_info().toplevel
    except FatalError:
        top = None
    return config.load(config.find(top, config_path, os.environ), trust_cache, top).rules


@cli.command("init")
@click.option("--pack", "packs", multiple=True, help="Packs to extend (default: core, secrets).")
@click.option("--repo", metavar="URL", help="Where pre-commit gets the hooks (default: the project's repository).")
@click.option("--rev", metavar="REV", help="The tag or commit of --repo (default: v<installed version>).")
@click.option(
    "--agent",
    type=click.Choice(["claude", "codex", "gemini", "cursor", "copilot"]),
    help="Also install agent-hook in this runtime's settings.",
)
@click.option("--dry-run", is_flag=True, help="Show the changes as a diff; write nothing.")
def init(packs: tuple[str, ...], repo: str | None, rev: str | None, agent: str | None, dry_run: bool) -> int:
    """Set up a repository: .agentops.yaml, the pre-commit hooks, and optionally an agent runtime hook."""
    from agentops_hooks import gitrepo
    from agentops_hooks.commands import init as init_

    root = gitrepo.repo_info().toplevel
    changes = init_.plan(root, list(packs) or ["core", "secrets"], repo, rev, agent)
    if dry_run:
        for c in changes:
            click.echo(c.diff(), nl=False)
        click.echo(f"agentops init: {len(changes)} file(s) would change (dry run: nothing written)")
        return ExitCode.OK
    init_.apply(root, changes)
    for line in init_.summary(changes):
        click.echo(f"agentops init: {line}")
    if not changes:
        click.echo("agentops init: already set up; nothing changed")
    click.echo(f"agentops init: now run:  {init_.install_command()}")
    return ExitCode.OK


@cli.command("agent-hook")
@click.option(
    "--runtime",
    type=click.Choice(["auto", "claude", "codex", "gemini", "cursor", "copilot"]),
    default="auto",
    help="The agent runtime whose pre-tool-use JSON arrives on stdin (auto: from its shape).",
)
def agent_hook(runtime: str) -> int:
    """Refuse agent shell commands that bypass or disable git hooks (a pre-tool-use hook)."""
    from agentops_hooks.commands import agent_hook as hook

    try:
        raw = sys.stdin.read()
    except (OSError, UnicodeDecodeError) as e:
        raw = f"<unreadable: {e}>"
    answer = hook.decide(raw, runtime)
    if answer.stdout:
        click.echo(answer.stdout)
    if answer.stderr:
        click.echo(answer.stderr, err=True)
    return answer.code


@cli.group("config")
def config_group() -> None:
    """Inspect the effective configuration."""


@config_group.command("show")
@click.option("--config", "config_path", metavar="PATH")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def config_show(config_path: str | None, fmt: str) -> int:
    """The effective rules and settings, each with where it was set."""
    from agentops_hooks import config, gitrepo, showconfig

    top = gitrepo.repo_info().toplevel
    cfg = config.load(config.find(top, config_path, os.environ), True, top)
    for line in showconfig.text(cfg) if fmt == "text" else [showconfig.as_json(cfg)]:
        click.echo(line)
    return ExitCode.OK


@cli.command()
@click.option("--keep", is_flag=True, help="Keep the scratch repository and print where it is.")
def demo(keep: bool) -> int:
    """Show the hook at work in a scratch repository: a refused agent commit and its fix."""
    from agentops_hooks import demo as demo_

    return demo_.run(keep, click.echo)


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: every outcome becomes an exit code here and nowhere else."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        ret = cli.main(args=args, prog_name="agentops-check", standalone_mode=False)
    except click.UsageError as e:
        e.show()
        return ExitCode.USAGE
    except click.ClickException as e:  # not a finding: the check could not run
        click.echo(f"agentops-check: {e.format_message()}", err=True)
        return ExitCode.CANNOT_RUN
    except (click.Abort, KeyboardInterrupt):
        click.echo("agentops-check: interrupted", err=True)
        return 130
    except FatalError as e:
        click.echo(f"agentops-check: {e}", err=True)
        return ExitCode.CANNOT_RUN
    except BrokenPipeError:  # `agentops-check range | head`: the reader left
        sys.stderr.close()
        return ExitCode.OK
    except Exception as e:  # a bug: fail closed, one line, the traceback in the log
        from agentops_hooks import crashlog

        log = crashlog.write(e)
        click.echo(f"agentops-check: internal error: {e!r}; details in {log}", err=True)
        if "-v" in args or "--verbose" in args:
            import traceback

            traceback.print_exception(e)
        return ExitCode.CANNOT_RUN
    return int(ret) if isinstance(ret, int) else ExitCode.OK
