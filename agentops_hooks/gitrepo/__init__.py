"""Every git call, in two layers (see `plumbing` and `objects`); callers use `gitrepo.<name>`.

- `plumbing`: `subprocess` for the hook paths and streamed history (`git log`, the staged diff,
  `cat-file`): GitPython's import alone costs more than a hook's whole budget;
- `objects`: GitPython's object model, imported lazily, for the commands where its cost is paid
  once. No GitPython object leaves the package: callers get our frozen values. The module itself
  is imported on the first `gitrepo.<name>` it defines (a commit hook never asks one).
"""

from typing import TYPE_CHECKING, Any

from agentops_hooks.gitrepo.plumbing import *  # noqa: F403 - one namespace for callers
from agentops_hooks.gitrepo.plumbing import __all__ as _plumbing

if TYPE_CHECKING:
    from agentops_hooks.gitrepo.objects import *  # noqa: F403

OBJECTS = (  # objects.__all__ (tests/gitrepo_test.py checks they agree)
    *("SYMLINK", "GITLINK", "TREE", "Entry", "opened", "entry_at", "file_at", "merge_base", "remote_url", "commit"),
    *("HookSetup", "hook_setup", "has_revision", "trailer_commits", "ssh_signers"),
)
__all__ = [*_plumbing, *OBJECTS]


def __getattr__(name: str) -> Any:
    if name in OBJECTS:
        from agentops_hooks.gitrepo import objects

        return getattr(objects, name)
    raise AttributeError(f"module 'agentops_hooks.gitrepo' has no attribute {name!r}")
