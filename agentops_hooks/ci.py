"""Which commits a CI run must check: GitHub Actions, GitLab CI, or a generic --base."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from agentops_hooks.errors import FatalError, UsageError
from agentops_hooks.values import frozen

ZERO = "0" * 40


@frozen
class Target:
    """The range a CI run checks, and what the provider says about the pull request."""

    provider: str  # github | gitlab | generic
    base: str | None  # None: no base known (a new branch pushed): only `head` is checked
    head: str
    title: str = ""
    body: str = ""
    branch: str | None = None
    event: str = ""


def detect(env: Mapping[str, str], base: str | None = None, head: str = "HEAD") -> Target:
    """The provider's pull request or push range; `--base` wins over detection."""
    if base:
        return Target("generic", base, head, branch=branch(env))
    if env.get("GITHUB_ACTIONS") == "true":
        return _github(env)
    if env.get("GITLAB_CI") == "true":
        return _gitlab(env)
    raise UsageError(
        "not in a known CI (GitHub Actions, GitLab CI): pass --base REF, e.g. `agentops-check ci --base origin/main`"
    )


def branch(env: Mapping[str, str]) -> str | None:
    """The pull request's source branch in CI (a branch prefix is an agent signal), if known."""
    return env.get("GITHUB_HEAD_REF") or env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or None


def _github(env: Mapping[str, str]) -> Target:
    path = env.get("GITHUB_EVENT_PATH", "")
    event = _payload(path)
    name = env.get("GITHUB_EVENT_NAME", "")
    pr = event.get("pull_request")
    if pr is not None:
        if not isinstance(pr, dict):
            raise _malformed(path, "pull_request is not an object")
        return Target(
            "github",
            _sha(path, pr, "base"),
            _sha(path, pr, "head"),
            title=_text(pr.get("title")),
            body=_text(pr.get("body")),
            branch=_text(pr["head"].get("ref")) or None,
            event=name or "pull_request",
        )
    before, after = event.get("before"), event.get("after") or env.get("GITHUB_SHA", "HEAD")
    if not isinstance(before, (str, type(None))) or not isinstance(after, str):
        raise _malformed(path, "'before' and 'after' are not commit names")
    return Target("github", None if not before or before == ZERO else before, after, event=name or "push")


def _payload(path: str) -> dict[str, Any]:
    """GitHub's event payload: a JSON object, or one line saying what is wrong with it."""
    try:
        with open(path, encoding="utf-8") as f:
            event = json.load(f)
    except (OSError, ValueError) as e:
        raise FatalError(f"cannot read the GitHub event payload GITHUB_EVENT_PATH={path!r}: {e}") from None
    if not isinstance(event, dict):
        raise _malformed(path, f"it is a JSON {type(event).__name__}, not an object")
    return event


def _sha(path: str, pr: dict[str, Any], side: str) -> str:
    ref = pr.get(side)
    sha = ref.get("sha") if isinstance(ref, dict) else None
    if not isinstance(sha, str) or not sha:
        raise _malformed(path, f"pull_request.{side}.sha is missing")
    return sha


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _malformed(path: str, what: str) -> FatalError:
    return FatalError(
        f"the GitHub event payload GITHUB_EVENT_PATH={path!r} is not one GitHub writes ({what}):"
        " run on a pull_request or push event, or pass --base REF"
    )


def _gitlab(env: Mapping[str, str]) -> Target:
    head = env.get("CI_COMMIT_SHA", "HEAD")
    if env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        return Target(
            "gitlab",
            env["CI_MERGE_REQUEST_DIFF_BASE_SHA"],
            head,
            title=env.get("CI_MERGE_REQUEST_TITLE", ""),
            body=env.get("CI_MERGE_REQUEST_DESCRIPTION", ""),
            branch=env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
            event="merge_request",
        )
    before = env.get("CI_COMMIT_BEFORE_SHA")
    return Target("gitlab", None if not before or before == ZERO else before, head, event="push")


SHALLOW_FIX = (
    "fetch the full history: GitHub Actions `actions/checkout` with `fetch-depth: 0`; "
    "GitLab CI `variables: {GIT_DEPTH: 0}`; elsewhere `git fetch --unshallow`"
)
