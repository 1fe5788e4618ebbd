"""benchmarks/secrets_recall.py on a small corpus written here: recall and FPR are computed, and a miss counts."""

from __future__ import annotations

import random
from pathlib import Path
from types import ModuleType

import pytest

from tests.testing import benchmark_module, write

CORPUS = """\
providers:
  - provider: GitHub
    source: https://github.blog/
    tokens: ['ghp_{alnum:36}']
    true: ['token: gho_{alnum:36}']
    false: ['Classic tokens start with ghp_.']
  - provider: Unknown vendor
    source: https://vendor.example.com/docs
    tokens: ['zq9v{alnum:30}']
    context: 'the vendor key is {} here'
"""


@pytest.fixture(scope="module")
def recall() -> ModuleType:
    return benchmark_module("secrets_recall")


def test_templates_expand_and_placeholders_come_from_them(recall: ModuleType) -> None:
    token = recall.expand("ghp_{alnum:36}", random.Random(1))
    assert token.startswith("ghp_") and len(token) == 40 and token[4:].isalnum()
    assert len(recall.expand("k{hex:20-40}", random.Random(2))) in range(21, 42)
    assert recall.placeholder("ghp_{alnum:36}", "x") == "ghp_" + "x" * 36
    assert recall.placeholder("ghp_{alnum:36}", "EXAMPLE") == "ghp_EXAMPLE" + "X" * 29
    assert recall.placeholder("ghp_{alnum:36}", "<your-token>") == "<your-token>"


def test_the_harness_prints_recall_and_fpr_and_counts_a_miss(
    recall: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "mini.yaml", CORPUS)

    assert recall.main(["--corpus", str(tmp_path), "--packs", "secrets", "--worst", "2"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"command: secrets_recall.py --corpus {tmp_path} --packs secrets --worst 2"
    # GitHub: 3 tokens x 6 contexts + 1 hand-written line, all found; the unknown vendor's 12 all missed
    assert out[1] == "corpus: 42 cases (31 true, 11 false)"
    assert "mini               2     31     11   0.613  0.000" in out
    assert any(line.startswith("  Unknown vendor               mini   found 0/12") and "missed e.g." in line for line in out)
