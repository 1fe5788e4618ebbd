"""How many of a history's files each line rule's keywords select: the rules whose prefilter does not filter.

A rule's `keywords` decide which files its pattern is searched in (engine.KeywordIndex). A keyword
that most files hold (`KEY`, `SK`, `:`) makes the rule's regex run on most of a history's text.
This walks a history as `range` does (the repository's effective config, its line rules, each
commit's files on the side each rule reads) and prints per rule how many files and how many bytes
of lines its keywords select (in the files its `paths` select), and which of its keywords did the selecting, most selective last.

    .venv/bin/python benchmarks/keyword_selectivity.py [--repo /tmp/corpus/pip] [--top 30] [--rev HEAD]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from agentops_hooks import engine, sources  # noqa: E402
from agentops_hooks.context import environ, open_context  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", default="/tmp/corpus/pip")
    ap.add_argument("--rev", default="HEAD")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    os.chdir(args.repo)
    ctx = open_context(None, environ())
    rules = [r for r in ctx.config.checking if r.kind in engine.LINE_KINDS and r.param("keywords")]
    files_of: Counter[str] = Counter()
    bytes_of: Counter[str] = Counter()
    words_of: dict[str, Counter[str]] = {r.id: Counter() for r in rules}
    index = engine.KeywordIndex(rules)
    words = engine._keyword_set(index.words)
    by_id = {id(r): r for r in rules}
    total_files = total_bytes = 0
    for commit in sources.history([args.rev], ctx.config.include_merges):
        for f in commit.files:
            if f.binary:  # the secrets rules read binaries too, but their lines are rarely text
                continue
            total_files += 1
            for removed in (False, True):
                texts = list(f.texts(removed))
                size = sum(map(len, texts))
                total_bytes += 0 if removed else size
                held = {i for t in texts for i in words.Match(t) or ()}
                chosen: dict[str, set[str]] = {}
                for i in held:
                    for rid in index.rules_of[i]:
                        r = by_id[rid]
                        if (r.kind == "removed-pattern") == removed and r.selects(f.path):
                            chosen.setdefault(r.id, set()).add(index.words[i][0])
                for rule_id, ws in chosen.items():
                    files_of[rule_id] += 1
                    bytes_of[rule_id] += size
                    words_of[rule_id].update(ws)
    print(f"{total_files:,} text files, {total_bytes / 1e6:,.1f} MB of added lines, {len(rules)} keyword rules")
    print(f"{'rule':42} {'files':>8} {'share':>7} {'MB':>8}  keywords that selected (files)")
    for rule_id, n in files_of.most_common(args.top):
        words = ", ".join(f"{w!r} {c:,}" for w, c in words_of[rule_id].most_common(4))
        print(f"{rule_id:42} {n:8,} {n / total_files:6.1%} {bytes_of[rule_id] / 1e6:8.1f}  {words}")
    print(f"files selected by some rule, summed over rules: {sum(files_of.values()):,}; MB searched: "
          f"{sum(bytes_of.values()) / 1e6:,.1f}")


if __name__ == "__main__":
    main()
