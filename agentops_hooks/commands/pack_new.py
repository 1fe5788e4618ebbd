"""`pack new NAME`: a rule pack as an installable distribution (Factor XII), ready to test and publish.

The skeleton declares its rule file under the `agentops_hooks.packs` entry points, so once it is
installed (`pip install .`, or pre-commit's `additional_dependencies`) a config extends
`pkg:NAME`. It holds one rule with examples, a test that proves them, and a README saying so
(docs/packs-authoring.md walks through it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from agentops_hooks import __version__
from agentops_hooks.errors import ExitCode, FatalError

NAME = re.compile(r"^[a-z][a-z0-9-]*$")

PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "agentops-pack-{name}"
version = "0.1.0"
description = "The {name} rule pack for agentops-hooks (extends: [pkg:{name}])."
requires-python = ">=3.11"
dependencies = ["agentops-hooks>={version}"]

[project.optional-dependencies]
test = ["pytest>=8"]

# agentops-hooks finds the pack here: `pkg:{name}` is {module}/{name}.yaml
[project.entry-points."agentops_hooks.packs"]
{name} = "{module}:{name}.yaml"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]
"""
RULES = """\
# yaml-language-server: $schema=https://raw.githubusercontent.com/agentops-hooks/agentops-hooks/main/agentops_hooks/schema/agentops.schema.json
# pkg:{name} — rules shared across repositories. Prove them with: agentops-check rules test src/{module}/{name}.yaml
version: 1
rules:
  - id: {name}-no-debugger
    kind: added-pattern
    factor: XII
    description: A debugger call left in the code stops the program wherever it runs.
    message: "debugger call in {{path}}:{{line}}: {{match}}"
    hint: Remove the breakpoint before committing.
    severity: error
    pattern: "\\\\b(breakpoint\\\\(\\\\)|pdb\\\\.set_trace\\\\(\\\\)|debugger;)"
    keywords: [breakpoint, set_trace, debugger]
    references:
      - https://github.com/boshu2/12-factor-agentops
    examples:
      fail:
        - files: [{{path: src/app.py, added: ["    breakpoint()"]}}]
        - files: [{{path: web/app.js, added: ["  debugger;"]}}]
      pass:
        - files: [{{path: src/app.py, added: ["    log.debug('no breakpoint here')"]}}]
        - files: [{{path: docs/debugging.md, added: ["Use a debugger, then remove it."]}}]
"""
INIT = '"""The {name} rule pack for agentops-hooks: the rules are in {name}.yaml."""\n'
TEST = """\
\"\"\"The pack's rules prove their examples, and agentops-hooks finds the pack as `pkg:{name}`.\"\"\"

import subprocess
import sys
from pathlib import Path

PACK = Path(__file__).resolve().parent.parent / "src" / "{module}" / "{name}.yaml"


def agentops(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run((sys.executable, "-m", "agentops_hooks", *args), capture_output=True, text=True)


def test_every_rule_proves_its_examples() -> None:
    proc = agentops("rules", "test", str(PACK))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_installed_pack_is_found_by_its_name(tmp_path: Path) -> None:
    config = tmp_path / ".agentops.yaml"
    config.write_text("version: 1\\nextends: [pkg:{name}]\\n")
    proc = agentops("rules", "list", "--config", str(config))
    assert proc.returncode == 0 and "{name}-no-debugger" in proc.stdout, proc.stdout + proc.stderr
"""
README = """\
# agentops-pack-{name}

Rules for [agentops-hooks](https://github.com/agentops-hooks/agentops-hooks), shared as a package.

```yaml
# .agentops.yaml
version: 1
extends: [builtin:core, pkg:{name}]
```

With pre-commit, add the package to the hook's `additional_dependencies`
(`agentops-pack-{name} @ git+https://…` or a released version).

Develop: `pip install -e '.[test]'`, then `agentops-check rules test src/{module}/{name}.yaml` and
`pytest`. Each rule needs `examples` that fail and pass; `rules test` proves them.
"""


def skeleton(name: str) -> dict[str, str]:
    """The files of the distribution, by path relative to its folder."""
    module = "agentops_pack_" + name.replace("-", "_")
    fill = {"name": name, "module": module, "version": __version__}
    return {
        "pyproject.toml": PYPROJECT.format(**fill),
        "README.md": README.format(**fill),
        f"src/{module}/__init__.py": INIT.format(**fill),
        f"src/{module}/{name}.yaml": RULES.format(**fill),
        "tests/test_pack.py": TEST.format(**fill),
    }


def run(name: str, directory: str | None, echo: Callable[[str], None]) -> int:
    """Write the skeleton into `directory` (default: ./agentops-pack-NAME), refusing to overwrite."""
    if not NAME.match(name):
        raise FatalError(f"pack name {name!r}: lower-case letters, digits and '-', starting with a letter")
    root = directory or f"agentops-pack-{name}"
    files = skeleton(name)
    taken = [p for p in files if os.path.exists(os.path.join(root, p))]
    if taken:
        raise FatalError(f"{os.path.join(root, taken[0])} exists: choose another --dir, or remove it first")
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        echo(f"pack new: wrote {full}")
    echo(f"pack new: next: pip install -e '{root}[test]', then extends: [pkg:{name}] (docs/packs-authoring.md)")
    return ExitCode.OK
