"""`.agentops.yaml` and the packs it extends → the effective rules and repository settings.

One way down: each file is read once (through the cache of validated files) into RuleSpecs that
carry their origin and pack; `extends` are followed depth first; each file's overrides, disable
list and severity floor are applied to the specs it sees; each spec is compiled once, at the end.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, NamedTuple

from agentops_hooks import cache, nested, packs, prebuilt, rulefile
from agentops_hooks.configfiles import Revision, WorkTree
from agentops_hooks.errors import FatalError, RuleFileError
from agentops_hooks.kinds import kind_params
from agentops_hooks.model import SEVERITIES, Rule
from agentops_hooks.names import CONFIG_FILE
from agentops_hooks.patterns import globs, regex
from agentops_hooks.rulespec import RuleSpec, compile_rule
from agentops_hooks.values import field, frozen, replace

DEFAULT_EXTENDS = ("builtin:core", "builtin:secrets")
__all__ = ["Config", "Revision", "WorkTree", "find", "load"]  # the file sources are configfiles', named here too
REPO_KEYS = ("exclude", "ignore", "agents", "include-merges", "approvers", "approvals", "allowed-signers")
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
    approvers: tuple[str, ...] = ()  # who may approve (emails or globs); empty: any person (approvals.py)
    signed_approvals: bool = False  # `approvals: signed`: an agent commit's approval must be signed
    allowed_signers: str | None = None  # the allowed-signers file, relative to the repository root
    judged: tuple[Rule, ...] = ()  # `rules` with nested configs' variants (nested.py); empty: `rules` as they are

    @property
    def checking(self) -> tuple[Rule, ...]:
        """The rules that judge a commit: with a nested config, some narrowed to the folders they judge."""
        return self.judged or self.rules


def find(
    toplevel: str | None, explicit: str | None, environ: Mapping[str, str], source: WorkTree | None = None
) -> str | None:
    """--config, then AGENTOPS_CONFIG, then .agentops.yaml at the root; None: the defaults."""
    source = source or WorkTree(toplevel)
    chosen = explicit or environ.get("AGENTOPS_CONFIG")
    if chosen:
        if toplevel and not os.path.isabs(chosen) and isinstance(source, Revision):
            chosen = os.path.join(toplevel, chosen)
        if not source.exists(chosen):
            raise RuleFileError(f"{chosen}: config file not found (check --config / AGENTOPS_CONFIG)")
        return chosen
    if toplevel:
        candidate = os.path.join(toplevel, CONFIG_FILE)
        if source.exists(candidate):
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
    loader = _Loader(trust_cache, toplevel, source or WorkTree(toplevel))
    listed = nested.listing(loader.source) if toplevel else None  # git lists them while the packs load
    if path is None:
        top = _File({"version": 1, "extends": list(DEFAULT_EXTENDS)})
        specs = loader.resolve("(defaults)", top, os.getcwd(), set())
    else:
        top = loader.read(path)
        specs = loader.resolve(path, top, os.path.dirname(loader.source.place(path)), set(), pack)
    _no_skips_on_strict(specs)
    # a spec validated in this run keeps its rule; one from the cache compiles its patterns on first use
    rules = tuple(s.compiled(lazy=True, use_cache=trust_cache) for s in specs)
    judged = nested.layered(loader, specs, rules, trust_cache, listed) if toplevel else rules
    return replace(_settings(path, top.doc, trust_cache, rules, specs, loader), judged=() if judged is rules else judged)


def _settings(
    path: str | None, doc: Mapping[str, Any], trust_cache: bool, rules: tuple[Rule, ...], specs: list[RuleSpec], loader: _Loader
) -> Config:
    """The Config: the rules, and the repository's settings from its own file."""
    ignore = doc.get("ignore") or {}
    approval = _approval_settings(path, doc, loader)  # before `files`: it adds the allowed-signers file
    return Config(
        rules=rules,
        path=path,
        files=tuple(loader.files),
        exclude=globs(doc["exclude"], f"{path}: 'exclude'", trust_cache) if doc.get("exclude") else None,
        ignore_authors=tuple(ignore.get("authors") or ()),
        ignore_subjects=tuple(regex(p, f"{path}: 'ignore.subjects'") for p in ignore.get("subjects") or ()),
        agents=doc.get("agents") or {},
        include_merges=bool(doc.get("include-merges", False)),
        provenance={s.id: dict(s.set_by) for s in specs},
        disabled=tuple(loader.disabled),
        **approval,
    )


def _approval_settings(path: str | None, doc: Mapping[str, Any], loader: _Loader) -> dict[str, Any]:
    """`approvers`, `approvals` and `allowed-signers`; the allowed-signers file is protected like the config."""
    signed = doc.get("approvals", "trailer") == "signed"
    signers = doc.get("allowed-signers")
    if signed and not signers:
        raise RuleFileError(
            f"{path}: 'approvals: signed' needs 'allowed-signers: <file>', the allowed-signers file"
            " (principal and SSH key per line) that verifies the approvers' signatures"
        )
    if signers:
        loader.files.append(signers)  # {config-files}: an agent must not add its own key
    return {"approvers": tuple(doc.get("approvers") or ()), "signed_approvals": signed, "allowed_signers": signers}


class _File(NamedTuple):
    """A file read: its validated data, and its rules when they were compiled in this run (not from the cache)."""

    doc: Mapping[str, Any]
    rules: tuple[Rule, ...] = ()


class _Locator:
    """`path:line:col` of a node for an error, the file read again from where the config came from."""

    def __init__(self, source: WorkTree) -> None:
        self.source = source

    def _doc(self, path: str) -> Any:
        return rulefile.read_yaml(path, self.source.read(path).decode("utf-8"))

    def __call__(self, path: str, keys: list[Any], key: str | None = None) -> str:
        try:  # on this error path only
            line, col = rulefile.position(self._doc(path), keys, key)
        except (OSError, RuleFileError, UnicodeDecodeError):
            line, col = 1, 1
        rel = os.path.relpath(path) if os.path.isabs(path) else path  # as schema errors show it: from the root
        return f"{path if rel.startswith('..') else rel}:{line}:{col}"

    def index(self, path: str, key: str, value: str) -> int:
        """Where `value` is in the list under `key`."""
        try:
            return list(self._doc(path)[key]).index(value)
        except (OSError, RuleFileError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            return 0


class _Loader:
    """Reads files once each (through the cache), follows `extends`, applies overrides."""

    def __init__(self, trust_cache: bool, toplevel: str | None, source: WorkTree) -> None:
        self.source = source
        self.trust_cache = trust_cache
        self.toplevel = toplevel
        self.locate = _Locator(source)  # positions from the bytes the config was read from (ci: the base)
        self.files: list[str] = []
        self.disabled: list[tuple[str, str]] = []

    def read(self, path: str, shown: str | None = None, builtin: str | None = None) -> _File:
        """The file as validated data (and, validated now, its compiled rules); `builtin`: the file
        of `builtin:NAME`, whose data was validated when the package was built (prebuilt.py)."""
        try:
            data = self.source.read(path, rulefile.MAX_BYTES)
        except OSError as e:
            raise RuleFileError(f"{path}: cannot read: {e.strerror}") from None
        rulefile.check_size(self._display(path), len(data))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise RuleFileError(f"{path}:{line}:1: not UTF-8 text (byte {e.start}); save the file as UTF-8") from None
        self.files.append(shown or self._display(path))
        ready = prebuilt.doc(builtin, data) if builtin else None
        if ready is not None:
            return _File(ready)
        compiled: list[Rule] = []

        def validate(name: str, text: str) -> dict[str, Any]:
            doc, rules = rulefile.load_rules(name, text, self.trust_cache)
            compiled.extend(rules)
            return doc

        return _File(cache.validated(self._display(path), text, validate, self.trust_cache), tuple(compiled))

    def _display(self, path: str) -> str:
        rel = self.source.rel(path) if self.toplevel else None
        return rel or path

    def resolve(self, path: str, file: _File, base: str, seen: set[str], pack: str = "local") -> list[RuleSpec]:
        """Rules of the file and what it extends, with its overrides, disable and floor applied."""
        specs = self._extended(path, file.doc, base, seen)
        specs += self._own(path, file, pack)
        _unique(specs)
        return _Merge(path, file.doc, self.locate, self.trust_cache).apply(specs, self.disabled)

    def _extended(self, path: str, doc: Mapping[str, Any], base: str, seen: set[str]) -> list[RuleSpec]:
        specs: list[RuleSpec] = []
        for ref in doc.get("extends") or ():
            key, name = self._target(ref, base, path)
            if key in seen:
                raise RuleFileError(
                    f"{self.locate(path, ['extends'])}: '{ref}' is extended twice or in a cycle; name each pack once"
                )
            seen.add(key)
            builtin = ref.partition(":")[2] if ref.startswith("builtin:") else None
            sub = self.read(key, name if name.startswith(("builtin:", "pkg:")) else None, builtin)
            bad = [k for k in REPO_KEYS if k in sub.doc]
            if bad:
                raise RuleFileError(
                    f"{self.locate(key, [], bad[0])}: '{bad[0]}' belongs in the repository's {CONFIG_FILE}, not in a pack"
                )
            specs += self.resolve(key, sub, os.path.dirname(key), seen, name)
        return specs

    def _own(self, path: str, file: _File, pack: str) -> list[RuleSpec]:
        """The file's own rules as specs: `FILE rule #N` (or `PACK rule #N` for a named pack) set every key."""
        shown = self._display(path)
        named = pack.startswith(("builtin:", "pkg:"))
        specs = []
        allow = rulefile.pack_allow(file.doc)
        for i, raw in enumerate(file.doc.get("rules") or ()):
            origin = f"{pack if named else shown} rule #{i + 1}"
            rule = replace(file.rules[i], origin=origin, pack=pack) if i < len(file.rules) else None
            specs.append(RuleSpec(raw, shown, origin, pack, dict.fromkeys(raw, origin), allow=allow, rule=rule))
        return specs

    def _root(self, base: str) -> str:
        """What a relative `extends` may reach: the repository, or a file's own folder outside one (a pack)."""
        if self._in_repo(base):
            return self.source.place(self.toplevel or "")
        return os.path.realpath(base)  # a pack's own folder, wherever it is installed

    def _in_repo(self, path: str) -> bool:
        return self.toplevel is not None and self.source.rel(path) is not None

    def _target(self, ref: str, base: str, path: str) -> tuple[str, str]:
        if ref.startswith(("builtin:", "pkg:")):
            find = packs.builtin_path if ref.startswith("builtin:") else packs.entry_point_path
            try:
                return find(ref.partition(":")[2]), ref
            except FatalError as e:
                raise RuleFileError(f"{self.locate(path, ['extends'])}: {e}") from None
        if os.path.isabs(ref):
            raise RuleFileError(
                f"{self.locate(path, ['extends'])}: extends '{ref}': an absolute path; name a file inside the repository,"
                " relative to this file (builtin: and pkg: packs load shared rules)"
            )
        root = self._root(base)
        joined = os.path.join(base, ref)
        # in the repository taken as written: a symlink on the way is refused when the file is read
        target = self.source.place(joined) if self._in_repo(base) else os.path.realpath(joined)
        if not _inside(target, root):
            raise RuleFileError(
                f"{self.locate(path, ['extends'])}: extends '{ref}': resolves outside the repository ({target});"
                " extended files must stay inside it (builtin: and pkg: packs load shared rules)"
            )
        try:
            found = self.source.exists(target)
        except RuleFileError as e:
            raise RuleFileError(f"{self.locate(path, ['extends'])}: extends '{ref}': {e}") from None
        if not found:
            raise RuleFileError(f"{self.locate(path, ['extends'])}: extends '{ref}': no such file ({target})")
        return target, self._display(target)


def _inside(path: str, folder: str) -> bool:
    """Whether a real path is the folder or below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


SKIP_KEYS = ("ignore-subject", "ignore-body")


def _no_skips_on_strict(specs: list[RuleSpec]) -> None:
    """An `exemptible: false` rule judges every commit: a per-rule subject or body ignore on it is refused."""
    for s in specs:
        keys = [k for k in SKIP_KEYS if k in s.data]
        if keys and s.data.get("exemptible") is False:
            where = s.set_by.get(keys[0], s.origin)
            raise RuleFileError(
                f"{where}: rule '{s.id}' is exemptible: false, so '{keys[0]}' cannot turn it off for some commits;"
                " no setting waives what it finds"
            )


def _unique(specs: list[RuleSpec]) -> None:
    seen: dict[str, str] = {}
    for s in specs:
        if s.id in seen:
            raise RuleFileError(f"{s.origin}: rule id '{s.id}' is already defined in {seen[s.id]}; ids must be unique")
        seen[s.id] = s.origin


class _Merge:
    """One file's say over the rules it sees: its overrides, then its disable list, then its severity floor."""

    def __init__(self, path: str, doc: Mapping[str, Any], locate: _Locator, use_cache: bool) -> None:
        self.path, self.doc, self.locate, self.use_cache = path, doc, locate, use_cache
        self.by = _shown(path)

    def apply(self, specs: list[RuleSpec], disabled_out: list[tuple[str, str]]) -> list[RuleSpec]:
        """The specs as this file leaves them, those it disables noted in `disabled_out`."""
        by_id = {s.id: s for s in specs}
        for rid, changes in (self.doc.get("overrides") or {}).items():
            spec = by_id.get(rid) or self._unknown(rid, by_id, "overrides")
            by_id[rid] = self._override(spec, changes)
        for rid in self.doc.get("disable") or ():
            by_id.get(rid) or self._unknown(rid, by_id, "disable")
        disabled = set(self.doc.get("disable") or ())
        floor = self.doc.get("severity-floor")
        if floor:
            rank = SEVERITIES.index(floor)
            for rid, s in by_id.items():
                if SEVERITIES.index(s.data["severity"]) > rank:
                    by_id[rid] = s.floored(floor, f"severity-floor in {self.by}")
        disabled_out += [(rid, f"disable in {self.by}") for rid in by_id if rid in disabled]
        return [s for rid, s in by_id.items() if rid not in disabled]

    def _override(self, spec: RuleSpec, changes: Mapping[str, Any]) -> RuleSpec:
        """The spec with the override's keys set, validated and compiled again (an overridden pattern must compile now)."""
        valid = (*OVERRIDABLE, *kind_params(spec.kind))
        for key in changes:
            if key not in valid:
                where = self.locate(self.path, ["overrides", spec.id], key)
                raise RuleFileError(
                    f"{where}: overrides.{spec.id}: '{key}' cannot be set for kind '{spec.kind}'"
                    f"{rulefile.did_you_mean(key, valid)} (valid: {', '.join(valid)})"
                )
        changed = spec.changed(changes, f"overrides in {self.by}")
        try:
            rulefile.validate(self.path, {"version": 1, "rules": [rulefile.plain(changed.data)]})  # plain: a prebuilt rule's examples
            rule = compile_rule(replace(changed, file=self.path), use_cache=self.use_cache)
        except RuleFileError as e:
            raise RuleFileError(
                f"{self.locate(self.path, ['overrides', spec.id])}: overrides.{spec.id}: {str(e).split(': ', 2)[-1]}"
            ) from None
        return replace(changed, rule=rule)

    def _unknown(self, rid: str, by_id: Mapping[str, Any], where: str) -> Any:
        at = (
            self.locate(self.path, [where], rid)
            if where == "overrides"
            else self.locate(self.path, [where, self.locate.index(self.path, where, rid)])
        )
        raise RuleFileError(
            f"{at}: {where}: no loaded rule has the id '{rid}'{rulefile.did_you_mean(rid, list(by_id))};"
            " `agentops-check rules list` shows them"
        )


def _shown(path: str) -> str:
    return os.path.basename(path) if os.path.isabs(path) else path

