"""The scope of a Conventional Commits subject: from a list, from a monorepo's packages, matching the paths changed.

`scopes-from: [packages/*, apps/*]` names the folders whose sub-folders are packages: a scope
is one of their names. They are read from the revision judged (the commit's own tree; for the
commit being made, HEAD's tree), and a package the commit itself adds counts too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from agentops_hooks.model import Commit, Rule


def problems(rule: Rule, commit: Commit, conv: re.Match[str] | None) -> Iterator[str]:
    """What is wrong with the subject's scope under the rule's `scopes`, `scope-required`, `scopes-from`."""
    listed, parents = rule.param("scopes") or [], [g.removesuffix("/*").strip("/") for g in rule.param("scopes-from") or ()]
    if not (listed or parents or rule.param("scope-required")):
        return
    written = _scopes(conv)
    if not written:
        if rule.param("scope-required"):
            yield "the subject needs a scope, e.g. 'fix(parser): accept empty files'"
        return
    touched = sorted({p for f in commit.files if (p := package_of(f.path, parents))})
    known = {s.lower() for s in listed}
    if parents:
        known |= {n.lower() for n in packages(commit.sha or "HEAD", tuple(parents))} | {t.lower() for t in touched}
    for scope in written:
        if (listed or parents) and scope.lower() not in known:
            yield f"scope {scope!r} is not a known scope ({', '.join(sorted(known)) or 'none found'})"
    if rule.param("scope-matches-paths") and touched and not {s.lower() for s in written} & {t.lower() for t in touched}:
        yield f"scope {', '.join(written)!r} is not the package this commit changes ({', '.join(touched)})"


def _scopes(conv: re.Match[str] | None) -> list[str]:
    """The scopes written in `type(a,b): …`, in order."""
    scope = conv.group("scope") if conv else None
    return [s.strip() for s in (scope or "").split(",") if s.strip()]


def package_of(path: str, parents: list[str]) -> str | None:
    """The package a file is in: the folder right below one of the `scopes-from` folders."""
    for parent in parents:
        rest = path[len(parent) + 1 :] if path.startswith(parent + "/") else ""
        if "/" in rest:
            return rest.split("/", 1)[0]
    return None


@functools.lru_cache(maxsize=64)
def packages(rev: str, parents: tuple[str, ...]) -> tuple[str, ...]:
    """The package folders under `parents` in the revision's tree (none when it has no such tree)."""
    from agentops_hooks import gitrepo

    out = gitrepo.git("ls-tree", "-d", "--name-only", "-z", rev, "--", *(p + "/" for p in parents), ok=(0, 128))
    return tuple(sorted({n.rsplit("/", 1)[-1] for n in out.decode("utf-8", "surrogateescape").split("\0") if n}))
