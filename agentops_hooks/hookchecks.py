"""The commit hooks' checks: the staged change, the message git will record, prepare-commit-msg."""

from __future__ import annotations

import re

from agentops_hooks import agents, gitrepo, message, sources
from agentops_hooks.context import Context
from agentops_hooks.judge import blob_sizes, judge, today
from agentops_hooks.live import with_recent
from agentops_hooks.model import Commit, CommitResult
from agentops_hooks.values import replace

TEMPLATE = (
    "{c} agentops: say why (Factor I). Uncomment and fill in; '{c}' lines are dropped.\n"
    "{c} Context: why the change was needed\n"
    "{c} Solution: what changed and how\n"
    "{c} Learning: what the next person or agent should know\n"
    "{c} Impact: what it changes for users\n"
)
MERGE = "merge"  # git's commit source for a merge commit
TEMPLATE_SOURCES = ("", "message", "template")  # an editor will open a new message: help it say why


def staged(ctx: Context) -> CommitResult:
    """The staged change, judged by file-level rules (the message does not exist yet)."""
    sizes = blob_sizes(ctx)
    try:
        return judge(ctx, sources.staged(git_dir=ctx.repo.git_dir), with_message=False, today=today(), sizes=sizes)
    finally:
        if sizes:
            sizes.close()


EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree: against it, every line is added


def files(ctx: Context, paths: list[str]) -> CommitResult:
    """The index's content of these files, every line as added (`pre-commit run`, `--all-files`)."""
    from agentops_hooks.diffparse import diff
    from agentops_hooks.gitrepo.plumbing import DIFF_ARGS, HARDEN, stream

    spec = [f":(literal){p}" for p in paths]
    blocks = stream(["git", *HARDEN, "diff", "--cached", *DIFF_ARGS, EMPTY_TREE, "--", *spec], None, "diff")
    commit = replace(sources.staged(git_dir=ctx.repo.git_dir), files=diff(blocks, sources.Spool()), source="files")
    sizes = blob_sizes(ctx)
    try:
        return judge(ctx, commit, with_message=False, today=today(), sizes=sizes)
    finally:
        if sizes:
            sizes.close()


def message_file(ctx: Context, path: str, editing: bool | None = None) -> CommitResult:
    """The message git will record together with the staged change: every commit-level rule.

    `editing`: whether an editor ran (git then strips comment lines); None when not known.
    """
    msg = sources.read_message_file(path, ctx.repo.git_dir, editing)
    sizes = blob_sizes(ctx)
    try:
        commit = sources.with_message(sources.staged(git_dir=ctx.repo.git_dir), msg, "commit-msg")
        return with_recent(ctx, judge(ctx, commit, with_message=True, today=today(), sizes=sizes), today())
    finally:
        if sizes:
            sizes.close()


def commit_msg(ctx: Context, path: str, editing: bool | None = None) -> CommitResult:
    """The commit-msg stage: always judged (no hand-off from prepare-commit-msg; any file we left, an agent could plant)."""
    return message_file(ctx, path, editing)


def prepare(ctx: Context, path: str, source: str, final: bool) -> CommitResult | None:
    """prepare-commit-msg (git runs it even under --no-verify): judge every message that is final here.

    `final` is git's own signal: it sets GIT_EDITOR=: for the hook exactly when no editor will run
    (-m, -F, -C, --amend --no-edit, -c --no-edit…), whatever the message looks like. A merge
    commit is judged as `include-merges` says, in history; an edited message gets the template.
    """
    if source == MERGE:
        return None
    if ctx.config.agents.get("stamp-trailer"):
        _stamp_trailer(path)
    if final:
        return message_file(ctx, path, editing=False)
    if source in TEMPLATE_SOURCES:
        _maybe_template(path, source)
    return None


def _maybe_template(path: str, source: str) -> None:
    """Add the sections template to a message an editor will open, when git will strip it again.

    The file's bytes are decoded as the message's encoding (`i18n.commitEncoding`, else UTF-8) with
    undecodable bytes kept as they are, and written back byte for byte around the template. Not
    added: when `commit.cleanup` keeps comment lines (the template would be recorded), when the
    message names a context already, or to a `-m`/`-F` message that has comment lines of its own.
    """
    conf = sources.settings()
    if conf.get("commit.cleanup", "default") in ("verbatim", "whitespace"):
        return
    encoding = gitrepo.config_values("i18n.commitencoding").get("i18n.commitencoding") or "utf-8"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "utf-8"
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode(encoding, "surrogateescape")
    comment = conf.get("core.commentchar") or "#"
    comment = "#" if comment == "auto" or len(comment) != 1 else comment
    if re.search(r"(?im)^\W*context\b", text):
        return
    if source == "message" and _own_comment_lines(text, comment):
        return
    with open(path, "wb") as f:
        f.write(_with_template(text, comment).encode(encoding, "surrogateescape"))


def _own_comment_lines(text: str, comment: str) -> bool:
    """Whether comment lines come before git's own block (the message's last paragraph of comment lines)."""
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip("\n"))
    if blocks and all(ln.startswith(comment) for ln in blocks[-1].split("\n")):
        blocks = blocks[:-1]
    return any(ln.startswith(comment) for b in blocks for ln in b.split("\n"))


def _with_template(text: str, comment: str) -> str:
    lines = text.split("\n")
    at = next((i for i, ln in enumerate(lines) if ln.startswith(comment)), len(lines))
    block = TEMPLATE.format(c=comment).rstrip("\n").split("\n")
    lines[at:at] = [*block, ""] if at < len(lines) else ["", *block]
    return "\n".join(lines)


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
