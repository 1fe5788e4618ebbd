"""Rule cases as data: each `tests/cases/*.yaml` names rules (inline or a pack), commits, and the
findings a user would see; this one test runs them all in-process through the real loader and engine.

A case file:

    rules: |                 # a rule file's text; or `pack: builtin:NAME`
      version: 1
      rules: [...]
    cases:
      - name: what it shows
        verdict: ai          # who made the commits (default: human)
        config-files: [.agentops.yaml]   # what `{config-files}` stands for (optional)
        commits:
          - message: "feat: a"
            author: Dana Dev <dana@example.com>      # optional
            files:
              - {path: src/a.py, status: M, added: ["print(1)"], removed: [], binary: false, size: 10}
        expect:              # in order; `N:` names the commit when there are several
          - "src/a.py:1: no-print print in src/a.py (warning)"

A finding is shown as `PATH:LINE:`, `PATH:`, `msg:LINE:` (a message finding) or `range C,C:`
(a range finding and the numbers of the commits it names), then the rule id, the message and the
severity, `, waived` when an exemption waives it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from agentops_hooks import config, engine, exemptions, message, packs
from agentops_hooks.kinds import KINDS
from agentops_hooks.model import AgentVerdict, Commit, Finding, Person, Rule
from agentops_hooks.ruletest import case_files

CASES = Path(__file__).parent / "cases"


def _files() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def _cases() -> list[Any]:
    yaml = YAML(typ="safe")
    return [
        pytest.param(doc, case, id=f"{path.stem}: {case['name']}")
        for path in _files()
        for doc in [yaml.load(path.read_text("utf-8"))]
        for case in doc["cases"]
    ]


def _rules(doc: dict[str, Any], tmp_path: Path) -> tuple[Rule, ...]:
    if "pack" in doc:
        name = doc["pack"].removeprefix("builtin:")
        return config.load(packs.builtin_path(name), trust_cache=False, pack=doc["pack"]).rules
    path = tmp_path / "rules.yaml"
    path.write_text(doc["rules"], "utf-8")
    return config.load(str(path), trust_cache=False).rules


def _person(text: str) -> Person:
    name, _, email = text.partition(" <")
    return Person(name, email.rstrip(">"), "2026-01-01T00:00:00+00:00")


def _commit(n: int, spec: dict[str, Any]) -> Commit:
    files = case_files(spec, status="M")
    author = _person(spec.get("author", "Dana Dev <dana@example.com>"))
    text = spec["message"] if spec["message"].endswith("\n") else spec["message"] + "\n"
    return Commit(f"{n:07d}".ljust(40, "0"), message.parse(text), files, author, author, source="range")


def _shown(f: Finding, numbers: dict[str, int]) -> str:
    if f.commits:
        where = "range " + ",".join(str(numbers[sha]) for sha in f.commits)
    elif f.path is None:
        where = f"msg:{f.line}" if f.line else "-"
    else:
        where = f"{f.path}:{f.line}" if f.line else f.path
    return f"{where}: {f.rule_id} {f.message} ({f.severity}{', waived' if f.waived else ''})"


@pytest.mark.parametrize(("doc", "case"), _cases())
def test_rule_case(doc: dict[str, Any], case: dict[str, Any], tmp_path: Path) -> None:
    rules = _rules(doc, tmp_path)
    verdict = AgentVerdict(case.get("verdict", "human"))
    commits = [_commit(n, c) for n, c in enumerate(case["commits"], start=1)]
    numbers = {c.sha or "": n for n, c in enumerate(commits, start=1)}
    run, seen = engine.RangeRun(rules), []
    for n, c in enumerate(commits, start=1):
        result = engine.check(rules, c, verdict, config_files=case.get("config-files", ()), policy=exemptions.Policy())
        prefix = f"{n}: " if len(commits) > 1 else ""
        seen += [prefix + _shown(f, numbers) for f in result.findings]
        seen += [_shown(f, numbers) for f, _ in run.add(engine.summarize(result))]
    seen += [_shown(f, numbers) for f, _ in run.end()]
    assert seen == case["expect"]


def test_every_kind_has_cases_that_fail_and_pass() -> None:
    yaml = YAML(typ="safe")
    failing, passing = set(), set()
    for path in _files():
        doc = yaml.load(path.read_text("utf-8"))
        kinds = {r["kind"] for r in yaml.load(doc["rules"])["rules"]} if "rules" in doc else set()
        for case in doc["cases"]:
            (failing if case["expect"] else passing).update(kinds)
    assert failing == set(KINDS) and passing == set(KINDS)
