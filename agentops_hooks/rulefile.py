"""The one reader of rule files: YAML text → refuse anchors and tags → schema → positions → compiled rules.

What comes out is validated plain data (what the cache of validated files keeps) and, for a file
read now, its rules compiled once (rulespec); schema errors are worded here, with positions.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from agentops_hooks import packs
from agentops_hooks.errors import RuleFileError
from agentops_hooks.kinds import kind_params
from agentops_hooks.model import Rule
from agentops_hooks.patterns import LazyRegex, globs, re2_escape, regex
from agentops_hooks.rulespec import COMMON_KEYS, RuleSpec
from agentops_hooks.rulespec import compile_rule as compile_spec

__all__ = [  # the patterns and keys other modules reach through here
    "COMMON_KEYS",
    "LazyRegex",
    "compile_rule",
    "pack_allow",
    "did_you_mean",
    "globs",
    "load_rules",
    "load_text",
    "position",
    "re2_escape",
    "read_yaml",
    "regex",
    "schema",
    "validate",
]

@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of rule files, packs and configs (package data)."""
    return json.loads(packs.schema_text())  # type: ignore[no-any-return]


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
    except (ValueError, OverflowError) as e:  # a value ruamel cannot build, e.g. the date 2026-02-30
        raise RuleFileError(f"{path}:1:1: invalid YAML value: {e} (quote it to keep it as text)") from None


MAX_BYTES = 256 * 1024  # 7 times the largest built-in pack; parsing this much takes seconds, 50 MB took minutes
MAX_ERRORS_RANKED = 50  # schema errors weighed to pick the one to report
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


def check_size(path: str, size: int) -> None:
    """Refuse a file over the bound before anything parses it (YAML is parsed at about 50 KB a second)."""
    if size > MAX_BYTES:
        raise RuleFileError(
            f"{path}:1:1: larger than {MAX_BYTES // 1024} KB; rule files are at most {MAX_BYTES // 1024} KB"
            " (split the rules into files that extend each other)"
        )


def load_text(path: str, text: str) -> dict[str, Any]:
    """A rule or config file as validated plain data; any problem is one RuleFileError line."""
    return load_rules(path, text)[0]


def load_rules(path: str, text: str, use_cache: bool = True) -> tuple[dict[str, Any], tuple[Rule, ...]]:
    """The file as validated plain data, and its rules compiled (which proves their patterns)."""
    check_size(path, len(text))
    if "\x00" in text:
        raise RuleFileError(f"{path}:1:1: this is not a YAML text file (it contains NUL bytes)")
    from agentops_hooks import fastyaml  # its resolver's patterns cost a hook run that reads no YAML 1 ms

    fast = fastyaml.load(text, functools.partial(_refuse_references, path))
    # libyaml read it as ruamel would; a file the schema may refuse goes to ruamel at once, whose
    # positions word the error (a file of broken rules is then not validated twice)
    if isinstance(fast, dict) and _valid_per_kind(fast):
        try:
            return _checked(path, fast, fast, use_cache, proven=True)
        except RuleFileError:
            pass
    doc = read_yaml(path, text)
    if doc is None:
        raise RuleFileError(f"{path}:1:1: the file is empty; it needs at least `version: 1`")
    if not isinstance(doc, Mapping):
        raise RuleFileError(f"{path}:1:1: expected a mapping with `version: 1` and `rules:`, found a {_type(doc)}")
    return _checked(path, doc, plain(doc), use_cache)


def _checked(
    path: str, doc: Any, data: dict[str, Any], use_cache: bool, proven: bool = False
) -> tuple[dict[str, Any], tuple[Rule, ...]]:
    """Validate `doc` (positions come from it; `proven`: the schema already accepts it) and compile
    the rules of its plain `data`."""
    validate(path, doc, proven)
    allow = pack_allow(data)
    for i, pattern in enumerate(allow):  # proven once here, where a bad one is written
        line, col = position(doc, ["allow", i])
        regex(pattern, f"{path}:{line}:{col}: 'allow' item {i + 1}")
    rules = tuple(
        compile_spec(
            RuleSpec(raw, path, allow=allow), at=functools.partial(_rule_key_position, doc, i), use_cache=use_cache
        )
        for i, raw in enumerate(data.get("rules") or ())
    )
    return data, rules


def pack_allow(doc: Mapping[str, Any]) -> tuple[str, ...]:
    """A file's top-level `allow:`: patterns that no secret of its `added-pattern` rules may match."""
    return tuple(doc.get("allow") or ())


def compile_rule(path: str, raw: Mapping[str, Any], pack: str, origin: str = "") -> Rule:
    """One rule from validated data, compiled now (a rule `learn` writes, or a test's)."""
    return compile_spec(RuleSpec(raw, path, origin, pack))


def validate(path: str, doc: Any, proven: bool = False) -> None:
    """Schema validation, the first error turned into our wording with its position (`proven`:
    `_valid_per_kind` already said yes: only the checks the schema cannot make)."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    errors = () if proven or _valid_per_kind(doc) else (e for e in _validator(Draft202012Validator).iter_errors(doc) if not _spurious(doc, e))
    # the best of the first errors (they come in document order): a file with thousands of broken
    # rules is then refused in the time of its first few, not of all of them
    err = best_match(itertools.islice(errors, MAX_ERRORS_RANKED), key=_error_rank)
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


def _valid_per_kind(doc: Any) -> bool:
    """True when the schema surely accepts `doc`, checking each rule only against its own kind.

    The schema dispatches a rule's parameters with one `if kind == K then …` branch per kind, so
    the full validator tries every branch on every rule. A valid file is proven in a fraction of
    that by the file's top level alone and each rule against the one branch of its kind; anything
    else (False) goes to the full validator, which also words the error.
    """
    validators = _kind_validators()
    if validators is None or not isinstance(doc, Mapping) or not validators[""].is_valid(doc):
        return False
    for rule in doc.get("rules") or ():
        kind = rule.get("kind") if isinstance(rule, Mapping) else None
        check = validators.get(kind) if isinstance(kind, str) and kind else None
        if check is None or not check.is_valid(rule):
            return False
    return True


@cache
def _kind_validators() -> dict[str, Any] | None:
    """A validator of the file without its rules (""), and one per kind of a rule alone; None when
    the schema is not shaped as this expects (then every file takes the full validator)."""
    from jsonschema import Draft202012Validator

    root = schema()
    rules = root["properties"].get("rules", {})
    rule = root.get("$defs", {}).get("rule", {})
    if set(rules) - {"description", "type", "items", "examples"} or rules.get("items") != {"$ref": "#/$defs/rule"}:
        return None
    by_kind: dict[str, Any] = {}
    shared: list[Any] = []
    for branch in rule.get("allOf", ()):
        cond = branch.get("if", {}) if isinstance(branch, Mapping) else {}
        kind = cond.get("properties", {}).get("kind", {}).get("const") if set(cond) <= {"properties", "required"} else None
        if isinstance(kind, str) and set(branch) == {"if", "then"} and set(cond.get("properties", {})) == {"kind"}:
            by_kind[kind] = branch["then"]
        else:
            shared.append(branch)
    base = {k: v for k, v in root.items() if k in ("$schema", "$id", "$defs")}
    out = {"": Draft202012Validator({**root, "properties": {**root["properties"], "rules": {"type": "array"}}})}
    for kind, then in by_kind.items():
        alone = {k: v for k, v in rule.items() if k != "allOf"}
        out[kind] = Draft202012Validator({**base, **alone, "allOf": [*shared, then]})
    return out


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
        return f"{line}:{col}", f"{rule}{what}{did_you_mean(str(bad[0]), valid)} (valid: {', '.join(valid)})"
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
            f"{rule}{name} is {node!r}{did_you_mean(str(node), options)}; expected one of: {', '.join(options)}",
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


def did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    """` (did you mean 'X'?)` for the closest option, or nothing."""
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
