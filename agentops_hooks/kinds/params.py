"""What a kind's parameter is: its name, its default, and what the loader compiles it into.

Each kind module declares its parameters beside its check, as yamllint's rules do; the loader
(`rulespec.compile_rule`) is a loop over the declaration, the schema's per-kind properties are
tested against it, and a check reads `rule.param(name)` (the default when the rule does not set
it) or the compiled value (`rule.compiled.regex(name)`, `.globs(name)`, ...).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from agentops_hooks.values import frozen


class Form(enum.Enum):
    """What a parameter is compiled into at load time (the order is the order of compiling)."""

    REGEX = 1  # one RE2 pattern (search semantics)
    LINE_REGEX = 2  # REGEX, and the same pattern over a file's lines joined (`(?m)`), as `<name>-text`
    KEYWORDS = 3  # literals → one RE2 alternation, in any case unless `keywords-case: exact` (a prefilter)
    ANY_OF = 4  # patterns, each proven on its own, → one RE2 alternation (search semantics)
    FULL_REGEXES = 5  # patterns, each matching a whole text in any case
    REGEX_MAP = 6  # key → pattern; keys compared in lower case
    GLOBS = 7  # gitignore-style globs (`{config-files}` is left to the engine)
    DATA = 8  # kept as written


@frozen
class Param:
    """One parameter of a kind: its name as rule files spell it, its default, its compiled form.

    A default is shared by every rule that leaves the parameter out: checks only read it.
    `check(value, compiled, where)` proves what the schema cannot (a group the pattern has, an
    entropy a charset can reach) once the rule's patterns are compiled, and raises RuleFileError."""

    name: str
    default: Any = None
    form: Form = Form.DATA
    check: Callable[[Any, Any, str], None] | None = None
