"""How many subjects of a real history `conventional-subject` flags, by problem, with a sample to check by hand.

    python benchmarks/conventional_subjects.py [REPO] [--sample N]

REPO defaults to a clone of the pip corpus (`git clone -q shared/corpus/pypa__pip.bundle`); every
commit's first line is judged as `builtin:core`'s `conventional-subject` judges it (merges included:
git's own `Merge …` subjects are the ones it must leave alone).
"""

from __future__ import annotations

import collections
import random
import re
import subprocess
import sys

from agentops_hooks.engine import SKIP_MESSAGE_RULES as SKIPPED
from agentops_hooks.kinds.message import GENERATED, conventional_problems


def subjects(repo: str) -> list[str]:
    out = subprocess.run(["git", "-C", repo, "log", "--format=%B%x00"], capture_output=True, check=True).stdout
    return [m.decode("utf-8", "replace").split("\n", 1)[0] for m in out.split(b"\0\n") if m.strip()]


# commitlint's default header parse (`@commitlint/config-conventional`'s headerPattern) and default ignores
COMMITLINT_HEADER = re.compile(r"^(\w*)(?:\((.*)\))?!?: (.*)$")
COMMITLINT_IGNORED = re.compile(
    r"^(?:Merge pull request|Merge (?:.*?) into (?:.*?)|Merge branch|Merge tag|Merge remote-tracking branch"
    r"|Automatic merge|Auto-merged|[Rr]evert|(?:amend|fixup|squash)!|Merged (?:.*?)(?:in|into) |Merged PR)"
)


def commitlint_passes(subject: str) -> bool:
    """Whether commitlint's parser finds a type and a subject (`type-empty`, `subject-empty`), or ignores the commit."""
    m = COMMITLINT_HEADER.match(subject)
    return bool(COMMITLINT_IGNORED.match(subject)) or bool(m and m.group(1) and m.group(3).strip())


def _kind(problem: str) -> str:
    """A problem without the subject's own words: `type 'x' must be …` counts once."""
    return re.sub(r"'[^']*'", "'…'", problem.split(";")[0].split(" (")[0])


def main(argv: list[str]) -> int:
    repo = argv[0] if argv and not argv[0].startswith("--") else "/tmp/corpus-f/pip"
    sample = int(argv[argv.index("--sample") + 1]) if "--sample" in argv else 20
    found = subjects(repo)
    flagged = [(s, p[0]) for s in found if not s.startswith(SKIPPED) and (p := list(conventional_problems(s)))]
    by_problem = collections.Counter(_kind(p) for _, p in flagged)
    skipped = sum(1 for s in found if GENERATED.match(s))
    print(f"{len(found)} subjects, {len(flagged)} flagged ({100 * len(flagged) / max(len(found), 1):.1f}%),"
          f" {skipped} left alone as git's own (Merge/Revert/Reapply)")
    for problem, n in by_problem.most_common():
        print(f"  {n:6}  {problem}")
    ours = {s for s, _ in flagged}
    differ = [(s, s not in ours) for s in found if (s not in ours) != commitlint_passes(s) and not s.startswith(SKIPPED)]
    print(f"\ndisagreements with commitlint's header parse and default ignores: {len(differ)}")
    for s, we_pass in differ[:sample]:
        print(f"  {'we pass' if we_pass else 'we flag'}: {s!r}")
    rng = random.Random(17)
    print(f"\n{sample} flagged, at random (seed 17):")
    for s, p in rng.sample(flagged, min(sample, len(flagged))):
        print(f"  {s!r}\n      -> {p}")
    passed = sorted(set(found) - ours)
    print(f"\n{sample} passed, at random (seed 17):")
    for s in rng.sample(passed, min(sample, len(passed))):
        print(f"  {s!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
