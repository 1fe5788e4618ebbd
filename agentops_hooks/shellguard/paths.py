"""Pure: the files that judge a commit, and whether a (normalised) path names one of them.

A path is compared as components after lexical normalisation: `.git/./hooks`, `.git//hooks/`,
`$PWD/.git/hooks`, `../repo/.git/hooks` and `/abs/repo/.git/hooks` are all `.git/hooks`. A glob
component (`.git/hook*`) matches what the shell would match (`*` skips dot-files); `ANY` (text
only known at run time) matches any component, but a match needs one literal component.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from typing import NamedTuple

from agentops_hooks.names import CONFIG_FILE
from agentops_hooks.shellguard.expand import ANY


class Spec(NamedTuple):
    """One protected place: its components, whether what is under it counts, what it is."""

    parts: tuple[str, ...]
    inside: bool
    what: str
    ancestors: bool = True  # removing or moving a folder above it counts too


# path (components)        kind      what it is ("tree": what is under it counts too; "-only": not its parents)
_TABLE = """
.git                     file      the repository's git folder
.git/hooks               tree      the git hooks
.git/config              file      the repository's git config
.git/config.worktree     file      the worktree's git config
.git/refs                tree      the branches (refs)
.git/packed-refs         file      the branches (packed-refs)
.git/HEAD                file      HEAD
.git/info/attributes     file      the repository's git attributes
.git/worktrees           tree      the linked worktrees' git folders and configs
.gitconfig               file      the global git config (it may set the hooks folder)
.config/git/config       file      the global git config (it may set the hooks folder)
.config/git/attributes   file      the global git attributes
.git/agentops            tree      the agentops hook state
.gitattributes           file      git attributes
.pre-commit-config.yaml  file      the pre-commit config
.pre-commit-config.yml   file      the pre-commit config
.agentops.yaml           file      the agentops config
*.agentops.yaml          file      an agentops rule file
.agentops                tree      the agentops rule files
.agentops-ignore         file      the agentops ignore file
.husky                   tree      the husky hooks
lefthook.yml             file      the lefthook config
.lefthook.yml            file      the lefthook config
.aider.conf.yml          file      aider's settings (git-commit-verify)
.cache/agentops-hooks    tree-only the agentops cache
.claude/settings*.json   file      the agent's own settings
.claude/hooks            tree      the agent's own hooks
.codex                   tree      the agent's own settings
.gemini/settings.json    file      the agent's own settings
.cursor/hooks.json       file      the agent's own hooks
.cursor/hooks            tree      the agent's own hooks
.github/hooks            tree      the agent's own hooks
.copilot/hooks           tree      the agent's own hooks
.copilot/settings.json   file      the agent's own settings
"""


def _specs(table: str) -> tuple[Spec, ...]:
    rows = (line.split(None, 2) for line in table.strip().splitlines())
    return tuple(Spec(tuple(p.split("/")), k.startswith("tree"), what, not k.endswith("-only")) for p, k, what in rows)


SPECS = _specs(_TABLE)


def normalise(path: str, cwd: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The path's components, `.` and `..` and repeated slashes resolved, relative to `cwd`."""
    path = path.replace("\\", "/")
    parts: list[str] = [] if path.startswith(("/", "~")) else list(cwd)
    for comp in path.split("/"):
        if comp in ("", "."):
            continue
        if comp == ".." and parts and parts[-1] not in ("..", ANY):
            parts.pop()
        else:
            parts.append(comp)
    return tuple(parts)


def protected(path: str, cwd: tuple[str, ...] = (), extra: tuple[Spec, ...] = ()) -> Spec | None:
    """The protected place this path names (or holds, or sits above), or None."""
    parts = normalise(path, cwd)
    if not parts or all(p == ANY for p in parts):
        return None
    for spec in (*SPECS, *extra):
        if _names(parts, spec):
            return spec
    return None


def _names(parts: tuple[str, ...], spec: Spec) -> bool:
    k = len(spec.parts)
    for i in range(len(parts)):
        window = parts[i : i + k]
        if len(window) == k and _same(window, spec.parts) and (len(parts) == i + k or spec.inside):
            return True
        if len(window) < k and spec.ancestors and len(parts) == i + len(window) and window[-1] != ANY:
            if _same(window, spec.parts[: len(window)]):
                return True  # the path ends at a folder above the protected place
    return False


def _same(window: tuple[str, ...], names: tuple[str, ...]) -> bool:
    literal = False
    for comp, name in zip(window, names, strict=True):
        if comp == ANY:
            continue
        if ANY in comp:
            comp = comp.replace(ANY, "*")
        if not _match(comp, name):
            return False
        literal = True
    return literal


def _match(comp: str, name: str) -> bool:
    if not any(c in comp for c in "*?["):
        return fnmatchcase(comp, name) if any(c in name for c in "*?[") else comp == name
    if name.startswith(".") and not comp.startswith("."):
        return False  # a shell glob does not match dot-files
    return fnmatchcase(name, comp) or fnmatchcase(name.replace("*", "x"), comp)


def config_extends(folder: str) -> tuple[Spec, ...]:
    """The rule files `.agentops.yaml` in `folder` names under `extends` (cheaply: a text scan)."""
    try:
        with open(os.path.join(folder, CONFIG_FILE), encoding="utf-8", errors="replace") as f:
            text = f.read(65536)
    except OSError:
        return ()
    specs: list[Spec] = []
    in_extends = False
    for line in text.splitlines():
        stripped = line.strip()
        if line.startswith("extends"):
            in_extends = True
            stripped = stripped.partition(":")[2].strip().strip("[]")
        elif line[:1] not in (" ", "-", "\t", "") or not in_extends:
            in_extends = False
            continue
        for item in stripped.lstrip("-").split(","):
            name = item.strip().strip("'\"")
            if name and ":" not in name and not name.startswith("#"):
                specs.append(Spec(normalise(name), False, "a rule file the config extends"))
    return tuple(specs)
