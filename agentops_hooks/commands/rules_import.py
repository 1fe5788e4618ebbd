"""`rules import FILE`: a gitleaks config as our rule file, a detect-secrets baseline as our baseline.

The kind of FILE is read from its content, never its name. What could not be carried over is
listed on stderr (and in the rule file's header), each with its rule id and why: exit 1 then,
0 when everything carried over.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any

from agentops_hooks import baseline, gitleaks, gitrepo
from agentops_hooks.boundary import say
from agentops_hooks.errors import ExitCode, FatalError
from agentops_hooks.gitleaks import Problem

MAX_BYTES = 16 << 20
UNTESTED = (
    "No examples: a gitleaks config carries none, so `agentops-check rules test` lists these rules as"
    " untested; add fail and pass cases (a real-looking key, a placeholder) before relying on them."
)


def run(file: str, output: str | None) -> int:
    """Convert FILE; exit 1 when something could not be carried over."""
    kind, doc = detect(file, read(file))
    name = os.path.basename(file)
    try:
        return _convert(kind, doc, name, output)
    except (AttributeError, TypeError, ValueError) as e:  # a value of the wrong shape: a table for a list, …
        raise FatalError(f"{file}: a {kind} file with a value of the wrong type ({e}); fix it and import again") from None


def _convert(kind: str, doc: dict[str, Any], name: str, output: str | None) -> int:
    if kind == "gitleaks":
        rules, problems, notes = gitleaks.convert(doc)
        text = render(rules, problems, notes, name)
        for note in notes:
            say(f"note: {note}")
        summary = f"{len(rules['rules'])} rules imported from gitleaks config {name}"
    else:
        head = _head()
        taken, problems = baseline.from_detect_secrets(doc, head, name)
        text = baseline.dumps(taken)
        summary = f"{len(taken.entries)} fingerprints imported from detect-secrets baseline {name}"
        say(f"note: a detect-secrets baseline names no commit: it acknowledges HEAD's history ({head[:12]})")
    _write(output, text)
    for p in problems:
        say(f"not carried over: {p.rule}: {p.why}")
    say(f"agentops: {summary}" + (f"; {len(problems)} not carried over" if problems else "; everything carried over"))
    return ExitCode.FINDINGS if problems else ExitCode.OK


def read(file: str) -> bytes:
    """The file's bytes, or one line saying why not."""
    try:
        with open(file, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise FatalError(f"{file}: cannot be read: {e.strerror or e}") from None
    if len(data) > MAX_BYTES:
        raise FatalError(f"{file}: larger than {MAX_BYTES >> 20} MB; not a config or baseline")
    return data


def detect(file: str, data: bytes) -> tuple[str, dict[str, Any]]:
    """("gitleaks" | "detect-secrets", the parsed document), by content; anything else is one line."""
    import tomllib

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    try:
        doc = json.loads(text)
        if isinstance(doc, dict) and "results" in doc and ("plugins_used" in doc or "version" in doc):
            return "detect-secrets", doc
    except ValueError:
        pass
    try:
        doc = tomllib.loads(text)
        if any(k in doc for k in ("rules", "allowlist", "allowlists", "extend")):
            return "gitleaks", doc
    except tomllib.TOMLDecodeError:
        pass
    raise FatalError(
        f"{file}: neither a gitleaks config (TOML with [[rules]], [allowlist] or [extend])"
        " nor a detect-secrets baseline (JSON with version, plugins_used and results)"
    )


def render(rules: dict[str, Any], problems: list[Problem], notes: list[str], name: str) -> str:
    """Our rule file as YAML, its header naming the source and what did not carry over."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096  # a long regex stays on one line
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    out = io.StringIO()
    yaml.dump(rules, out)
    header = [
        f"# Imported by `agentops-check rules import` from the gitleaks config {name}.",
        "# Every rule is a secret: exemptible: false, redact: true, severity error, factor XI.",
        *_wrap(UNTESTED),
        *(line for note in notes for line in _wrap(note)),
    ]
    if problems:
        header.append("# Not carried over:")
        header += [f"#   {p.rule}: {p.why}" for p in problems]
    return "\n".join(header) + "\n" + out.getvalue()


def _wrap(text: str, width: int = 98) -> list[str]:
    import textwrap

    return ["# " + line for line in textwrap.wrap(text, width)]


def _head() -> str:
    try:
        return gitrepo.resolve("HEAD")
    except FatalError:
        raise FatalError(
            "a detect-secrets baseline is imported inside the repository it is of (its HEAD is the baseline's commit)"
        ) from None


def _write(output: str | None, text: str) -> None:
    if output is None:
        import sys

        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        os.makedirs(os.path.dirname(output) or ".", exist_ok=True)
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise FatalError(f"{output}: cannot write: {e.strerror}") from None
