"""`pack new NAME`: the skeleton is an installable distribution whose pack loads as `pkg:NAME`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.testing import run_cli


def test_the_skeleton_installs_and_its_pack_loads_by_name(tmp_path: Path) -> None:
    proc = run_cli("pack", "new", "team-rules", "--dir", str(tmp_path / "dist"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"pack new: wrote {tmp_path / 'dist' / 'pyproject.toml'}" in proc.stdout
    pack = tmp_path / "dist" / "src" / "agentops_pack_team_rules" / "team-rules.yaml"
    assert run_cli("rules", "test", str(pack)).stdout.strip() == (
        "rules test: 4 examples proven, 0 failed, 0 rules untested (1 rule)"
    )
    # installed as pip would install it (offline: the build backend is the test environment's hatchling)
    site = tmp_path / "site"
    pip = (sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index")
    subprocess.run((*pip, "--target", str(site), str(tmp_path / "dist")), check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    (tmp_path / "cfg.yaml").write_text("version: 1\nextends: [pkg:team-rules]\n")
    listed = subprocess.run(
        (sys.executable, "-m", "agentops_hooks", "rules", "list", "--config", str(tmp_path / "cfg.yaml")),
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert listed.stdout.split()[:2] == ["team-rules-no-debugger", "pkg:team-rules"], listed.stderr
    own = subprocess.run(  # the skeleton's own test passes against the installed pack
        (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / "dist" / "tests")),
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert own.returncode == 0, own.stdout


def test_pack_new_refuses_a_bad_name_and_an_existing_folder(tmp_path: Path) -> None:
    bad = run_cli("pack", "new", "Team_Rules", cwd=tmp_path)
    assert bad.returncode == 3 and "lower-case letters, digits and '-'" in bad.stderr
    assert run_cli("pack", "new", "mine", cwd=tmp_path).returncode == 0
    again = run_cli("pack", "new", "mine", cwd=tmp_path)
    assert again.returncode == 3 and "agentops-pack-mine/pyproject.toml exists" in again.stderr
