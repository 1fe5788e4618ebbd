"""Opening a run: the repository, its effective config, agent signatures and the ignore file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from agentops_hooks import agents, config, exemptions, gitrepo, rulefile
from agentops_hooks.approvals import DEFAULT, Approvals, SignedBook
from agentops_hooks.errors import FatalError, RuleFileError
from agentops_hooks.names import IGNORE_FILE
from agentops_hooks.values import field, frozen, replace


@frozen
class Context:
    """The repository and effective configuration a check runs with."""

    repo: gitrepo.RepoInfo
    config: config.Config
    signatures: tuple[agents.Signature, ...]
    inline_allow: bool = True
    ignored: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    approvals: Approvals = DEFAULT  # who may approve, and how (approvals.py)
    allowed_signers: bytes = b""  # `approvals: signed`: read from where the config came from (ci: the base)

    def policy(self, today: str = "") -> exemptions.Policy:
        """What may waive findings in this run."""
        return exemptions.Policy(today, self.inline_allow, self.ignored, self.approvals)

    def judging(self, revs: list[str]) -> Context:
        """The context for judging a range: under `approvals: signed`, approvals are looked up in it."""
        if not self.approvals.signed or self.approvals.book is not None:
            return self
        book = SignedBook(revs, self.allowed_signers, self.repo.toplevel)
        return replace(self, approvals=replace(self.approvals, book=book))


def open_context(
    config_path: str | None,
    environ: Mapping[str, str],
    trust_cache: bool = True,
    inline_allow: bool = True,
    rules_rev: str | None = None,
) -> Context:
    """Find the repository and load its config (from `rules_rev` when given, as `ci` does)."""
    repo = gitrepo.repo_info()
    source = config.Revision(rules_rev, repo.toplevel) if rules_rev else config.WorkTree(repo.toplevel)
    path = config.find(repo.toplevel, config_path, environ, source)
    cfg = config.load(path, trust_cache and rules_rev is None, repo.toplevel, source=source)
    sigs = signatures(cfg.agents)
    approvals = Approvals(sigs, cfg.approvers, cfg.signed_approvals)
    return Context(
        repo, cfg, sigs, inline_allow, _ignore_file(repo.toplevel, source), approvals, _signers(repo, cfg, source)
    )


def _signers(repo: gitrepo.RepoInfo, cfg: config.Config, source: config.WorkTree) -> bytes:
    """The allowed-signers file the config names, from the same place as the config (ci: the base tree)."""
    name = cfg.allowed_signers
    if not cfg.signed_approvals or not name:
        return b""
    rel = os.path.normpath(name)
    if os.path.isabs(rel) or rel.startswith(".."):
        raise RuleFileError(f"{cfg.path}: allowed-signers '{name}' must be a file inside the repository")
    try:
        return source.read(os.path.join(repo.toplevel, rel))
    except OSError as e:
        raise RuleFileError(f"{cfg.path}: allowed-signers '{name}' cannot be read: {e.strerror or e}") from None


MAX_IGNORE_BYTES = 4 << 20  # some 50,000 waived commits


def _ignore_file(toplevel: str, source: config.WorkTree) -> dict[str, dict[str, str]]:
    """The waived commits; a symlink, folder or submodule there is a RuleFileError (it could waive anything)."""
    try:
        data = source.read(os.path.join(toplevel, IGNORE_FILE), MAX_IGNORE_BYTES)
    except OSError:
        return {}
    if len(data) > MAX_IGNORE_BYTES:
        raise FatalError(f"{IGNORE_FILE}: larger than {MAX_IGNORE_BYTES >> 20} MB; ignore files are at most {MAX_IGNORE_BYTES >> 20} MB")
    return exemptions.parse_ignore_file(data.decode("utf-8", "replace"))


def signatures(settings: Mapping[str, Any]) -> tuple[agents.Signature, ...]:
    """Built-in signatures (unless turned off) and the config's own."""
    extra = tuple(
        agents.Signature(
            s["agent"],
            s["where"],
            rulefile.regex(s["pattern"], f"agents.signatures '{s['agent']}'"),
            s.get("verdict", "ai"),
            True,
            s.get("key", "").lower() if s["where"] == "trailer" else s.get("key", ""),
            role=s.get("role", ""),
        )
        for s in settings.get("signatures") or ()
    )
    builtin = agents.BUILTIN if settings.get("builtin-signatures", True) else ()
    return (*builtin, *extra)


def environ() -> Mapping[str, str]:
    """The process environment (read here, never in the core)."""
    return os.environ
