"""Names the whole package spells the same way: the files it reads, the agent runtimes it serves."""

from __future__ import annotations

CONFIG_FILE = ".agentops.yaml"  # the repository's configuration
IGNORE_FILE = ".agentops-ignore"  # commits a team has waived, one per line
BASELINE_FILE = ".agentops-baseline.json"  # fingerprints of findings already in history (baseline.py)
RUNTIMES = ("claude", "codex", "gemini", "cursor", "copilot")  # agent runtimes whose hook protocols we speak
# the git config a commit hook reads, in one `git config` run (sources.settings)
GIT_SETTINGS = (
    "commit.cleanup",
    "core.commentchar",
    "core.commentstring",
    "user.name",
    "user.email",
    "author.name",
    "author.email",
    "committer.name",
    "committer.email",
)
