"""The one loader: YAML text → refuse anchors and tags → schema → positions → RE2 → Rule."""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from agentops_hooks import packs
from agentops_hooks.errors import RuleFileError
from agentops_hooks.model import Rule

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
REGEX_PARAMS = ("pattern", "subject-pattern", "when-subject")
REGEX_LIST_PARAMS = ("vague-subjects",)
REGEX_MAP_PARAMS = ("value-patterns",)  # key → pattern; keys compared in lower case
GLOB_LIST_PARAMS = ("forbidden-names", "ignore", "allowed", "protected", "when", "then")
PLACEHOLDER_GLOBS = ("{config-files}",)  # expanded by the engine, not compiled


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of rule files, packs and configs (package data)."""
    return json.loads(packs.schema_text())  # type: ignore[no-any-return]


def kind_params(kind: str) -> tuple[str, ...]:
    """The parameter names a kind accepts, from the schema."""
    for branch in schema()["$defs"]["rule"]["allOf"]:
        if branch["if"]["properties"]["kind"]["const"] == kind:
            return tuple(branch["then"]["properties"])
    return ()


def read_yaml(path: str, text: str) -> Any:
    """Parse YAML keeping positions; anchors, aliases and tags are refused with one line."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    try:
        _refuse_references(path, yaml.parse(io.StringIO(text)))
        return yaml.load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        problem = (e.problem or e.context or "invalid YAML").strip()
        hint = " (indent with spaces, not tabs)" if "\\t" in problem or "tab" in problem else ""
        raise RuleFileError(f"{path}:{where}: invalid YAML: {problem}{hint}") from None
    except YAMLError as e:
        raise RuleFileError(f"{path}:1:1: invalid YAML: {str(e).splitlines()[0]}") from None


MAX_DEPTH = 64  # far deeper than any rule file; the YAML composer recurses per level


def _refuse_references(path: str, events: Iterable[Any]) -> None:
    """Refuse anchors, aliases, tags, deep nesting and complex keys before anything is built from the events."""
    open_: list[bool | None] = []  # per open collection: a mapping waiting for a key (True) or a value; None: a list
    for ev in events:
        mark = ev.start_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}"
        name = type(ev).__name__
        if name in ("ScalarEvent", "MappingStartEvent", "SequenceStartEvent", "AliasEvent") and open_:
            if open_[-1] is True and name != "ScalarEvent":
                # `{{{{…}}}}` makes mappings keys, which ruamel hashes in exponential time
                raise RuleFileError(f"{where}: a key must be plain text, not a list or a mapping")
            if open_[-1] is not None:
                open_[-1] = not open_[-1]
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            open_.append(True if name == "MappingStartEvent" else None)
        elif name in ("MappingEndEvent", "SequenceEndEvent"):
            open_.pop()
        if len(open_) > MAX_DEPTH:
            raise RuleFileError(f"{where}: nested more than {MAX_DEPTH} levels deep; a rule file is never this deep")
        if type(ev).__name__ == "AliasEvent" or getattr(ev, "anchor", None):
            raise RuleFileError(f"{where}: YAML anchors and aliases are not allowed here; write the value out")
        tag = getattr(ev, "tag", None)
        if tag is not None and type(ev).__name__ != "DocumentStartEvent":
            raise RuleFileError(f"{where}: YAML tags ({tag}) are not allowed here; remove the tag")


def load_text(path: str, text: str) -> dict[str, Any]:
    """A rule or config file as validated plain data; any problem is one RuleFileError line."""
    if "\x00" in text:
        raise RuleFileError(f"{path}:1:1: this is not a YAML text file (it contains NUL bytes)")
    doc = read_yaml(path, text)
    if doc is None:
        raise RuleFileError(f"{path}:1:1: the file is empty; it needs at least `version: 1`")
    if not isinstance(doc, Mapping):
        raise RuleFileError(f"{path}:1:1: expected a mapping with `version: 1` and `rules:`, found a {_type(doc)}")
    validate(path, doc)
    for i, raw in enumerate(doc.get("rules") or ()):
        compile_rule(path, raw, "", at=functools.partial(_rule_key_position, doc, i))
    return plain(doc)  # type: ignore[no-any-return]


def validate(path: str, doc: Any) -> None:
    """Schema validation, the first error turned into our wording with its position."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    errors = (e for e in _validator(Draft202012Validator).iter_errors(doc) if not _spurious(doc, e))
    err = best_match(errors, key=_error_rank)
    if err is not None:
        where, what = _explain(doc, list(err.absolute_path), err)
        raise RuleFileError(f"{path}:{where}: {what}")
    ids: dict[str, int] = {}
    for i, rule in enumerate(doc.get("rules") or ()):
        if rule["id"] in ids:
            line, col = position(doc, ["rules", i, "id"])
            raise RuleFileError(
                f"{path}:{line}:{col}: rule '{rule['id']}': duplicate id (first defined in rule #{ids[rule['id']] + 1}); ids must be unique"
            )
        ids[rule["id"]] = i


@cache
def _validator(cls: Any) -> Any:
    return cls(schema())


def _rule_key_position(doc: Any, index: int, key: str) -> tuple[int, int]:
    return position(doc, ["rules", index, key])


def _spurious(doc: Any, err: Any) -> bool:
    """An unevaluatedProperties error naming only valid keys: a kind parameter failed, report that instead."""
    if err.validator != "unevaluatedProperties" or not isinstance(err.instance, Mapping):
        return False
    valid = _valid_keys(doc, list(err.absolute_path), err.instance)
    return all(k in valid for k in err.instance)


def _error_rank(err: Any) -> Any:
    # prefer errors about a specific key over "is not valid under" summaries
    from jsonschema.exceptions import relevance

    # an unknown kind first: every other key of the rule is then "not valid for kind" only because of it
    bad_kind = err.validator == "enum" and list(err.absolute_path)[-1:] == ["kind"]
    return (bad_kind, err.validator in ("unevaluatedProperties", "additionalProperties", "required"), relevance(err))


def position(doc: Any, path: Iterable[Any], key: str | None = None) -> tuple[int, int]:
    """1-based line and column of the node at `path` (or of `key` inside it)."""
    node = doc
    line, col = getattr(getattr(doc, "lc", None), "line", 0), getattr(getattr(doc, "lc", None), "col", 0)
    for step in path:
        lc = getattr(node, "lc", None)
        try:
            if lc is not None:
                line, col = lc.item(step)[:2] if isinstance(step, int) else lc.value(step)
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    if key is not None and hasattr(node, "lc"):
        try:
            line, col = node.lc.key(key)
        except KeyError:
            pass
    return line + 1, col + 1


def _explain(doc: Any, path: list[Any], err: Any) -> tuple[str, str]:
    """(line:col, message) for a schema error, in the words a user needs."""
    node = err.instance
    rule = _rule_prefix(doc, path)
    line, col = position(doc, path)
    v = err.validator
    if v in ("unevaluatedProperties", "additionalProperties") and isinstance(node, Mapping):
        valid = _valid_keys(doc, path, node)
        bad = [k for k in node if k not in valid] or [next(iter(node), "?")]
        line, col = position(doc, path, key=str(bad[0]))
        if rule and "kind" in node and isinstance(node["kind"], str):
            what = f"'{bad[0]}' is not valid for kind '{node['kind']}'"
        else:
            what = f"unknown key '{bad[0]}'"
        return f"{line}:{col}", f"{rule}{what}{_did_you_mean(str(bad[0]), valid)} (valid: {', '.join(valid)})"
    if v == "required":
        missing = [k for k in err.validator_value if k not in node]
        return f"{line}:{col}", f"{rule}missing required key '{missing[0]}'"
    name = (
        f"'{path[-1]}'" if path and isinstance(path[-1], str) else ("the file" if not path else f"item {path[-1] + 1}")
    )
    if v == "enum":
        options = [str(o) for o in err.validator_value]
        return (
            f"{line}:{col}",
            f"{rule}{name} is {node!r}{_did_you_mean(str(node), options)}; expected one of: {', '.join(options)}",
        )
    if v == "type":
        return f"{line}:{col}", f"{rule}{name} should be {_article(err.validator_value)}, found {_article(_type(node))}"
    if v == "const":
        return f"{line}:{col}", f"{rule}{name} must be {err.validator_value!r}, found {node!r}"
    if v == "pattern":
        return (
            f"{line}:{col}",
            f"{rule}{name} {node!r} does not match {err.validator_value} (kebab-case: lower-case letters, digits, dashes)",
        )
    return f"{line}:{col}", f"{rule}{name}: {err.message}"


def _rule_prefix(doc: Any, path: list[Any]) -> str:
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rule = doc["rules"][path[1]]
        if isinstance(rule, Mapping) and isinstance(rule.get("id"), str):
            return f"rule '{rule['id']}': "
        return f"rule #{path[1] + 1}: "
    return ""


def _valid_keys(doc: Any, path: list[Any], node: Mapping[str, Any]) -> list[str]:
    if len(path) == 2 and path[0] == "rules":
        return [*COMMON_KEYS, *kind_params(str(node.get("kind")))]
    sub: Any = schema()
    for step in path:
        if isinstance(step, int):
            sub = sub.get("items", {})
        else:
            sub = sub.get("properties", {}).get(step, {})
        if "$ref" in sub:
            sub = schema()["$defs"][sub["$ref"].rsplit("/", 1)[1]]
    return list(sub.get("properties", {}))


def _did_you_mean(word: str, options: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "string", int: "integer", bool: "boolean", float: "number"}.get(
        type(value),
        "mapping"
        if isinstance(value, Mapping)
        else "list"
        if isinstance(value, list)
        else "null"
        if value is None
        else type(value).__name__,
    )


def _article(kind: Any) -> str:
    kinds = kind if isinstance(kind, list) else [kind]
    words = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "boolean": "true or false",
        "number": "a number",
        "mapping": "a mapping",
        "list": "a list",
        "null": "nothing",
        "date": "a date (quote it to make it a string)",
    }
    return " or ".join(words.get(str(k), str(k)) for k in kinds)


def plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists; dates back to strings."""
    if isinstance(node, Mapping):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if hasattr(node, "isoformat"):
        return node.isoformat()
    return node


def compile_rule(
    path: str,
    raw: Mapping[str, Any],
    pack: str,
    origin: str = "",
    at: Callable[[str], tuple[int, int]] | None = None,
    lazy: bool = False,
    cache: bool = True,
) -> Rule:
    """One rule from validated data: RE2 patterns, path globs, template fields checked.

    `cache`: globs may come from the translation cache (not in `ci`, which trusts no cache)."""
    rid = raw["id"]
    params = {k: v for k, v in raw.items() if k not in COMMON_KEYS}
    compiled: dict[str, Any] = {}

    def where(key: str) -> str:
        line, col = at(key) if at else (0, 0)
        return f"{path}:{line}:{col}: rule '{rid}': '{key}'" if at else f"{path}: rule '{rid}': '{key}'"

    for name in REGEX_PARAMS:
        if name in params:
            compiled[name] = regex(params[name], where(name), lazy=lazy)
    if "pattern" in params:  # the same pattern over a file's lines joined: `^`/`$` at each line
        compiled["pattern-text"] = regex("(?m)" + params["pattern"], where("pattern"), lazy=lazy)
    if params.get("keywords"):
        alternatives = "|".join(re2_escape(k) for k in params["keywords"])
        compiled["keywords"] = regex(f"(?i)(?:{alternatives})", where("keywords"), lazy=lazy)
    for name in REGEX_LIST_PARAMS:
        if name in params:
            compiled[name] = [regex(p, where(name), full=True, lazy=lazy) for p in params[name]]
    for name in REGEX_MAP_PARAMS:
        if name in params:
            compiled[name] = {str(k).lower(): regex(p, where(name), lazy=lazy) for k, p in params[name].items()}
    for name in GLOB_LIST_PARAMS:
        if name in params:
            compiled[name] = globs([g for g in params[name] if g not in PLACEHOLDER_GLOBS], where(name), cache)
    if not lazy:  # lazy: the file was validated, templates too, when its rules were cached
        for key in ("message", "hint"):
            _check_template(raw.get(key, ""), where(key))
    paths = raw.get("paths") or {}
    return Rule(
        id=rid,
        kind=raw["kind"],
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
        include=globs(paths["include"], where("paths"), cache) if paths.get("include") else None,
        exclude=globs(paths["exclude"], where("paths"), cache) if paths.get("exclude") else None,
        examples=raw.get("examples"),
        origin=origin or path,
        pack=pack,
    )


class LazyRegex:
    """An RE2 pattern already proven to compile (when its file was validated), compiled on first use.

    The hook loads every rule but most patterns are never searched on a given commit: the
    combined prefilter rules their files out first.
    """

    __slots__ = ("_args", "_compiled")

    def __init__(self, *args: Any) -> None:
        self._args = args
        self._compiled: Any = None

    def _get(self) -> Any:
        if self._compiled is None:
            self._compiled = regex(*self._args)
        return self._compiled

    def search(self, text: str) -> Any:
        """RE2 search."""
        return self._get().search(text)

    def match(self, text: str) -> Any:
        """RE2 match."""
        return self._get().match(text)

    @property
    def pattern(self) -> str:
        """The pattern as compiled."""
        return str(self._get().pattern)


def regex(pattern: str, where: str, full: bool = False, max_mem: int = 0, lazy: bool = False) -> Any:
    """An RE2 pattern (search semantics; `full`: whole text, any case); a bad one names where it is."""
    if lazy:
        return LazyRegex(pattern, where, full, max_mem)
    import re2

    options = re2.Options()
    options.log_errors = False
    if max_mem:
        options.max_mem = max_mem
    try:
        return re2.compile(f"(?i)^(?:{pattern})$" if full else pattern, options=options)
    except re2.error as e:
        reason = e.args[0].decode("utf-8", "replace") if e.args and isinstance(e.args[0], bytes) else str(e)
        raise RuleFileError(
            f"{where}: pattern {pattern!r} is not valid RE2: {reason} (RE2 has no backreferences or look-around)"
        ) from None


def re2_escape(text: str) -> str:
    """A literal for an RE2 pattern."""
    import re

    return re.escape(text)


def globs(patterns: list[str], where: str, cache: bool = True) -> Any:
    """A gitignore-style glob set; a bad glob names where it is."""
    from agentops_hooks.globs import compile_globs

    try:
        return compile_globs(patterns, cache)
    except (ValueError, TypeError) as e:
        raise RuleFileError(f"{where}: bad glob: {e}") from None


def _check_template(text: str, where: str) -> None:
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
