"""Baselines: today's findings of a history as fingerprints, so a team adopts the packs without first
rewriting years of history.

A fingerprint is (rule, path, digest): the digest is `sha256:` of the secret an added-pattern
matched (`Finding.secret_digest`), else of rule, path and message; never the value. A detect-secrets
import keeps its `sha1:` of the secret. A finding is *acknowledged* when its fingerprint is in the
baseline AND its commit is in the baseline's history (the commit it was taken at, or an ancestor):
the same secret added again by a new commit is refused, so a baseline is never an exemption of a
non-exemptible rule. `range` reads `.agentops-baseline.json` from the work tree, `ci` from the base.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from agentops_hooks import gitrepo
from agentops_hooks.configfiles import WorkTree
from agentops_hooks.errors import FatalError, GitError
from agentops_hooks.hashing import sha256_hex
from agentops_hooks.model import Checked, CommitResult, Finding, RangeFindings, Rule, Waiver
from agentops_hooks.names import BASELINE_FILE
from agentops_hooks.values import field, frozen, replace

FORMAT = 1
ANY_SECRET = "*"  # an entry for any secrets rule (a detect-secrets type we cannot name)
MAX_BYTES = 64 << 20
ACKNOWLEDGED = "acknowledged{}: already in history at the baseline"


@frozen
class Entry:
    """One fingerprint of a baseline."""

    rule: str
    path: str
    digest: str  # "sha256:<hex>" or "sha1:<hex>" (detect-secrets)
    commit: str = ""
    first_seen: str = ""


@frozen
class Baseline:
    """The fingerprints and the commit whose history they acknowledge."""

    commit: str
    entries: tuple[Entry, ...] = ()
    source: str = "agentops-check baseline"
    path: str = field(default=BASELINE_FILE, compare=False)


def digest(f: Finding) -> str:
    """A finding's fingerprint digest: of its secret, else of rule, path and message."""
    if f.secret_digest:
        return f"sha256:{f.secret_digest}"
    return "sha256:" + sha256_hex(f"{f.rule_id}\0{f.path or ''}\0{f.message}")


def take(results: Iterable[Checked], commit: str) -> Baseline:
    """The baseline of a judged history: every unwaived finding once, at the oldest commit that has it."""
    seen: dict[tuple[str, str, str], Entry] = {}
    for result in results:
        if isinstance(result, RangeFindings):
            found = [(f, f.commits[0] if f.commits else "", "") for f in result.findings]
        else:
            date = result.commit.committer.date or result.commit.author.date
            found = [(f, result.commit.sha or "", date) for f in result.findings]
        for f, sha, date in found:
            if f.waived is None:
                key = (f.rule_id, f.path or "", digest(f))
                seen.setdefault(key, Entry(*key, commit=sha, first_seen=date))
    return Baseline(commit, tuple(sorted(seen.values(), key=lambda e: (e.path, e.rule, e.digest))))


def dumps(baseline: Baseline) -> str:
    """The baseline as deterministic, sorted JSON (no value, no clock: the same history gives the same bytes)."""
    doc = {
        "version": FORMAT,
        "source": baseline.source,
        "commit": baseline.commit,
        "findings": [
            {"rule": e.rule, "path": e.path, "digest": e.digest, "commit": e.commit, "first-seen": e.first_seen}
            for e in baseline.entries
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def loads(data: bytes, where: str) -> Baseline:
    """A baseline file's fingerprints; anything malformed is one line naming the file (exit 3), never ignored."""
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("version") != FORMAT:
            raise ValueError(f"not an agentops baseline of version {FORMAT}")
        commit = doc["commit"]
        if not isinstance(commit, str) or not commit:
            raise ValueError("'commit' must name the commit the baseline was taken at")
        entries = tuple(_entry(e) for e in doc["findings"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        reason = f"missing {e}" if isinstance(e, KeyError) else str(e).splitlines()[0]
        raise FatalError(f"{where}: not a valid baseline ({reason}); retake it with `agentops-check baseline`") from None
    return Baseline(commit, entries, str(doc.get("source", "")), where)


def _entry(e: Mapping[str, Any]) -> Entry:
    for key in ("rule", "path", "digest"):
        if not isinstance(e[key], str):
            raise ValueError(f"finding {key!r} must be a string")
    if not e["digest"].startswith(("sha256:", "sha1:")):
        raise ValueError(f"digest {e['digest'][:20]!r} is neither sha256: nor sha1:")
    return Entry(e["rule"], e["path"], e["digest"], str(e.get("commit", "")), str(e.get("first-seen", "")))


def read(source: WorkTree, toplevel: str) -> Baseline | None:
    """The repository's baseline from `source` (configfiles.WorkTree, or Revision: the base in `ci`); None without one."""
    import os

    path = os.path.join(toplevel, BASELINE_FILE)
    if not source.exists(path):
        return None
    try:
        data = source.read(path, MAX_BYTES)
    except OSError as e:
        raise FatalError(f"{BASELINE_FILE}: cannot be read: {e.strerror or e}") from None
    if len(data) > MAX_BYTES:
        raise FatalError(f"{BASELINE_FILE}: larger than {MAX_BYTES >> 20} MB")
    return loads(data, BASELINE_FILE)


class Acknowledger:
    """Marks the findings a baseline acknowledges: fingerprint known, commit in the baseline's history."""

    def __init__(self, baseline: Baseline, rules: Iterable[Rule]) -> None:
        self.baseline = baseline
        self.history = _history(baseline.commit)
        self.secret_rules = {r.id: r for r in rules if r.redact}
        self.sha256 = {(e.rule, e.path, e.digest) for e in baseline.entries if e.digest.startswith("sha256:")}
        self.sha1: dict[tuple[str, str], set[str]] = {}
        for e in baseline.entries:
            if e.digest.startswith("sha1:"):
                self.sha1.setdefault((e.rule, e.path), set()).add(e.digest[5:])
        at = f"{baseline.commit[:12]} ({baseline.path})"
        self.waivers = {secret: Waiver("baseline", ACKNOWLEDGED.format(", rotate" if secret else "") + f" {at}") for secret in (True, False)}

    def stream(self, results: Iterable[Checked]) -> Iterator[Checked]:
        """The same results, each acknowledged finding waived by the baseline."""
        for result in results:
            if isinstance(result, RangeFindings):
                yield replace(result, findings=tuple(self._mark(f, f.commits) for f in result.findings))
            elif result.findings and result.commit.sha in self.history:
                sha = result.commit.sha
                yield replace(result, findings=tuple(self._mark(f, (sha,), result) for f in result.findings))
            else:
                yield result

    def _mark(self, f: Finding, commits: Iterable[str], result: CommitResult | None = None) -> Finding:
        if f.waived is not None or not commits or any(c not in self.history for c in commits):
            return f
        path = f.path or ""
        if (f.rule_id, path, digest(f)) in self.sha256 or (result is not None and self._sha1_known(f, result)):
            secret = f.secret_digest is not None or f.rule_id in self.secret_rules
            return replace(f, waived=self.waivers[secret])  # a secret stays leaked: rotate it
        return f

    def _sha1_known(self, f: Finding, result: CommitResult) -> bool:
        """A detect-secrets fingerprint (SHA-1 of its secret): the finding's line re-read and its secret hashed."""
        rule = self.secret_rules.get(f.rule_id)
        if rule is None or f.path is None or f.line is None:
            return False
        known = self.sha1.get((f.rule_id, f.path), set()) | self.sha1.get((ANY_SECRET, f.path), set())
        if not known or result.commit.sha is None:
            return False
        found = list(_secrets_on_line(rule, result.commit.sha, f.path, f.line))
        values = {*found, *(v.strip("'\"") for v in found)}  # detect-secrets may have kept or dropped quotes
        return any(sha1_hex(value) in known for value in values)


def sha1_hex(text: str) -> str:
    """SHA-1 hex of text as UTF-8: what detect-secrets stores as `hashed_secret`."""
    import hashlib

    return hashlib.sha1(text.encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()


def _secrets_on_line(rule: Rule, sha: str, path: str, number: int) -> Iterator[str]:
    """The candidate secrets of the rule's matches on one line of the file at the commit: the match and its groups."""
    data = gitrepo.file_at(sha, path)
    lines = (data or b"").decode("utf-8", "surrogateescape").splitlines()
    if not 0 < number <= len(lines):
        return
    pattern = rule.compiled.regex("pattern")
    found: Any = None if pattern is None else pattern.search(lines[number - 1])
    if found is not None:  # the match and each group: detect-secrets may have hashed either
        yield found.group()
        yield from (g for g in found.groups() if g)


def _history(commit: str) -> frozenset[str]:
    """The baseline's commit and its ancestors: one `git rev-list`."""
    try:
        out = gitrepo.git("rev-list", gitrepo.resolve(commit), "--")
    except GitError:
        raise FatalError(
            f"{BASELINE_FILE}: its commit {commit[:12]} is not in this clone; fetch the whole history, or retake it"
        ) from None
    return frozenset(out.decode().split())


def acknowledge(results: Iterable[Checked], baseline: Baseline | None, rules: Iterable[Rule]) -> Iterable[Checked]:
    """The results with what the baseline acknowledges waived (unchanged without a baseline)."""
    return results if baseline is None else Acknowledger(baseline, rules).stream(results)


# detect-secrets' secret types (its plugins' `secret_type`) that name one of our rules; the rest: any secrets rule
DETECT_SECRETS_TYPES = {
    "AWS Access Key": ("aws-access-key-id", "aws-secret-access-key"),
    "Azure Storage Account access key": ("azure-storage-key",),
    "Discord Bot Token": ("discord-bot-token",),
    "GitHub Token": ("github-token",),
    "GitLab Token": ("gitlab-token",),
    "JSON Web Token": ("jwt",),
    "NPM tokens": ("npm-token",),
    "OpenAI Token": ("openai-api-key",),
    "Private Key": ("private-key",),
    "PyPI Token": ("pypi-token",),
    "SendGrid API Key": ("sendgrid-api-key",),
    "Slack Token": ("slack-token",),
    "Stripe Access Key": ("stripe-key",),
    "Telegram Bot Token": ("telegram-bot-token",),
    "Twilio API Key": ("twilio-api-key",),
}


def from_detect_secrets(doc: Mapping[str, Any], head: str, name: str) -> tuple[Baseline, list[Any]]:
    """A detect-secrets baseline's results as our fingerprints (`sha1:` of the secret), at `head`."""
    from agentops_hooks.gitleaks import Problem

    problems: list[Problem] = []
    entries: set[Entry] = set()
    results = doc.get("results")
    if not isinstance(results, dict):
        return Baseline(head, (), f"detect-secrets {name}"), [Problem("results", "not a mapping of file to secrets")]
    for filename, secrets in results.items():
        for i, s in enumerate(secrets if isinstance(secrets, list) else ()):
            hashed = str(s.get("hashed_secret", "")) if isinstance(s, dict) else ""
            if len(hashed) != 40 or any(c not in "0123456789abcdef" for c in hashed.lower()):
                problems.append(Problem(f"{filename}[{i}]", "no hashed_secret (SHA-1 hex): nothing to fingerprint"))
                continue
            for rule in DETECT_SECRETS_TYPES.get(str(s.get("type", "")), (ANY_SECRET,)):
                entries.add(Entry(rule, str(s.get("filename") or filename), f"sha1:{hashed.lower()}"))
    ordered = tuple(sorted(entries, key=lambda e: (e.path, e.rule, e.digest)))
    return Baseline(head, ordered, f"detect-secrets {name}"), problems
