"""Where built-in packs and the schema live: the wheel's copy, or the checkout's rules/."""

from __future__ import annotations

import os

from agentops_hooks.errors import FatalError


def pack_dir() -> str:
    """The built-in packs: `agentops_hooks/_packs` in a wheel, `rules/` in a source checkout."""
    here = os.path.dirname(os.path.realpath(__file__))  # os.path, not pathlib: the hooks load this
    installed = os.path.join(here, "_packs")
    return installed if os.path.isdir(installed) else os.path.join(os.path.dirname(here), "rules")


def builtin_names() -> list[str]:
    """Names of the built-in packs (`builtin:NAME`)."""
    return sorted(name[: -len(".yaml")] for name in os.listdir(pack_dir()) if name.endswith(".yaml"))


def builtin_path(name: str) -> str:
    """The file of a built-in pack; an unknown name says which exist."""
    path = os.path.join(pack_dir(), f"{name}.yaml")
    if name not in builtin_names():  # also keeps `builtin:../../x` from reading files elsewhere
        raise FatalError(
            f"unknown built-in pack 'builtin:{name}' (available: {', '.join('builtin:' + n for n in builtin_names())})"
        )
    return path


def entry_point_path(name: str) -> str:
    """A pack an installed distribution declares under the `agentops_hooks.packs` entry points."""
    import importlib.resources
    from importlib.metadata import entry_points

    for ep in entry_points(group="agentops_hooks.packs"):
        if ep.name == name:
            module, _, attr = ep.value.partition(":")
            ref = importlib.resources.files(module).joinpath(attr or f"{name}.yaml")
            return str(ref)
    raise FatalError(
        f"no installed package declares the pack 'pkg:{name}' (pip install it, or add it to the hook's additional_dependencies)"
    )


def schema_text() -> str:
    """The JSON Schema as text."""
    import importlib.resources

    return importlib.resources.files("agentops_hooks.schema").joinpath("agentops.schema.json").read_text("utf-8")
