"""Every git call, in three modules (see `plumbing`, `trees` and `objects`); callers use `gitrepo.<name>`.

- `plumbing`: `subprocess` for the hook paths and streamed history (`git log`, the staged diff,
  `cat-file`): GitPython's import alone costs more than a hook's whole budget;
- `trees`: a revision's files (mode and blob) through `git ls-tree` and `git cat-file`, for `ci`;
- `objects`: GitPython's object model, imported lazily, for the commands where its cost is paid
  once. No GitPython object leaves the package: callers get our frozen values. The module itself
  is imported on the first `gitrepo.<name>` it defines (a commit hook never asks one).
"""

from typing import TYPE_CHECKING, Any

from agentops_hooks.gitrepo.plumbing import *  # noqa: F403 - one namespace for callers
from agentops_hooks.gitrepo.plumbing import __all__ as _plumbing
from agentops_hooks.gitrepo.trees import *  # noqa: F403
from agentops_hooks.gitrepo.trees import __all__ as _trees

if TYPE_CHECKING:
    from agentops_hooks.gitrepo.objects import *  # noqa: F403

OBJECTS = (  # objects.__all__ (tests/gitrepo_test.py checks they agree)
    *("opened", "merge_base", "remote_url", "commit", "HookSetup", "hook_setup", "has_revision"),
    *("trailer_commits", "ssh_signers"),
)
__all__ = [*_plumbing, *_trees, *OBJECTS]


def __getattr__(name: str) -> Any:
    if name in OBJECTS:
        from agentops_hooks.gitrepo import objects

        return getattr(objects, name)
    raise AttributeError(f"module 'agentops_hooks.gitrepo' has no attribute {name!r}")
