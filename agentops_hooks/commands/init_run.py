"""`init`'s command body: plan the changes (commands/init.py), show or write them, say what is next."""

from __future__ import annotations

import click

from agentops_hooks import gitrepo
from agentops_hooks.boundary import say
from agentops_hooks.commands import init
from agentops_hooks.errors import ExitCode
from agentops_hooks.guard import install


def run(packs: tuple[str, ...], repo: str | None, rev: str | None, agent: str | None, dry_run: bool) -> int:
    """Set up the repository this runs in (a dry run prints the diff and writes nothing)."""
    root = gitrepo.repo_info().toplevel
    try:
        changes = init.plan(root, list(packs), repo, rev, agent)
    except init.UnknownPack as e:
        say(f"agentops init: {e}")
        return ExitCode.USAGE
    if dry_run:
        for c in changes:
            click.echo(c.diff(), nl=False)
        click.echo(f"agentops init: {len(changes)} file(s) would change (dry run: nothing written)")
        click.echo(f"agentops init: would install the reference-transaction guard at {install.hook_path(root)}")
        return ExitCode.OK
    init.apply(root, changes)
    for line in init.summary(changes):
        click.echo(f"agentops init: {line}")
    click.echo(f"agentops init: {install.install(cwd=root)}")
    if not changes:
        click.echo("agentops init: already set up; nothing changed")
    click.echo(f"agentops init: now run:  {init.install_command()}")
    return ExitCode.OK


def uninstall() -> int:
    """Remove what init installed outside the repository's files: the reference-transaction guard."""
    root = gitrepo.repo_info().toplevel
    click.echo(f"agentops uninstall: {install.uninstall(cwd=root)}")
    click.echo(f"agentops uninstall: the pre-commit hooks stay; remove them with:  {init.uninstall_command()}")
    click.echo(
        "agentops uninstall: without the guard, a message written in an editor is judged only by the commit-msg "
        "hook:  pre-commit install --hook-type commit-msg"
    )
    return ExitCode.OK
