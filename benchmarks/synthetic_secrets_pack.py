"""A synthetic rule file of N secrets rules shaped like the provider packs, to time the hooks at that size.

Each rule has its own literal prefix as its keyword and a pattern of the providers' form
(`\\b(?P<secret>PREFIX[A-Za-z0-9]{32})\\b`, an entropy minimum and an allow list), so the
prefilter and the per-rule work scale as a real pack of N formats would.

Run: .venv/bin/python benchmarks/synthetic_secrets_pack.py OUT.yaml [--rules 154]
then e.g. AGENTOPS_CONFIG=OUT.yaml .venv/bin/python benchmarks/staged_vs_detect_secrets.py
(OUT.yaml extends builtin:core and builtin:secrets, so 154 makes the 180 rules of the grown pack).
"""

from __future__ import annotations

import argparse
import random
import string

RULE = """\
  - id: synthetic-{n}
    kind: added-pattern
    factor: XI
    description: A synthetic provider token ({prefix}).
    message: "synthetic token {n} in {{path}}: {{match}}"
    severity: error
    exemptible: false
    redact: true
    keywords: ["{prefix}"]
    pattern: '\\b(?P<secret>{prefix}[A-Za-z0-9]{{32}})\\b'
    entropy: 3.0
    allow: ['(?i)example|x{{8,}}']
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rules", type=int, default=154)
    args = parser.parse_args()
    rng = random.Random(16)
    prefixes: set[str] = set()
    while len(prefixes) < args.rules:
        prefixes.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 5))) + rng.choice("_-"))
    body = "".join(RULE.format(n=n, prefix=p) for n, p in enumerate(sorted(prefixes)))
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(f"version: 1\nextends: [builtin:core, builtin:secrets]\nrules:\n{body}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
