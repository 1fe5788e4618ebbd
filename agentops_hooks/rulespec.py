"""A rule as its file declares it (RuleSpec), and compiling one into a Rule, once.

The loader's one form between a file and a Rule: `config` reads each file into specs that carry
where they came from, applies overrides and the severity floor to the specs, and compiles each
at the end. A spec validated in this run keeps the Rule its validation compiled (`rule`), so no
pattern is compiled twice; one read from the cache of validated files is compiled lazily (its
patterns were proven when it was cached, and most are never searched).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from agentops_hooks.errors import RuleFileError
from agentops_hooks.kinds import KINDS
from agentops_hooks.kinds.params import Form, Param
from agentops_hooks.model import Compiled, Rule
from agentops_hooks.patterns import Regex, globs, re2_escape, regex
from agentops_hooks.values import Deferred, field, frozen, replace

COMMON_KEYS = (
    "id",
    "kind",
    "description",
    "message",
    "hint",
    "severity",
    "applies-to",
    "min-ai-share",
    "paths",
    "factor",
    "exemptible",
    "redact",
    "references",
    "examples",
)
PLACEHOLDER_GLOBS = ("{config-files}",)  # expanded by the engine, not compiled
Position = Callable[[str], tuple[int, int]]  # a key of the rule → its line and column in the file


@frozen
class RuleSpec:
    """A validated rule's keys as plain data, the file it is in, its origin and pack, who set each key."""

    data: Mapping[str, Any]
    file: str  # as error messages name it
    origin: str = ""  # `FILE rule #N`, `builtin:NAME rule #N`
    pack: str = ""
    set_by: Mapping[str, str] = field(default_factory=dict)  # key → where it was set (show-config)
    allow: tuple[str, ...] = ()  # the file's top-level `allow:` (pack-wide), for the kinds that take `allow`
    rule: Rule | None = field(default=None, compare=False, repr=False)  # compiled from exactly `data`

    @property
    def id(self) -> str:
        """The rule's id."""
        return str(self.data["id"])

    @property
    def kind(self) -> str:
        """The rule's kind."""
        return str(self.data["kind"])

    def changed(self, changes: Mapping[str, Any], by: str) -> RuleSpec:
        """The spec with some keys set (by an override), to be compiled again."""
        return replace(self, data={**self.data, **changes}, set_by={**self.set_by, **dict.fromkeys(changes, by)}, rule=None)

    def floored(self, severity: str, by: str) -> RuleSpec:
        """The spec with its severity raised: nothing to compile again."""
        rule = replace(self.rule, severity=severity) if self.rule is not None else None
        return replace(self.changed({"severity": severity}, by), rule=rule)

    def compiled(self, lazy: bool, use_cache: bool) -> Rule:
        """The Rule: the one compiled when it was validated, else compiled now (`lazy`: patterns on first use)."""
        if self.rule is not None:
            return self.rule
        return compile_rule(self, lazy=lazy, use_cache=use_cache)


def compile_rule(spec: RuleSpec, *, at: Position | None = None, lazy: bool = False, use_cache: bool = True) -> Rule:
    """One rule from validated data: its kind's parameters compiled as declared, templates and paths checked.

    `at` gives positions for error messages; `use_cache`: globs may come from the translation cache
    (not in `ci`, which trusts no cache)."""
    where = _Where(spec, at)
    kind = spec.kind
    declared = KINDS[kind].params
    params = {k: v for k, v in spec.data.items() if k not in _COMMON}
    if lazy:  # the file was validated, templates too, when its rules were cached: compile on first use
        compiled = _lazy_compiled(declared, lambda: _wanted(spec, declared, params), where, use_cache)
    else:
        compiled = compile_params(declared, _wanted(spec, declared, params), where, lazy, use_cache)
        for key in ("message", "hint"):
            check_template(spec.data.get(key, ""), where(key))
    defaults = _DEFAULTS.get(kind)
    if defaults is None:
        defaults = _DEFAULTS[kind] = {p.name: p.default for p in declared}  # shared: checks only read it
    return _rule(spec, params, compiled, defaults, where, use_cache, lazy)


_COMMON = frozenset(COMMON_KEYS)
_DEFAULTS: dict[str, dict[str, Any]] = {}  # kind → its parameters' defaults


def _wanted(spec: RuleSpec, declared: Iterable[Param], params: Mapping[str, Any]) -> Mapping[str, Any]:
    """The parameters to compile: with the pack-wide `allow` list after the rule's own."""
    if spec.allow and any(p.name == "allow" for p in declared):
        return {**params, "allow": [*(params.get("allow") or ()), *spec.allow]}
    return params


class _Where:
    """`FILE:LINE:COL: rule 'ID': 'KEY'`, what an error about a key of the rule starts with."""

    __slots__ = ("file", "id", "at")

    def __init__(self, spec: RuleSpec, at: Position | None) -> None:
        self.file, self.id, self.at = spec.file, spec.id, at

    def __call__(self, key: str) -> str:
        if self.at is None:
            return f"{self.file}: rule '{self.id}': '{key}'"
        line, col = self.at(key)
        return f"{self.file}:{line}:{col}: rule '{self.id}': '{key}'"


def compile_params(
    declared: Iterable[Param], params: Mapping[str, Any], where: Callable[[str], str], lazy: bool, use_cache: bool
) -> Compiled:
    """Each declared parameter the rule sets (or whose default is a value) compiled into its form."""
    tables: dict[str, dict[str, Any]] = {"regexes": {}, "regex_lists": {}, "regex_maps": {}, "globsets": {}}
    for param in sorted(declared, key=lambda p: p.form.value):  # patterns first: their errors come first
        value = params.get(param.name, param.default)
        if value is not None and param.form is not Form.DATA:
            options = _Options(where(param.name), lazy, use_cache, params)
            for table, name, made in _COMPILERS[param.form](param.name, value, options):
                tables[table][name] = made
    compiled = Compiled(tables["regexes"], tables["regex_lists"], tables["regex_maps"], tables["globsets"])
    if not lazy:  # lazy: proven when the file was validated
        for param in declared:
            if param.check is not None and params.get(param.name) is not None:
                param.check(params[param.name], compiled, where(param.name))
    return compiled


def _lazy_compiled(
    declared: Iterable[Param], params: Callable[[], Mapping[str, Any]], where: Callable[[str], str], use_cache: bool
) -> Compiled:
    """A Compiled whose tables are made when a check first reads one: a hook loads every rule, and
    a stage runs few of them (the commit-msg stage none of the 200 secrets rules on most commits)."""
    made = _Made(lambda: compile_params(declared, params(), where, True, use_cache))
    def table(name: str) -> Deferred:
        return Deferred(lambda: getattr(made.get(), name))  # type: ignore[no-any-return]

    return Compiled(table("regexes"), table("regex_lists"), table("regex_maps"), table("globsets"))


class _Made:
    """One rule's compiled parameters, made once, on first use."""

    __slots__ = ("make", "value")

    def __init__(self, make: Callable[[], Compiled]) -> None:
        self.make: Callable[[], Compiled] | None = make
        self.value: Compiled | None = None

    def get(self) -> Compiled:
        if self.value is None:
            assert self.make is not None
            self.value, self.make = self.make(), None
        return self.value


@frozen
class _Options:
    where: str
    lazy: bool
    use_cache: bool
    params: Mapping[str, Any] = field(default_factory=dict)  # the rule's others (`keywords` reads `keywords-case`)

    def regex(self, pattern: str, full: bool = False) -> Regex:
        found: Regex = regex(pattern, self.where, full=full, lazy=self.lazy)
        return found


Made = Iterator[tuple[str, str, Any]]  # (Compiled's table, name, compiled value)


def _regex(name: str, value: Any, o: _Options) -> Made:
    yield "regexes", name, o.regex(value)


def _line_regex(name: str, value: Any, o: _Options) -> Made:
    yield "regexes", name, o.regex(value)
    yield "regexes", f"{name}-text", o.regex("(?m)" + value)  # over a file's lines joined: `^`/`$` at each line


def _keywords(name: str, value: Any, o: _Options) -> Made:
    if value:
        fold = "" if o.params.get(f"{name}-case") == "exact" else "(?i)"
        yield "regexes", name, o.regex(f"{fold}(?:{'|'.join(re2_escape(k) for k in value)})")


def _any_of(name: str, value: Any, o: _Options) -> Made:
    if value:
        for p in value:  # each on its own first: an error names the pattern that is wrong
            if not o.lazy:
                o.regex(p)
        yield "regexes", name, o.regex("|".join(f"(?:{p})" for p in value))


def _full_regexes(name: str, value: Any, o: _Options) -> Made:
    yield "regex_lists", name, tuple(o.regex(p, full=True) for p in value)


def _regex_map(name: str, value: Any, o: _Options) -> Made:
    yield "regex_maps", name, {str(k).lower(): o.regex(p) for k, p in value.items()}


def _globs(name: str, value: Any, o: _Options) -> Made:
    yield "globsets", name, globs([g for g in value if g not in PLACEHOLDER_GLOBS], o.where, o.use_cache, o.lazy)


_COMPILERS: dict[Form, Callable[[str, Any, _Options], Made]] = {
    Form.REGEX: _regex,
    Form.LINE_REGEX: _line_regex,
    Form.KEYWORDS: _keywords,
    Form.ANY_OF: _any_of,
    Form.FULL_REGEXES: _full_regexes,
    Form.REGEX_MAP: _regex_map,
    Form.GLOBS: _globs,
}


def _rule(
    spec: RuleSpec,
    params: Mapping[str, Any],
    compiled: Compiled,
    defaults: Mapping[str, Any],
    where: Callable[[str], str],
    use_cache: bool,
    lazy: bool = False,
) -> Rule:
    raw, paths = spec.data, spec.data.get("paths") or {}
    return Rule(
        id=spec.id,
        kind=spec.kind,
        description=raw["description"],
        message=raw["message"],
        severity=raw["severity"],
        hint=raw.get("hint", ""),
        applies_to=raw.get("applies-to", "all"),
        min_ai_share=raw.get("min-ai-share"),
        factor=raw.get("factor"),
        exemptible=raw.get("exemptible", True),
        redact=raw.get("redact", False),
        params=params,
        compiled=compiled,
        include=globs(paths["include"], where("paths"), use_cache, lazy) if paths.get("include") else None,
        exclude=globs(paths["exclude"], where("paths"), use_cache, lazy) if paths.get("exclude") else None,
        examples=raw.get("examples"),
        origin=spec.origin or spec.file,
        pack=spec.pack,
        defaults=defaults,
    )


def check_template(text: str, where: str) -> None:
    """A message or hint template: plain `{name}` placeholders only; a bad one names where it is."""
    import string  # validation only: a hook loads rules validated when they were cached (lazy)

    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(text) if f is not None]
    except ValueError as e:
        raise RuleFileError(f"{where}: bad template: {e} (write {{{{ and }}}} for literal braces)") from None
    for f, spec, conv in fields:
        if not f.isidentifier() and not all(p.isidentifier() for p in f.split("-")):
            raise RuleFileError(f"{where}: placeholder {{{f}}} must be a plain name such as {{path}}")
        if spec or conv:  # `{path:>2000000000}` would build a 2 GB string at the first finding
            raise RuleFileError(f"{where}: placeholder {{{f}}} takes no format spec or conversion; write {{{f}}}")
