"""The command line: a thin click shell around one main(argv) -> int, the only error boundary."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from agentops_hooks import __version__, boundary, hooks
from agentops_hooks.errors import ExitCode, FatalError
from agentops_hooks.formats import FORMATTERS
from agentops_hooks.outputs import Options, default_color, emit, exit_code, write_outputs
from agentops_hooks.values import replace


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
            color = default_color()
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


@cli.command()
@click.option("--hook", is_flag=True, help="Run as the pre-commit hook: block only on non-exemptible errors.")
@common_options
def staged(opts: Options, hook: bool = False) -> int:
    """Check the staged change (the default command)."""
    return hooks.staged(opts, hook)


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
        opts = replace(opts, outputs=(("text", None), ("github", None)))  # annotations by default
    totals = write_outputs(results, opts, "ci", rules=ctx.config.rules)
    return exit_code(totals)


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
    from agentops_hooks import checks
    from agentops_hooks.commands import backtest as backtest_
    from agentops_hooks.commands import learn as learn_

    ctx = checks.open_context(config_path, checks.environ())
    words = tuple(w.strip() for v in flags["keywords"] for w in v.split(",") if w.strip())
    draft = learn_.draft(
        ctx, **{k: flags[k] for k in ("from_commit", "pattern", "paths", "lines", "rule_id", "kind")}, keywords=words
    )
    message, hint = flags["message"], flags["hint"]
    if sys.stdin.isatty():  # prompt only a person; scripts and agents get the defaults
        message = message or click.prompt("Message (what a violation prints)", default=draft.message)
        hint = hint if hint is not None else click.prompt("Hint (how to fix it)", default=draft.hint)
    proposal = learn_.finish(
        ctx,
        draft,
        message=message,
        hint=hint,
        description=flags["description"],
        severity=flags["severity"],
        applies_to=flags["applies_to"],
        rule_file=rule_file,
        config_path=config_path,
    )
    for note in proposal.notes:
        click.echo(f"learn: {note}", err=True)
    for line in backtest_.text(backtest_.run(ctx, [proposal.rule], ["HEAD"], "HEAD")):
        click.echo(line)
    top = ctx.repo.toplevel
    if dry_run:
        for edit in proposal.edits:
            click.echo(edit.diff(os.path.relpath(edit.path, top)), nl=False)
        click.echo(f"learn: rule '{proposal.rule.id}' proposed (dry run: nothing written)")
        return ExitCode.OK
    learn_.apply(proposal.edits)
    for edit in proposal.edits:
        click.echo(f"learn: wrote {os.path.relpath(edit.path, top)}")
    return ExitCode.OK


@cli.command("backtest")
@click.argument("target", metavar="RULE-ID|FILE")
@click.option("--range", "spec", metavar="A..B", help="Only these commits (default: all of HEAD's history).")
@click.option("--since", metavar="DATE", help="Only commits since DATE (git log --since).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_path", metavar="PATH")
def backtest(target: str, spec: str | None, since: str | None, fmt: str, config_path: str | None) -> int:
    """What a rule (or every rule of a rule file) would have caught across history."""
    import json

    from agentops_hooks import checks, config
    from agentops_hooks.commands import backtest as backtest_

    ctx = checks.open_context(config_path, checks.environ())
    if os.path.isfile(target):
        chosen = config.load(target, toplevel=ctx.repo.toplevel).rules
    else:
        chosen = backtest_.select_rules(target, ctx.config.rules, _rules(config_path, True))
    revs = checks.range_revs(spec, None, checks.environ()) if spec else ["HEAD"]
    label = spec or "HEAD"
    if since:
        revs, label = [*revs, f"--since={since}"], f"{label} --since={since}"
    result = backtest_.run(ctx, chosen, revs, label)
    lines = [json.dumps(backtest_.as_json(result), ensure_ascii=False)] if fmt == "json" else backtest_.text(result)
    for line in lines:
        click.echo(line)
    return ExitCode.OK


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
    """Everything about one rule (the same as `agentops-check explain ID`)."""
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
    from agentops_hooks.explain import explain

    for line in explain(rule):
        click.echo(line)
    return ExitCode.OK


@cli.command("explain")
@click.argument("rule_id")
@click.option("--config", "config_path", metavar="PATH")
@click.pass_context
def explain_command(ctx: click.Context, rule_id: str, config_path: str | None) -> int:
    """What a rule checks, why, its factor, its examples, how to fix and how to exempt."""
    result: int = ctx.invoke(rules_show, rule_id=rule_id, config_path=config_path)
    return result


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


@cli.command("doctor")
def doctor() -> int:
    """Check that this repository's hooks, pre-commit config, agent runtime hooks and config will really run."""
    from agentops_hooks.commands import doctor as doctor_

    return doctor_.run(click.echo)


@cli.command("agent-hook")
@click.option(
    "--runtime",
    type=click.Choice(["auto", "claude", "codex", "gemini", "cursor", "copilot"]),
    default="auto",
    help="The agent runtime whose pre-tool-use JSON arrives on stdin (auto: from its shape).",
)
def agent_hook(runtime: str) -> int:
    """Refuse agent shell commands that bypass or disable git hooks (a pre-tool-use hook)."""
    return hooks.agent_hook(runtime)


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


def _period_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--range, --since, --until and --config, as report and learnings take them."""
    f = click.option("--until", metavar="DATE", help="Only commits committed before DATE (as git log --until).")(f)
    f = click.option("--since", metavar="DATE", help="Only commits committed after DATE (as git log --since).")(f)
    f = click.option(
        "--range", "spec", metavar="A..B", help="The commits of a range (default: all of HEAD's history)."
    )(f)
    return click.option("--config", "config_path", metavar="PATH", help="Config file (default: .agentops.yaml).")(f)


@cli.command("report")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@_period_options
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]), default="text")
@click.option("--output", metavar="PATH", help="Write the report to PATH instead of stdout.")
@click.option("--merge", is_flag=True, help="Combine the JSON reports given as FILES (one row per repository).")
@click.option("--name", metavar="NAME", help="The repository's name in the report (default: owner/repo of origin).")
def report_command(
    files: tuple[str, ...],
    config_path: str | None,
    spec: str | None,
    since: str | None,
    until: str | None,
    fmt: str,
    output: str | None,
    merge: bool,
    name: str | None,
) -> int:
    """Agent share, rule pass rates, sections, exemptions, spirals, learnings: one pass over history."""
    from agentops_hooks import checks, report
    from agentops_hooks.report import merge as merge_
    from agentops_hooks.report import scan

    if merge != bool(files):
        raise click.UsageError("--merge takes the JSON reports to combine: report --merge a.json b.json ...")
    if merge:
        doc = merge_.merge(scan.load(files), __version__)
    else:
        env = checks.environ()
        ctx = checks.open_context(config_path, env)
        revs = scan.revisions(spec, since, until, env)
        progress = scan.Progress(sys.stderr) if sys.stderr.isatty() else None
        try:
            doc = scan.report(ctx, revs, scan.meta(ctx, __version__, scan.describe(spec, since, until), name), progress)
        finally:
            if progress:
                progress.done()
    emit(report.RENDERERS[fmt](doc), output)
    return ExitCode.OK


@cli.command("learnings")
@_period_options
@click.option("--grep", metavar="TEXT", help="Only learnings containing TEXT (case-insensitive).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--output", metavar="PATH", help="Write to PATH instead of stdout.")
def learnings_command(
    config_path: str | None,
    spec: str | None,
    since: str | None,
    until: str | None,
    grep: str | None,
    fmt: str,
    output: str | None,
) -> int:
    """The `Learning:` lines of history, with commit, date and verdict; --grep searches them."""
    from agentops_hooks import checks, report
    from agentops_hooks.report import scan

    env = checks.environ()
    ctx = checks.open_context(config_path, env)
    items = scan.learnings(ctx, scan.revisions(spec, since, until, env), grep)
    emit(report.render_learnings(items, fmt), output)
    return ExitCode.OK


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
    except Exception as e:  # could not run (one line), or a bug (one line, the traceback in the log)
        return boundary.failed(e, args)
    return int(ret) if isinstance(ret, int) else ExitCode.OK
