"""Benchmark: recall and false-positive rate of the secrets packs on a labelled corpus of documented token formats.

The corpus (benchmarks/secrets_corpus/*.yaml, one file per part) lists providers, each with the
templates of its documented token formats (`ghp_{alnum:36}`), an optional context, and hand-written
lines that must (`true`) or must not (`false`) be found. Each template is expanded with a seeded
RNG into several tokens, each shown in several contexts (a Python assignment, .env, JSON, YAML, a
shell export, a header); placeholders are derived from each template (its random parts as x, X, 0,
EXAMPLE…, or the whole token as <your-token>) and must not be found. Templates are expanded in the
hand-written lines too, so no corpus file holds a literal token.

Each case is one synthetic added file, judged in-process by engine.check, the path the staged hook
takes, against `builtin:secrets` and, separately, `builtin:secrets` + `builtin:secrets-generic`.

Run: .venv/bin/python benchmarks/secrets_recall.py [--corpus DIR] [--parts core,saas] [--seed N] [--worst 15]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shlex
import string
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "secrets_corpus"
PACK_SETS = {
    "secrets": ["builtin:secrets"],
    "secrets+generic": ["builtin:secrets", "builtin:secrets-generic"],
}
CHARSETS = {
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "digits": string.digits,
    "lower": string.ascii_lowercase,
    "upper": string.ascii_uppercase,
    "alpha": string.ascii_letters,
    "alnum": string.ascii_letters + string.digits,
    "alnumlower": string.ascii_lowercase + string.digits,
    "b64": string.ascii_letters + string.digits + "+/",
    "b64url": string.ascii_letters + string.digits + "-_",
}
FIELD = re.compile(r"\{(" + "|".join(CHARSETS) + r"):(\d+)(?:-(\d+))?\}")
# how a token appears when the provider names no context: (file, line); {NAME} is the provider's
CONTEXTS = (
    ("app/settings.py", '{NAME}_TOKEN = "{}"'),
    ("deploy/app.env.txt", "{NAME}_TOKEN={}"),
    ("config/app.json", '  "{name}_token": "{}",'),
    ("config/app.yaml", "  {name}_token: {}"),
    ("ci/deploy.sh", "export {NAME}_TOKEN={}"),
    ("scripts/call.sh", "curl -H 'Authorization: Bearer {}' https://api.example.com/v1/me"),
)
SAMPLES = 3  # tokens drawn per template
PLACEHOLDERS = ("x", "X", "0", "EXAMPLE", "<your-token>")


@dataclass
class Case:
    """One labelled line: the part and provider it belongs to, the file it is added to, whether it must be found."""

    part: str
    provider: str
    path: str
    line: str
    secret: bool


@dataclass
class Tally:
    """Found / total, for true and for false cases."""

    found: int = 0
    cases: int = 0
    flagged: int = 0
    negatives: int = 0
    missed: list[str] = field(default_factory=list)
    false_hits: list[str] = field(default_factory=list)

    def add(self, case: Case, found: bool) -> None:
        if case.secret:
            self.cases += 1
            self.found += found
            if not found:
                self.missed.append(case.line)
        else:
            self.negatives += 1
            self.flagged += found
            if found:
                self.false_hits.append(case.line)

    @property
    def recall(self) -> float:
        return self.found / self.cases if self.cases else 1.0

    @property
    def fpr(self) -> float:
        return self.flagged / self.negatives if self.negatives else 0.0


def expand(template: str, rng: random.Random) -> str:
    """A template with each `{charset:N}` / `{charset:N-M}` field drawn from the RNG."""

    def draw(m: re.Match[str]) -> str:
        low = int(m.group(2))
        n = rng.randint(low, int(m.group(3))) if m.group(3) else low
        return "".join(rng.choice(CHARSETS[m.group(1)]) for _ in range(n))

    return FIELD.sub(draw, template)


def placeholder(template: str, kind: str) -> str:
    """The template with its random parts as a placeholder (x, X, 0, EXAMPLE padded with X), or <your-token>."""
    if kind == "<your-token>":
        return kind

    def fill(m: re.Match[str]) -> str:
        n = int(m.group(2))
        if kind == "EXAMPLE":
            return ("EXAMPLE" + "X" * n)[:n] if n >= 7 else "X" * n
        return kind * n

    return FIELD.sub(fill, template)


def _names(provider: str) -> dict[str, str]:
    base = re.sub(r"[^A-Za-z0-9]+", "_", provider).strip("_")
    return {"NAME": base.upper(), "name": base.lower()}


def _contexts(entry: dict[str, Any]) -> list[tuple[str, str]]:
    given = entry.get("context")
    if given:
        return [("config/settings.txt", given)]
    return list(CONTEXTS)


def _place(line: str, token: str, names: dict[str, str]) -> str:
    return line.replace("{NAME}", names["NAME"]).replace("{name}", names["name"]).replace("{}", token)


def cases(part: str, entry: dict[str, Any], rng: random.Random) -> Iterator[Case]:
    """The labelled lines of one provider entry."""
    provider = str(entry["provider"])
    names = _names(provider)
    contexts = _contexts(entry)
    samples = max(SAMPLES, -(-12 // max(1, len(entry.get("tokens") or ()) * len(contexts))))
    for template in entry.get("tokens") or ():
        for _ in range(samples):
            for path, context in contexts:
                yield Case(part, provider, path, _place(context, expand(template, rng), names), True)
        for j, kind in enumerate(PLACEHOLDERS):
            path, context = contexts[j % len(contexts)]
            yield Case(part, provider, path, _place(context, placeholder(template, kind), names), False)
    for label in (True, False):  # YAML reads the keys `true:` and `false:` as booleans
        for line in entry.get(label) or entry.get(str(label).lower()) or ():
            yield Case(part, provider, "src/notes.txt", expand(str(line), rng), label)


def load_corpus(folder: Path, parts: Sequence[str] | None, seed: int) -> list[Case]:
    """Every case of the chosen parts (all when None), expanded with the seed."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    out: list[Case] = []
    for path in sorted(folder.glob("*.yaml")):
        if parts and path.stem not in parts:
            continue
        doc = yaml.load(path.read_text("utf-8")) or {}
        rng = random.Random(f"{seed}:{path.stem}")
        for entry in doc.get("providers") or ():
            out.extend(cases(path.stem, entry, rng))
    return out


def load_rules(extends: Sequence[str]) -> tuple[Any, ...]:
    """The rules of the packs, loaded as a config that extends them."""
    from agentops_hooks import config

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"version: 1\nextends: [{', '.join(extends)}]\n")
        return config.load(path, trust_cache=False).rules


def found(rules: Sequence[Any], case: Case) -> bool:
    """Whether the rules report the case's line, added in its own file (the staged hook's engine path)."""
    from agentops_hooks import engine, message
    from agentops_hooks.model import AgentVerdict, Commit, FileChange, patch_of

    commit = Commit(None, message.parse("chore: bench\n"), (FileChange("A", case.path, patch=patch_of([case.line])),))
    result = engine.check(rules, commit, AgentVerdict())
    return any(f.line == 1 for f in result.findings)


def score(rules: Sequence[Any], corpus: Sequence[Case]) -> dict[tuple[str, str], Tally]:
    """Per (part, provider), the tally of the corpus's cases."""
    tallies: dict[tuple[str, str], Tally] = {}
    for case in corpus:
        tallies.setdefault((case.part, case.provider), Tally()).add(case, found(rules, case))
    return tallies


def by_part(tallies: dict[tuple[str, str], Tally]) -> dict[str, Tally]:
    """The tallies summed per part, and over all parts as `all`."""
    out: dict[str, Tally] = {}
    for (part, _), t in tallies.items():
        for key in (part, "all"):
            s = out.setdefault(key, Tally())
            s.found += t.found
            s.cases += t.cases
            s.flagged += t.flagged
            s.negatives += t.negatives
    return out


def report(name: str, tallies: dict[tuple[str, str], Tally], worst: int) -> list[str]:
    """The lines printed for one pack set."""
    lines = [f"== {name}", f"{'part':10} {'providers':>9} {'true':>6} {'false':>6} {'recall':>7} {'FPR':>6}"]
    parts = by_part(tallies)
    for part, t in sorted(parts.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        n = len({p for (pt, p) in tallies if part in ("all", pt)})
        lines.append(f"{part:10} {n:9d} {t.cases:6d} {t.negatives:6d} {t.recall:7.3f} {t.fpr:6.3f}")
    ranked = sorted(tallies.items(), key=lambda kv: (kv[1].recall - kv[1].fpr, kv[0]))[:worst]
    lines.append(f"worst {len(ranked)} providers (recall - FPR):")
    for (part, provider), t in ranked:
        example = f"  missed e.g. {t.missed[0]!r}" if t.missed else ""
        example += f"  flagged e.g. {t.false_hits[0]!r}" if t.false_hits else ""
        lines.append(
            f"  {provider[:28]:28} {part:6} found {t.found}/{t.cases}  flagged {t.flagged}/{t.negatives}{example[:160]}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of <part>.yaml files")
    parser.add_argument("--parts", help="comma-separated parts (default: every file in the corpus)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--worst", type=int, default=15)
    parser.add_argument("--packs", default=",".join(PACK_SETS), help=f"pack sets to score ({', '.join(PACK_SETS)})")
    args = parser.parse_args(argv)
    shown = " ".join(shlex.quote(a) for a in (sys.argv[:1] if argv is None else ["secrets_recall.py"]))
    print(f"command: {shown} {' '.join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))}".rstrip())
    corpus = load_corpus(args.corpus, args.parts.split(",") if args.parts else None, args.seed)
    print(f"corpus: {len(corpus)} cases ({sum(c.secret for c in corpus)} true, {sum(not c.secret for c in corpus)} false)")
    for name in args.packs.split(","):
        rules = load_rules(PACK_SETS[name])
        print("\n".join(report(f"{name} ({len(rules)} rules)", score(rules, corpus), args.worst)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
