"""Nested `.agentops.yaml` files of a monorepo: each applies to the files of its folder, on top of the root's.

The rule is ESLint's cascade, not ruff's "nearest file wins": a file's rules are the root's, then
each nested file on the way down to its folder applied in turn (its `extends`, `rules`,
`overrides`, `disable`), so the closest file has the last word per rule id and nothing the root
sets is lost by dropping a file that says nothing. What a nested file may change is bounded:

- only file-level rules (`added-pattern`, `removed-pattern`, `file-limits`): a commit's message,
  its scope, its co-changes and its protected paths are judged once, by the root's rules;
- never an `exemptible: false` rule (the secrets, the protected config), and never a
  `protected-paths` rule: a load error names the rule and the file;
- no repository settings (`exclude`, `ignore`, `agents`, approvals, `severity-floor`): those are the root's.

Nested files are the ones git tracks (the index for the hooks, the base revision's tree under
`ci`, read from where the root config is read), so an untracked file dropped by an agent has no
effect, and a pull request's new nested file does not judge that pull request.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Iterable
from typing import Any

from agentops_hooks.configfiles import Revision, WorkTree
from agentops_hooks.errors import GitError, RuleFileError
from agentops_hooks.globs import GlobSet
from agentops_hooks.model import Rule
from agentops_hooks.names import CONFIG_FILE
from agentops_hooks.rulespec import RuleSpec
from agentops_hooks.values import replace

NESTABLE_KINDS = ("added-pattern", "removed-pattern", "file-limits")
NESTED_KEYS = ("version", "extends", "rules", "overrides", "disable")


def config_paths(source: WorkTree) -> list[str]:
    """The nested config files git tracks (`/`-separated, from the root), shallowest first; never the root's own."""
    return listing(source)()


def listing(source: WorkTree) -> Callable[[], list[str]]:
    """`config_paths(source)`, git started now and read when the returned function is called (the
    loader reads the packs meanwhile)."""
    from agentops_hooks import gitrepo

    if source.toplevel is None:
        return list
    try:
        if isinstance(source, Revision):
            out = gitrepo.started("ls-tree", "-r", "-z", "--name-only", source.rev, cwd=source.toplevel)
        else:
            out = gitrepo.started(*gitrepo.tracked_args(CONFIG_FILE), cwd=source.toplevel)
    except GitError as e:
        return functools.partial(_failed, e)
    return lambda: _names(out)


def _failed(e: GitError) -> list[str]:
    raise e


def _names(out: Callable[[], bytes]) -> list[str]:
    try:
        listed = out()
    except GitError as e:
        if "not a git repository" in str(e):  # a config validated outside a repository: nothing is nested
            return []
        raise  # any other failure to list the files is an error, never "nothing nested"
    names = [n for n in listed.decode("utf-8", "surrogateescape").split("\0") if n.endswith("/" + CONFIG_FILE)]
    return sorted(names, key=lambda n: (n.count("/"), n))


class Owned(GlobSet):
    """A rule's `include` narrowed to the files a folder's config judges: in the folder, not in a deeper configured one."""

    __slots__ = ("folder", "deeper", "inner")

    def __init__(self, folder: str, deeper: tuple[str, ...], inner: GlobSet | None) -> None:
        super().__init__((f"{folder}/**" if folder else "**",), ())
        self.folder, self.deeper, self.inner = folder, deeper, inner

    def match_file(self, path: str) -> bool:
        if self.folder and not path.startswith(self.folder + "/"):
            return False
        if any(path.startswith(d + "/") for d in self.deeper):
            return False
        return self.inner is None or self.inner.match_file(path)


def layered(
    loader: Any,
    root_specs: list[RuleSpec],
    root_rules: tuple[Rule, ...],
    trust_cache: bool,
    listed: Callable[[], list[str]] | None = None,
) -> tuple[Rule, ...]:
    """The rules that judge commits: the root's, with a variant per configured folder for each rule a
    nested file changes (`listed`: the nested files, as `listing` started them)."""
    from agentops_hooks import config

    folders: dict[str, list[RuleSpec]] = {"": root_specs}
    for rel in (listed or listing(loader.source))():
        folder = posixpath.dirname(rel)
        parent = max((f for f in folders if not f or folder.startswith(f + "/")), key=len)
        path = loader.source.place(rel)
        file = loader.read(path)
        _allowed_keys(rel, file.doc)
        added = loader._extended(path, file.doc, posixpath.dirname(path), set()) + loader._own(path, file, "local")
        base = folders[parent]
        _allowed_changes(rel, file.doc, {s.id: s for s in base}, added)
        specs = [*base, *added]
        config._unique(specs)
        folders[folder] = config._Merge(path, file.doc, loader.locate, trust_cache).apply(specs, [])
    if len(folders) == 1:
        return root_rules
    return _variants(folders, root_specs, root_rules, trust_cache)


def _allowed_keys(rel: str, doc: Any) -> None:
    for key in doc:
        if key not in NESTED_KEYS:
            raise RuleFileError(
                f"{rel}: '{key}' belongs in the root {CONFIG_FILE}; a nested one may only have"
                f" {', '.join(NESTED_KEYS[1:])} for the files of its folder"
            )


def _allowed_changes(rel: str, doc: Any, seen: dict[str, RuleSpec], added: Iterable[RuleSpec]) -> None:
    """A nested file changes only exemptible file-level rules, and adds only file-level ones."""
    for how in ("overrides", "disable"):
        for rid in doc.get(how) or ():
            spec = seen.get(rid)
            if spec is None:
                continue  # the merge names an unknown id, with a did-you-mean
            if spec.data.get("exemptible") is False:
                raise RuleFileError(
                    f"{rel}: {how}: rule '{rid}' is exemptible: false; a nested {CONFIG_FILE} cannot change it"
                )
            if spec.kind not in NESTABLE_KINDS:
                raise RuleFileError(
                    f"{rel}: {how}: rule '{rid}' is a '{spec.kind}' rule, judged once per commit by the root"
                    f" {CONFIG_FILE}; a nested one changes only {', '.join(NESTABLE_KINDS)} rules"
                )
    for spec in added:
        if spec.kind not in NESTABLE_KINDS:
            raise RuleFileError(
                f"{spec.origin}: rule '{spec.id}' is a '{spec.kind}' rule; a nested {CONFIG_FILE} adds only"
                f" {', '.join(NESTABLE_KINDS)} rules (message and commit rules belong in the root)"
            )


def _variants(
    folders: dict[str, list[RuleSpec]], root_specs: list[RuleSpec], root_rules: tuple[Rule, ...], trust_cache: bool
) -> tuple[Rule, ...]:
    """Each rule some nested file changed, once per folder where it is on, narrowed to that folder's files."""
    root = {s.id: s for s in root_specs}
    by_folder = {f: {s.id: s for s in specs} for f, specs in folders.items()}
    changed = {rid for f, ids in by_folder.items() for rid in {*ids, *root} if ids.get(rid) is not root.get(rid)}
    compiled = {r.id: r for r in root_rules}
    order = [*root, *(rid for ids in by_folder.values() for rid in ids if rid not in root)]
    out: list[Rule] = []
    for rid in dict.fromkeys(order):
        if rid not in changed:
            out.append(compiled[rid])
            continue
        for folder, ids in by_folder.items():
            spec = ids.get(rid)
            if spec is None:
                continue
            rule = compiled[rid] if spec is root.get(rid) else spec.compiled(lazy=True, use_cache=trust_cache)
            deeper = tuple(f for f in folders if f != folder and (not folder or f.startswith(folder + "/")))
            out.append(replace(rule, include=Owned(folder, deeper, rule.include)))
    return tuple(out)
