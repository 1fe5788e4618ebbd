"""The commit hooks' checks: the staged change, the message git will record, prepare-commit-msg."""

from __future__ import annotations

import re

from agentops_hooks import agents, gitrepo, message, sources
from agentops_hooks.context import Context
from agentops_hooks.judge import blob_sizes, judge, today
from agentops_hooks.model import Commit, CommitResult

TEMPLATE = (
    "{c} agentops: say why (Factor I). Uncomment and fill in; '{c}' lines are dropped.\n"
    "{c} Context: why the change was needed\n"
    "{c} Solution: what changed and how\n"
    "{c} Learning: what the next person or agent should know\n"
    "{c} Impact: what it changes for users\n"
)
NO_CHECK_SOURCES = ("merge", "squash", "commit")


def staged(ctx: Context) -> CommitResult:
    """The staged change, judged by file-level rules (the message does not exist yet)."""
    sizes = blob_sizes(ctx)
    try:
        return judge(ctx, sources.staged(git_dir=ctx.repo.git_dir), with_message=False, today=today(), sizes=sizes)
    finally:
        if sizes:
            sizes.close()


def message_file(ctx: Context, path: str, source: str | None = None) -> CommitResult:
    """The message git will record together with the staged change: every commit-level rule."""
    msg = sources.read_message_file(path, ctx.repo.git_dir, source)
    sizes = blob_sizes(ctx)
    try:
        commit = sources.with_message(sources.staged(git_dir=ctx.repo.git_dir), msg, "commit-msg")
        return judge(ctx, commit, with_message=True, today=today(), sizes=sizes)
    finally:
        if sizes:
            sizes.close()


def commit_msg(ctx: Context, path: str) -> CommitResult | None:
    """The commit-msg stage; None when prepare-commit-msg already checked this very message."""
    rec = sources.recorded(ctx.repo.git_dir, consume=True) or {}
    if rec.get("source") == "message" and rec.get("checked") == sources.digest(path):
        return None
    return message_file(ctx, path, rec.get("source"))


def prepare(ctx: Context, path: str, source: str) -> CommitResult | None:
    """prepare-commit-msg: check -m/-F messages (it runs even under --no-verify); template for the editor."""
    if source in NO_CHECK_SOURCES:
        sources.record(ctx.repo.git_dir, source, None)
        return None
    if ctx.config.agents.get("stamp-trailer"):
        _stamp_trailer(path)
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if source == "message" and not message.looks_edited(text):
        sources.record(ctx.repo.git_dir, source, sources.digest(path))
        return message_file(ctx, path, source)
    sources.record(ctx.repo.git_dir, source, None)
    if not re.search(r"(?im)^\W*context\b", text):
        _insert_template(path, text)
    return None


def _insert_template(path: str, text: str) -> None:
    lines = text.split("\n")
    comment = "#"
    at = next((i for i, ln in enumerate(lines) if ln.startswith(comment)), len(lines))
    block = TEMPLATE.format(c=comment).rstrip("\n").split("\n")
    lines[at:at] = [*block, ""] if at < len(lines) else ["", *block]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def _stamp_trailer(path: str) -> None:
    """Add `Assisted-by:` when this shell is an agent's, so CI's verdict matches the local one."""
    commit = Commit(sha=None, message=message.parse(""), env=sources.agent_env())
    verdict = agents.detect(commit)
    if verdict.kind != "ai":
        return
    with open(path, encoding="utf-8", errors="replace") as f:
        if "assisted-by:" in f.read().lower():
            return
    gitrepo.git("interpret-trailers", "--in-place", "--trailer", f"Assisted-by: {verdict.agents[0]}", path)
