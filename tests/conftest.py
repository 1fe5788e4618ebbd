"""Fixtures: a fresh git repository per test, with no user config or agent marker leaking in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.testing import clean_env, git


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.chdir(repo)
    for key in list(os.environ):
        if key not in clean_env():
            monkeypatch.delenv(key)
    for key, value in clean_env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    git("init", "-q", "-b", "main")
    return repo


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the whole session: each hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")
