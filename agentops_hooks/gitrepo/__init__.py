"""Every git call, in three modules (see `plumbing`, `trees` and `objects`); callers use `gitrepo.<name>`.

- `plumbing`: `subprocess` for the hook paths and streamed history (`git log`, the staged diff,
  `cat-file`): GitPython's import alone costs more than a hook's whole budget;
- `trees`: a revision's files (mode and blob) through `git ls-tree` and `git cat-file`, for `ci`;
- `objects`: GitPython's object model, imported lazily, for the commands where its cost is paid
  once. No GitPython object leaves the package: callers get our frozen values.
"""

from agentops_hooks.gitrepo.objects import *  # noqa: F403 - one namespace for callers
from agentops_hooks.gitrepo.objects import __all__ as _objects
from agentops_hooks.gitrepo.plumbing import *  # noqa: F403
from agentops_hooks.gitrepo.plumbing import __all__ as _plumbing
from agentops_hooks.gitrepo.trees import *  # noqa: F403
from agentops_hooks.gitrepo.trees import __all__ as _trees

__all__ = [*_plumbing, *_trees, *_objects]
