"""`added-pattern`'s secret fields: `secret-group`, `entropy`, `allow` and a rule file's pack-wide `allow:`.

What a user sees: `rules test` proving examples that use them, one error line (file:line:col, what
to write instead) for a bad value, and a finding that masks and fingerprints only the secret.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agentops_hooks import rulefile
from agentops_hooks.errors import RuleFileError
from agentops_hooks.hashing import sha256_hex
from agentops_hooks.kinds.diff import charset, entropy
from agentops_hooks.ruletest import findings
from tests.testing import run_cli, write

# built by concatenation: no scanner (ours included) sees a literal token in this file
TOKEN = "tok_" + "q8Rz2LmX7vKp4NwY9cTd"  # 20 characters after the prefix, high entropy
LOW = "tok_" + "aaaaaaaaaabbbbbbbbbb"  # the format, but two letters repeated: entropy 1.0
PLACEHOLDER = "tok_" + "EXAMPLEEXAMPLEEXAMPL"

RULES = f"""\
version: 1
allow:
  - '(?i)example'
rules:
  - id: acme-token
    kind: added-pattern
    description: Acme API tokens.
    message: "Acme token in {{path}}: {{match}}"
    severity: error
    redact: true
    keywords: [tok_]
    pattern: '(?i)acme[_-]?token\\s*=\\s*"?(?P<secret>tok_[A-Za-z0-9]{{20}})'
    entropy: {{alnum: 3.0, base64: 3.0}}
    allow: ['^tok_0+$']
    examples:
      fail:
        - files: [{{path: a.py, added: ['ACME_TOKEN = "{TOKEN}"']}}]
        - files: [{{path: .env, added: ['acme_token={TOKEN}']}}]
      pass:
        - files: [{{path: a.py, added: ['ACME_TOKEN = "{LOW}"']}}]
        - files: [{{path: a.py, added: ['ACME_TOKEN = "{PLACEHOLDER}"']}}]
        - files: [{{path: a.py, added: ['ACME_TOKEN = "tok_00000000000000000000"']}}]
  - id: acme-numbered
    kind: added-pattern
    description: The second group is the secret.
    message: "{{match}}"
    severity: error
    redact: true
    keywords: [acme]
    pattern: 'acme:(\\w+):(\\w{{20}})'
    secret-group: 2
    entropy: 3.0
    examples:
      fail:
        - files: [{{path: a.txt, added: ['acme:aaaa:q8Rz2LmX7vKp4NwY9cTd']}}]
        - files: [{{path: a.txt, added: ['acme:aaaa:Zp3kR9vQm2Lx7TnW4yBs']}}]
      pass:
        - files: [{{path: a.txt, added: ['acme:q8Rz2LmX7vKp4NwY9cTd:aaaaaaaaaaaaaaaaaaaa']}}]
        - files: [{{path: a.txt, added: ['acme:x:EXAMPLEq8Rz2LmX7vKp4']}}]
"""


@pytest.fixture(scope="module")
def rules() -> dict[str, object]:
    _, compiled = rulefile.load_rules("team.yaml", RULES)
    return {r.id: r for r in compiled}


def test_rules_test_proves_examples_that_use_the_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "team.yaml", RULES)

    proc = run_cli("rules", "test", str(path), cwd=tmp_path)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "9 examples proven, 0 failed" in proc.stdout


def test_a_case_the_fields_should_refuse_fails_rules_test(tmp_path: Path) -> None:
    """The pack-wide allow is what keeps the EXAMPLE token out: without it that pass example fails."""
    path = write(tmp_path / "team.yaml", RULES.replace("allow:\n  - '(?i)example'\n", "", 1))

    proc = run_cli("rules", "test", str(path), cwd=tmp_path)

    assert proc.returncode == 1
    assert "FAIL acme-token pass #2: expected no finding" in proc.stdout
    assert "FAIL acme-numbered pass #2: expected no finding" in proc.stdout


def test_a_finding_masks_and_fingerprints_only_the_secret(rules: dict[str, object]) -> None:
    (found,) = findings(rules["acme-token"], {"files": [{"path": "a.py", "added": [f'ACME_TOKEN = "{TOKEN}"']}]})  # type: ignore[arg-type]

    assert found.secret_digest == sha256_hex(TOKEN)
    assert found.match == f'ACME_TOKEN = "tok_…[sha256:{sha256_hex(TOKEN)[:8]}]'
    assert TOKEN[4:] not in found.message


def test_a_placeholder_first_on_the_line_does_not_hide_a_real_token_after_it(rules: dict[str, object]) -> None:
    line = f'acme:x:EXAMPLEEXAMPLEEXAMPL acme:y:{TOKEN[4:]}'

    (found,) = findings(rules["acme-numbered"], {"files": [{"path": "a.txt", "added": [line]}]})  # type: ignore[arg-type]

    assert found.secret_digest == sha256_hex(TOKEN[4:])


def test_entropy_and_charset() -> None:
    assert entropy("aaaa") == 0.0
    assert entropy("abcd") == 2.0
    assert (charset("deadBEEF09"), charset("abcxyz"), charset("ab+/=_-"), charset("a b")) == ("hex", "alnum", "base64", "any")


BAD = [
    (
        "unknown-group-name",
        "    secret-group: token\n",
        "13:19: rule 'acme-token': 'secret-group': the pattern has no group 'token' (its groups: secret)",
    ),
    ("group-number-too-high", "    secret-group: 3\n", "the pattern has no group 3 (its groups: secret)"),
    ("entropy-a-string", "    entropy: high\n", "13:14: rule 'acme-token': 'entropy'"),
    ("entropy-unknown-charset", "    entropy: {hexa: 3}\n", "unknown charset 'hexa' (did you mean 'hex'?)"),
    ("entropy-out-of-reach", "    entropy: {hex: 4.5}\n", "hex: 4.5 bits per character can never be reached"),
    ("allow-not-re2", "    allow: ['(a)\\1']\n", "13:12: rule 'acme-token': 'allow': pattern '(a)\\\\1' is not valid RE2"),
]


@pytest.mark.parametrize(("name", "extra", "expected"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_field_is_one_error_naming_file_line_and_fix(name: str, extra: str, expected: str) -> None:
    text = RULES.split("    entropy:")[0].rstrip("\n") + "\n" + extra
    with pytest.raises(RuleFileError) as e:
        rulefile.load_rules("team.yaml", text)
    assert expected in str(e.value), str(e.value)
    assert str(e.value).startswith("team.yaml:"), str(e.value)


def test_a_bad_pack_wide_allow_names_its_item() -> None:
    with pytest.raises(RuleFileError) as e:
        rulefile.load_rules("team.yaml", RULES.replace("'(?i)example'", "'(?i)example('", 1))
    assert str(e.value).startswith("team.yaml:3:5: 'allow' item 1: pattern '(?i)example(' is not valid RE2"), str(e.value)


def test_the_pack_wide_allow_reaches_the_rules_through_config(tmp_path: Path) -> None:
    """Loaded through `extends` (and again from the cache of validated files), the pack's allow still holds."""
    write(tmp_path / "team.yaml", RULES)
    write(tmp_path / ".agentops.yaml", "version: 1\nextends: [team.yaml]\n")
    for _ in range(2):
        proc = run_cli("rules", "test", cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
