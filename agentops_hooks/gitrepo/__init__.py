"""Every git call, in two layers (see `plumbing` and `objects`); callers use `gitrepo.<name>`.

- `plumbing`: `subprocess` for the hook paths and streamed history (`git log`, the staged diff,
  `cat-file`): GitPython's import alone costs more than a hook's whole budget;
- `objects`: GitPython's object model, imported lazily, for the commands where its cost is paid
  once. No GitPython object leaves the package: callers get our frozen values.
"""

from agentops_hooks.gitrepo.objects import *  # noqa: F403 - one namespace for callers
from agentops_hooks.gitrepo.objects import __all__ as _objects
from agentops_hooks.gitrepo.plumbing import *  # noqa: F403
from agentops_hooks.gitrepo.plumbing import __all__ as _plumbing

__all__ = [*_plumbing, *_objects]
