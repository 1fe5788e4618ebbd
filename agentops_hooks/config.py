"""`.agentops.yaml` and the packs it extends → the effective rules and repository settings."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from agentops_hooks import __version__, cache, packs, rulefile
from agentops_hooks.errors import FatalError, RuleFileError
from agentops_hooks.hashing import digest
from agentops_hooks.model import SEVERITIES, Rule
from agentops_hooks.values import field, frozen

CONFIG_NAME = ".agentops.yaml"
DEFAULT_EXTENDS = ("builtin:core", "builtin:secrets")
REPO_KEYS = ("exclude", "ignore", "agents", "include-merges")
OVERRIDABLE = ("severity", "applies-to", "min-ai-share", "exemptible", "paths", "message", "hint", "factor", "redact", "description")


@frozen
class Config:
    """The effective configuration: rules in load order, and the repository's settings."""

    rules: tuple[Rule, ...]
    path: str | None = None  # the config file, None when the defaults apply
    files: tuple[str, ...] = ()  # every config and rule file read (for {config-files})
    exclude: Any = None
    ignore_authors: tuple[str, ...] = ()
    ignore_subjects: tuple[Any, ...] = ()
    agents: Mapping[str, Any] = field(default_factory=dict)
    include_merges: bool = False
    provenance: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # rule id → key → where set
    disabled: tuple[tuple[str, str], ...] = ()  # (rule id, where it was disabled)


class WorkTree:
    """Config and rule files as they are on disk."""

    def read(self, path: str) -> bytes:
        """The file's bytes; OSError when it cannot be read."""
        with open(path, "rb") as f:
            return f.read()

    def is_file(self, path: str) -> bool:
        """Whether the file exists."""
        return os.path.isfile(path)


class Revision(WorkTree):
    """Config and rule files as a revision has them (`ci` judges a PR by its base's rules)."""

    def __init__(self, rev: str, toplevel: str) -> None:
        self.rev = rev
        self.toplevel = os.path.realpath(toplevel)

    def _rel(self, path: str) -> str | None:
        rel = os.path.relpath(os.path.realpath(os.path.join(self.toplevel, path)), self.toplevel)
        return None if rel.startswith("..") else rel.replace(os.sep, "/")

    def read(self, path: str) -> bytes:
        """The file at the revision (files outside the repository, such as built-in packs, from disk)."""
        from agentops_hooks import gitrepo

        rel = self._rel(path)
        if rel is None:
            return super().read(path)
        data = gitrepo.file_at(self.rev, rel, self.toplevel)
        if data is None:
            raise OSError(2, f"not in revision {self.rev[:12]}")
        return data

    def is_file(self, path: str) -> bool:
        """Whether the revision has the file."""
        from agentops_hooks import gitrepo

        rel = self._rel(path)
        return super().is_file(path) if rel is None else gitrepo.file_at(self.rev, rel, self.toplevel) is not None


def find(
    toplevel: str | None, explicit: str | None, environ: Mapping[str, str], source: WorkTree | None = None
) -> str | None:
    """--config, then AGENTOPS_CONFIG, then .agentops.yaml at the root; None: the defaults."""
    source = source or WorkTree()
    chosen = explicit or environ.get("AGENTOPS_CONFIG")
    if chosen:
        if toplevel and not os.path.isabs(chosen) and isinstance(source, Revision):
            chosen = os.path.join(toplevel, chosen)
        if not source.is_file(chosen):
            raise RuleFileError(f"{chosen}: config file not found (check --config / AGENTOPS_CONFIG)")
        return chosen
    if toplevel:
        candidate = os.path.join(toplevel, CONFIG_NAME)
        if source.is_file(candidate):
            return candidate
    return None


def load(
    path: str | None,
    trust_cache: bool = True,
    toplevel: str | None = None,
    pack: str = "local",
    source: WorkTree | None = None,
) -> Config:
    """Read the config (or the defaults) and everything it extends into one Config."""
    loader = _Loader(trust_cache, toplevel, source or WorkTree())
    if path is None:
        doc: dict[str, Any] = {"version": 1, "extends": list(DEFAULT_EXTENDS)}
        raws = loader.resolve("(defaults)", doc, os.getcwd(), set())
    else:
        doc = loader.read(path)
        raws = loader.resolve(path, doc, os.path.dirname(os.path.realpath(path)), set(), pack)
    # every pattern was compiled once when its file was validated (or its override applied): lazy here
    rules = tuple(
        rulefile.compile_rule(r["__file"], _strip(r), r["__pack"], r["__origin"], lazy=True, cache=trust_cache)
        for r in raws
    )
    ignore = doc.get("ignore") or {}
    return Config(
        rules=rules,
        path=path,
        files=tuple(loader.files),
        exclude=rulefile.globs(doc["exclude"], f"{path}: 'exclude'", trust_cache) if doc.get("exclude") else None,
        ignore_authors=tuple(ignore.get("authors") or ()),
        ignore_subjects=tuple(rulefile.regex(p, f"{path}: 'ignore.subjects'") for p in ignore.get("subjects") or ()),
        agents=doc.get("agents") or {},
        include_merges=bool(doc.get("include-merges", False)),
        provenance={r["id"]: dict(r.get("__from", {})) for r in raws},
        disabled=tuple(loader.disabled),
    )


def _strip(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if not k.startswith("__")}


class _Loader:
    """Reads files once each (through the cache), follows `extends`, applies overrides."""

    def __init__(self, trust_cache: bool, toplevel: str | None, source: WorkTree) -> None:
        self.source = source
        self.trust_cache = trust_cache
        self.toplevel = toplevel
        self.files: list[str] = []
        self.disabled: list[tuple[str, str]] = []

    def read(self, path: str, shown: str | None = None) -> dict[str, Any]:
        try:
            data = self.source.read(path)
        except OSError as e:
            raise RuleFileError(f"{path}: cannot read: {e.strerror}") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise RuleFileError(f"{path}:{line}:1: not UTF-8 text (byte {e.start}); save the file as UTF-8") from None
        self.files.append(shown or self._display(path))
        return _cached_load(self._display(path), text, self.trust_cache)

    def _display(self, path: str) -> str:
        if self.toplevel:
            try:
                rel = os.path.relpath(os.path.realpath(path), os.path.realpath(self.toplevel)).replace(os.sep, "/")
                if not rel.startswith("../"):
                    return rel
            except ValueError:
                pass
        return path

    def resolve(
        self, path: str, doc: Mapping[str, Any], base: str, seen: set[str], pack: str = "local"
    ) -> list[dict[str, Any]]:
        """Rules of `doc` and what it extends, with its overrides, disable and floor applied."""
        raws: list[dict[str, Any]] = []
        for ref in doc.get("extends") or ():
            key, name = self._target(ref, base, path)
            if key in seen:
                raise RuleFileError(
                    f"{_locate(path, ['extends'])}: '{ref}' is extended twice or in a cycle; name each pack once"
                )
            seen.add(key)
            sub = self.read(key, name if name.startswith(("builtin:", "pkg:")) else None)
            bad = [k for k in REPO_KEYS if k in sub]
            if bad:
                raise RuleFileError(
                    f"{_locate(key, [], bad[0])}: '{bad[0]}' belongs in the repository's {CONFIG_NAME}, not in a pack"
                )
            raws += self.resolve(key, sub, os.path.dirname(key), seen, name)
        for i, rule in enumerate(doc.get("rules") or ()):
            named = pack.startswith(("builtin:", "pkg:"))
            origin = f"{pack if named else self._display(path)} rule #{i + 1}"
            where = origin
            raws.append(
                {
                    **rule,
                    "__file": self._display(path),
                    "__origin": origin,
                    "__pack": pack,
                    "__from": dict.fromkeys(rule, where),
                }
            )
        for r in raws:
            r.setdefault("__file", path)
            r.setdefault("__origin", path)
        _unique(raws)
        return _tune(path, doc, raws, self.disabled)

    def _root(self, base: str) -> str:
        """What a relative `extends` may reach: the repository, or a file's own folder outside one (a pack)."""
        real = os.path.realpath(base)
        if self.toplevel:
            top = os.path.realpath(self.toplevel)
            if _inside(real, top):
                return top
        return real

    def _target(self, ref: str, base: str, path: str) -> tuple[str, str]:
        if ref.startswith(("builtin:", "pkg:")):
            find = packs.builtin_path if ref.startswith("builtin:") else packs.entry_point_path
            try:
                return find(ref.partition(":")[2]), ref
            except FatalError as e:
                raise RuleFileError(f"{_locate(path, ['extends'])}: {e}") from None
        if os.path.isabs(ref):
            raise RuleFileError(
                f"{_locate(path, ['extends'])}: extends '{ref}': an absolute path; name a file inside the repository,"
                " relative to this file (builtin: and pkg: packs load shared rules)"
            )
        root = self._root(base)
        target = os.path.realpath(os.path.join(base, ref))  # symlinks followed: a link that escapes is caught below
        if not _inside(target, root):
            raise RuleFileError(
                f"{_locate(path, ['extends'])}: extends '{ref}': resolves outside the repository ({target});"
                " extended files must stay inside it (builtin: and pkg: packs load shared rules)"
            )
        if not self.source.is_file(target):
            raise RuleFileError(f"{_locate(path, ['extends'])}: extends '{ref}': no such file ({target})")
        return target, self._display(target)


def _inside(path: str, folder: str) -> bool:
    """Whether a real path is the folder or below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _unique(raws: list[dict[str, Any]]) -> None:
    seen: dict[str, str] = {}
    for r in raws:
        if r["id"] in seen:
            raise RuleFileError(
                f"{r['__origin']}: rule id '{r['id']}' is already defined in {seen[r['id']]}; ids must be unique"
            )
        seen[r["id"]] = r["__origin"]


def _tune(
    path: str, doc: Mapping[str, Any], raws: list[dict[str, Any]], self_disabled: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Apply a file's overrides, disable list and severity floor to the rules it sees."""
    by_id = {r["id"]: r for r in raws}
    for rid, changes in (doc.get("overrides") or {}).items():
        rule = by_id.get(rid) or _unknown(path, rid, by_id, "overrides")
        valid = (*OVERRIDABLE, *rulefile.kind_params(rule["kind"]))
        for key, value in changes.items():
            if key not in valid:
                import difflib

                hint = difflib.get_close_matches(key, valid, n=1)
                mean = f" (did you mean '{hint[0]}'?)" if hint else ""
                where = _locate(path, ["overrides", rid], key)
                raise RuleFileError(
                    f"{where}: overrides.{rid}: '{key}' cannot be set for kind '{rule['kind']}'{mean} (valid: {', '.join(valid)})"
                )
            rule[key] = value
            rule.setdefault("__from", {})[key] = f"overrides in {_shown(path)}"
        _revalidate(path, rule)
    for rid in doc.get("disable") or ():
        by_id.get(rid) or _unknown(path, rid, by_id, "disable")
    disabled = set(doc.get("disable") or ())
    floor = doc.get("severity-floor")
    if floor:
        rank = SEVERITIES.index(floor)
        for r in raws:
            if SEVERITIES.index(r["severity"]) > rank:
                r["severity"] = floor
                r.setdefault("__from", {})["severity"] = f"severity-floor in {_shown(path)}"
    for r in raws:
        if r["id"] in disabled:
            self_disabled.append((r["id"], f"disable in {_shown(path)}"))
    return [r for r in raws if r["id"] not in disabled]


def _shown(path: str) -> str:
    return os.path.basename(path) if os.path.isabs(path) else path


def _unknown(path: str, rid: str, by_id: Mapping[str, Any], where: str) -> Any:
    import difflib

    hint = difflib.get_close_matches(rid, list(by_id), n=1)
    mean = f" (did you mean '{hint[0]}'?)" if hint else ""
    at = _locate(path, [where], rid) if where == "overrides" else _locate(path, [where, _index(path, where, rid)])
    raise RuleFileError(
        f"{at}: {where}: no loaded rule has the id '{rid}'{mean}; `agentops-check rules list` shows them"
    )


def _locate(path: str, keys: list[Any], key: str | None = None) -> str:
    """`path:line:col` of a node, read again on this error path only."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = rulefile.read_yaml(path, f.read())
        line, col = rulefile.position(doc, keys, key)
    except (OSError, RuleFileError):
        line, col = 1, 1
    rel = os.path.relpath(path) if os.path.isabs(path) else path  # as schema errors show it: from the root
    return f"{path if rel.startswith('..') else rel}:{line}:{col}"


def _index(path: str, key: str, value: str) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            return list(rulefile.read_yaml(path, f.read())[key]).index(value)
    except (OSError, RuleFileError, ValueError, KeyError, TypeError):
        return 0


def _revalidate(path: str, rule: Mapping[str, Any]) -> None:
    doc = {"version": 1, "rules": [_strip(rule)]}
    try:
        rulefile.validate(path, doc)
        rulefile.compile_rule(path, _strip(rule), "")  # an overridden pattern must compile now
    except RuleFileError as e:
        raise RuleFileError(
            f"{_locate(path, ['overrides', rule['id']])}: overrides.{rule['id']}: {str(e).split(': ', 2)[-1]}"
        ) from None


def _cached_load(path: str, text: str, trust_cache: bool) -> dict[str, Any]:
    """Validated plain data, from the cache keyed by content when allowed (never in `ci`).

    An entry is used only when it proves itself: it names its key and the content it was built
    from, a digest covers its data, and neither the folder nor the entry is writable by anyone
    but us. Anything else is ignored and the file is validated again.
    """
    content = digest(text.encode())
    key = digest(f"{__version__}\0{path}\0{content}".encode())
    folder = _cache_dir()
    cache_file = os.path.join(folder, f"{key}.json")
    if trust_cache:
        doc = _cache_read(folder, cache_file, key, content)
        if doc is not None:
            return doc
    doc = rulefile.load_text(path, text)
    _cache_write(folder, cache_file, key, content, doc)
    return doc


def _cache_read(folder: str, cache_file: str, key: str, content: str) -> dict[str, Any] | None:
    try:
        if not cache.private(folder, cache_file):
            return None  # another user could have written it: validate the file instead
        with open(cache_file, "rb") as f:
            head, _, data = f.read().partition(b"\n")
        meta = json.loads(head)
        if meta != {"key": key, "content": content, "data": digest(key.encode() + b"\0" + data)}:
            return None
        doc = json.loads(data)
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _cache_write(folder: str, cache_file: str, key: str, content: str, doc: dict[str, Any]) -> None:
    data = json.dumps(doc).encode()
    meta = json.dumps({"key": key, "content": content, "data": digest(key.encode() + b"\0" + data)}).encode()
    tmp = f"{cache_file.removesuffix('.json')}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(meta + b"\n" + data)
        os.replace(tmp, cache_file)
    except OSError:
        pass  # the cache only saves time


def _cache_dir() -> str:
    return cache.folder("rules")
