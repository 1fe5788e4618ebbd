"""The wheel pre-commit installs holds every pack and the schema; the manifest is valid."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from agentops_hooks.hashing import digest
from tests.testing import ROOT


def test_wheel_contains_packs_and_schema(tmp_path: Path) -> None:
    subprocess.run(
        (sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)),
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("agentops_hooks-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    packs = sorted(p.name for p in (ROOT / "rules").glob("*.yaml"))
    assert {"core.yaml", "secrets.yaml", "python.yaml", "javascript.yaml", "strict.yaml"} <= set(packs)
    wheel_file = zipfile.ZipFile(wheel)
    for pack in packs:
        assert f"agentops_hooks/_packs/{pack}" in names
        # the prebuilt data ships too, made from exactly the YAML the wheel holds (else every hook validates it)
        name = pack.removesuffix(".yaml")
        assert f"agentops_hooks/prebuilt/{name}.examples" in names
        head = json.loads(wheel_file.read(f"agentops_hooks/prebuilt/{name}.json").split(b"\n", 1)[0])
        assert head["source"] == digest(wheel_file.read(f"agentops_hooks/_packs/{pack}"))
    assert "agentops_hooks/schema/agentops.schema.json" in names
    # the packs' globs ship translated (else every run imports pathspec to translate them)
    shipped = json.loads(wheel_file.read("agentops_hooks/prebuilt/globs.json"))["globs"]
    assert shipped == json.loads((ROOT / "agentops_hooks" / "prebuilt" / "globs.json").read_text("utf-8"))["globs"]
    assert "**/*secret*.yaml" in shipped
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "agentops-check = agentops_hooks.entry:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    build_info: dict[str, str] = {}  # the commit it was built from: init's default rev, for a wheel
    exec(zipfile.ZipFile(wheel).read("agentops_hooks/_build_info.py").decode(), build_info)
    head = subprocess.run(("git", "-C", str(ROOT), "rev-parse", "HEAD"), capture_output=True, text=True).stdout.strip()
    assert build_info["COMMIT"] == head


def test_manifest_is_valid() -> None:
    proc = subprocess.run(
        (sys.executable, "-m", "pre_commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")),
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
