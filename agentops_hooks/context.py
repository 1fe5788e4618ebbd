"""Opening a run: the repository, its effective config, agent signatures and the ignore file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from agentops_hooks import agents, config, exemptions, gitrepo, rulefile
from agentops_hooks.errors import FatalError
from agentops_hooks.names import IGNORE_FILE
from agentops_hooks.values import field, frozen


@frozen
class Context:
    """The repository and effective configuration a check runs with."""

    repo: gitrepo.RepoInfo
    config: config.Config
    signatures: tuple[agents.Signature, ...]
    inline_allow: bool = True
    ignored: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def policy(self, today: str = "") -> exemptions.Policy:
        """What may waive findings in this run."""
        sigs = self.signatures
        return exemptions.Policy(today, self.inline_allow, self.ignored, lambda v: agents.is_agent_identity(v, sigs))


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
    return Context(repo, cfg, signatures(cfg.agents), inline_allow, _ignore_file(repo.toplevel, source))


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
        )
        for s in settings.get("signatures") or ()
    )
    builtin = agents.BUILTIN if settings.get("builtin-signatures", True) else ()
    return (*builtin, *extra)


def environ() -> Mapping[str, str]:
    """The process environment (read here, never in the core)."""
    return os.environ
