"""Who may approve what an agent cannot waive itself: a person, an approver, and under `approvals: signed` a signature.

One check serves exemption trailers (`exemptions.py`) and protected paths (`kinds/paths.py`):
`Approved-by: Name <email>` counts when it names a person (not an agent identity, not a bot),
not the commit's author where that matters, and one of the config's `approvers` when it names
some. In an agent's commit the trailer is a line the agent typed: it is shown as an "unverified
approval" unless `approvals: signed` found the approver's signed `AgentOps-Approve:` commit.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence

from agentops_hooks import agents
from agentops_hooks.agents.signatures import app_slug, name_of
from agentops_hooks.model import Commit
from agentops_hooks.values import frozen

APPROVE = "AgentOps-Approve"  # in the approver's signed commit: `AgentOps-Approve: <sha> <rule-id>`
_APPROVE_VALUE = re.compile(r"^(?P<sha>[0-9a-f]{7,40})\s+(?P<rule>[a-z0-9][a-z0-9-]*)\s*$")
# bot forms: `[bot]` anywhere; a local part that is `bot` or ends in `-bot`, `_bot`, `.bot`, `+bot`
# (so `abbot@` and `talbot@` stay people); a no-reply mailbox; a display name whose last word is `Bot`
_BOT_LOCAL = re.compile(r"(?i)(?:^|[-_.+])bots?$|^(?:no-?reply|do-?not-?reply)$")
_BOT_NAME = re.compile(r"(?i)(?:^|[\s_.-])bot$")


def not_a_person(value: str, signatures: Iterable[agents.Signature] = agents.BUILTIN) -> str | None:
    """Why `Name <email>` cannot approve as a person (a phrase after the value); None when it can."""
    email = agents.email_of(value)
    if "@" not in email:
        return "names no email address"
    if "[bot]" in value.lower() or app_slug(email) is not None:
        return "is a bot, not a person"
    if agents.is_agent_identity(value, signatures):
        return "is an agent identity, not a person"
    if _BOT_LOCAL.search(email.rsplit("@", 1)[0]) or _BOT_NAME.search(name_of(value)):
        return "is a bot, not a person"
    return None


@frozen
class Outcome:
    """An approval that holds (`problem` None, `note` says by whom and how far it is proven), or why none does."""

    problem: str | None
    note: str = ""


class SignedBook:
    """The signed approvals in the range judged: `AgentOps-Approve:` trailers of commits an allowed key signed.

    Read once, on the first question: one `git log` finds the commits that carry the trailer, and
    `git verify-commit` checks each against the allowed-signers file; the principal it reports is
    the signer (a good signature by any allowed key is not enough).
    """

    def __init__(self, revs: Sequence[str], allowed_signers: bytes, cwd: str | None = None) -> None:
        self.revs, self.allowed_signers, self.cwd = tuple(revs), allowed_signers, cwd
        self._found: list[tuple[str, str, str, str]] | None = None  # (approval sha, signer, sha approved, rule)

    def find(self, sha: str, rule_id: str, email: str) -> str | None:
        """The approval commit by `email` that approves `rule_id` on `sha`; None when there is none."""
        email = email.lower()
        for approval, signer, target, rule in self._approvals():
            if signer == email and rule == rule_id and sha.startswith(target):
                return approval
        return None

    def _approvals(self) -> list[tuple[str, str, str, str]]:
        if self._found is None:
            self._found = list(self._read())
        return self._found

    def _read(self) -> Iterable[tuple[str, str, str, str]]:
        from agentops_hooks import gitrepo

        candidates = gitrepo.trailer_commits(self.revs, APPROVE, self.cwd)
        if not candidates:
            return
        signers = gitrepo.ssh_signers([sha for sha, _ in candidates], self.allowed_signers, self.cwd)
        for sha, values in candidates:
            signer = signers.get(sha)
            if signer is None:
                continue
            for value in values:
                if m := _APPROVE_VALUE.match(value.strip().lower()):
                    yield sha, signer.lower(), m.group("sha"), m.group("rule")


@frozen
class Approvals:
    """Who may approve in this run, and how an agent commit's approval is proven.

    `book` is None where no range is judged (the commit hooks: the commit has no sha yet, so no
    signed approval can name it); there an agent's approval stays unverified, and `range`/`ci`
    make it binding.
    """

    signatures: tuple[agents.Signature, ...] = agents.BUILTIN
    approvers: tuple[str, ...] = ()  # emails or globs; empty: any person
    signed: bool = False
    book: SignedBook | None = None  # compared by identity: each range judged has its own
    agent: bool = False  # set for the kinds that read an approval (engine.with_approvals): the commit's verdict

    def judge(
        self, values: Sequence[str], key: str, commit: Commit, rule_id: str, agent: bool, not_author: bool
    ) -> Outcome:
        """Whether one of the approval trailer's values holds for `rule_id` on this commit."""
        why = []
        for value in values:
            refused = self._refused(value, commit, not_author)
            if refused is None and not agent:
                return Outcome(None, f"approved by {value}")
            if refused is None:
                proof = self._proof(value, commit, rule_id)
                if proof.problem is None:
                    return proof
                refused = proof.problem
            why.append(f"'{key}: {value}' {refused}")
        return Outcome("; ".join(why) or f"the commit has no '{key}:' trailer naming a person")

    def _refused(self, value: str, commit: Commit, not_author: bool) -> str | None:
        email = agents.email_of(value).lower()
        refused = not_a_person(value, self.signatures)
        if refused is None and not_author and email == commit.author.email.lower():
            return "is the author of the commit: its own author cannot approve it"
        if refused is None and self.approvers and not any(_glob(email, g) for g in self.approvers):
            return f"is not an approver (approvers: {', '.join(self.approvers)})"
        return refused

    def _proof(self, value: str, commit: Commit, rule_id: str) -> Outcome:
        if not self.signed:
            return Outcome(None, f"approved by {value} (unverified approval: a line in the agent's own commit)")
        if self.book is None or not commit.sha:
            return Outcome(None, f"approved by {value} (unverified approval until range and ci find it signed)")
        email = agents.email_of(value)
        found = self.book.find(commit.sha, rule_id, email)
        if found is not None:
            return Outcome(None, f"approved by {value} (signed approval {found[:12]})")
        return Outcome(
            f"has no signed approval (approvals: signed): {email} must sign a commit in the range"
            f" carrying '{APPROVE}: {commit.sha[:12]} {rule_id}'"
        )


def _glob(email: str, pattern: str) -> bool:
    """An approver: an email or a glob of emails (`*` and `?`; brackets are literal), case-insensitive."""
    pattern = pattern.lower().replace("[", "\0").replace("]", "[]]").replace("\0", "[[]")
    return fnmatch.fnmatchcase(email, pattern)


DEFAULT = Approvals()
