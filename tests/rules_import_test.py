"""`agentops-check rules import`: a team's gitleaks config and detect-secrets baseline, in our formats."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.testing import AWS_KEY, commit, run_cli, write

# A gitleaks v8 config in its documented format (README "Configuration"): [extend], a global
# allowlist, rules with secretGroup / entropy / keywords / path, per-rule allowlists of each kind.
GITLEAKS = """\
title = "acme gitleaks config"

[extend]
useDefault = true

[allowlist]
description = "global allow list"
paths = ['''(.*?)(jpg|gif|pdf)$''', '''node_modules''']
stopwords = ["placeholder"]

[[rules]]
id = "acme-api-key"
description = "Acme API key"
regex = '''(?i)acme[_-]?key\\s*[:=]\\s*["']?(acme_[a-z0-9]{32})["']?'''
secretGroup = 1
entropy = 3.0
keywords = ["acme"]
tags = ["key", "acme"]

  [[rules.allowlists]]
  description = "test fixtures"
  paths = ['''^tests/fixtures/''']

  [[rules.allowlists]]
  description = "known fakes"
  regexTarget = "secret"
  regexes = ['''^acme_0+$''']
  stopwords = ["dummy"]

  [[rules.allowlists]]
  description = "only in legacy code"
  condition = "AND"
  paths = ['''legacy/''']
  regexes = ['''old''']

  [[rules.allowlists]]
  commits = ["4d0a5e1c0f0a7c3b9a1f2e3d4c5b6a7980f1e2d3"]

[[rules]]
id = "Acme_Session"
description = "Acme session token"
regex = '''ass_[A-Za-z0-9]{24}'''
keywords = ["ass_"]
  [rules.allowlist]
  regexTarget = "line"
  regexes = ['''notsecret''']

[[rules]]
id = "acme-keystore"
description = "Acme keystore file"
path = '''\\.acmekeys$'''

[[rules]]
id = "lookaround"
regex = '''(?<=token=)[a-f0-9]{40}'''
"""
REAL = "acme_" + "q8x2mv7rt5kz9wpl3nd6bh4yc1fj0ags"  # a real-looking key in the format, split from scanners
CONFIG = "version: 1\nextends: [builtin:secrets, .agentops/gitleaks.yaml]\n"  # as the note says


def test_gitleaks_config_imports_reports_what_did_not_carry_and_judges_a_repository(git_repo: Path) -> None:
    write("gitleaks.toml", GITLEAKS)

    proc = run_cli("rules", "import", "gitleaks.toml", "-o", ".agentops/gitleaks.yaml")

    assert proc.returncode == 1  # something did not carry over
    assert proc.stderr.splitlines() == [
        "note: [extend] useDefault: list builtin:secrets in your config's extends beside this file"
        " (our secrets pack stands for gitleaks' default rules)",
        "not carried over: acme-api-key: allowlist 3: condition AND over paths, regexes: our allow and excludes each hold alone",
        "not carried over: acme-api-key: allowlist 4: commits allowlist (1): use the baseline instead",
        "not carried over: Acme_Session: allowlist 1: regexTarget line: our allow patterns are searched in the secret",
        "not carried over: lookaround: regex is not RE2: invalid perl operator: (?<= (RE2 has no backreferences or look-around)",
        "agentops: 3 rules imported from gitleaks config gitleaks.toml; 4 not carried over",
    ]
    text = Path(".agentops/gitleaks.yaml").read_text()
    assert text.startswith("# Imported by `agentops-check rules import` from the gitleaks config gitleaks.toml.\n")
    assert "#   acme-api-key: allowlist 4: commits allowlist (1)" in text
    assert run_cli("rules", "validate", ".agentops/gitleaks.yaml").returncode == 0
    tested = run_cli("rules", "test", ".agentops/gitleaks.yaml")
    assert tested.returncode == 0 and "warning: gitleaks-acme-api-key: untested" in tested.stdout

    listed = run_cli("rules", "show", "gitleaks-acme-api-key", "--config", ".agentops/gitleaks.yaml")
    assert listed.returncode == 0, listed.stderr

    bare = text.replace("(?i)placeholder", "(?i)none-such").replace("(?i)dummy", "(?i)none-such")
    base = commit(
        "chore: imported rules",
        (".agentops.yaml", CONFIG),
        (".agentops/gitleaks.yaml", text),
        (".agentops/bare.yaml", bare),  # the same rules without the stopwords: the placeholders are found
    )
    placeholders = commit(
        "docs: examples",
        (  # below the entropy minimum; a stopword of the rule's allowlist; a stopword of the global one
            "docs/setup.md",
            "ACME_KEY=acme_00000000000000000000000000000000\n"
            "ACME_KEY=acme_dummyq8x2mv7rt5kz9wpl3nd6bh4yc1f\n"
            "acme_key: acme_placeholderq8x2mv7rt5kz9wpl3nd6b\n",
        ),
        ("tests/fixtures/env", f"ACME_KEY={REAL}\n"),
        ("web/node_modules/acme/index.js", f"acme_key: '{REAL}'\n"),
        ("store.acmekeys.txt", "not the keystore\n"),
    )
    clean = run_cli("range", f"{base}..{placeholders}")
    assert clean.returncode == 0, clean.stdout
    bare_run = run_cli("range", f"{base}..{placeholders}", "--config", ".agentops/bare.yaml")
    assert bare_run.returncode == 1
    assert [ln.split(" ")[0] for ln in bare_run.stdout.splitlines() if "gitleaks-acme-api-key" in ln] == [
        "docs/setup.md:2:",
        "docs/setup.md:3:",
    ]

    leak = commit(
        "feat: connect to acme",
        ("app/settings.py", f'ACME_KEY = "{REAL}"\nsession = "ass_' + "Zq81LmXv02KsPw93NcRt57Ya" + '"\n'),
        ("deploy/prod.acmekeys", "binary-ish\n"),
    )
    refused = run_cli("range", f"{placeholders}..{leak}")
    assert refused.returncode == 1
    lines = refused.stdout.splitlines()
    prefix = 'app/settings.py:1: gitleaks-acme-api-key Acme API key in app/settings.py: ACME_KEY = "acme…[sha256:'
    assert any(ln.startswith(prefix) for ln in lines)  # only the secret group is masked
    assert any(ln.startswith("app/settings.py:2: gitleaks-acme-session ") for ln in lines)
    assert any(ln.startswith("deploy/prod.acmekeys: gitleaks-acme-keystore ") for ln in lines)
    assert REAL not in refused.stdout


def test_a_config_that_carries_over_whole_is_exit_0(git_repo: Path) -> None:
    write("g.toml", "[[rules]]\nid = 'x-token'\ndescription = 'X token'\nregex = '''xtk_[a-z0-9]{20}'''\nkeywords = ['xtk_']\n")

    proc = run_cli("rules", "import", "g.toml")

    assert proc.returncode == 0
    assert proc.stderr == "agentops: 1 rules imported from gitleaks config g.toml; everything carried over\n"
    assert "- id: gitleaks-x-token\n" in proc.stdout and "  exemptible: false\n" in proc.stdout


def test_an_unknown_or_unreadable_file_is_one_line_and_exit_3(git_repo: Path) -> None:
    write("notes.toml", "[tool.black]\nline-length = 100\n")

    unknown = run_cli("rules", "import", "notes.toml")
    missing = run_cli("rules", "import", "absent.toml")

    assert unknown.returncode == 3 and len(unknown.stderr.splitlines()) == 1
    assert unknown.stderr.startswith("agentops-check: notes.toml: neither a gitleaks config")
    assert missing.returncode == 3
    assert missing.stderr == "agentops-check: absent.toml: cannot be read: No such file or directory\n"
    assert run_cli("rules", "import").returncode == 2

    write("shape.toml", "[[rules]]\nid = 'x'\nregex = 'x_[0-9]{8}'\nkeywords = 'x_'\n")
    shape = run_cli("rules", "import", "shape.toml")
    assert shape.returncode == 3
    assert shape.stderr == (
        "agentops-check: shape.toml: a gitleaks file with a value of the wrong type"
        " (keywords must be a list of strings); fix it and import again\n"
    )


def detect_secrets_baseline(results: dict[str, list[dict[str, object]]]) -> str:
    """A detect-secrets baseline in its documented format (`detect-secrets scan > .secrets.baseline`)."""
    return json.dumps(
        {
            "version": "1.5.0",
            "plugins_used": [{"name": "AWSKeyDetector"}, {"name": "Base64HighEntropyString", "limit": 4.5}],
            "filters_used": [{"path": "detect_secrets.filters.allowlist.is_line_allowlisted"}],
            "results": results,
            "generated_at": "2026-11-30T10:00:00Z",
        },
        indent=2,
    )


def test_detect_secrets_baseline_becomes_ours_and_acknowledges_only_the_old_commit(git_repo: Path) -> None:
    base = commit("chore: config", (".agentops.yaml", "version: 1\nextends: [builtin:secrets]\n"))
    leak = commit("feat: settings", ("settings.py", f'AWS_KEY = "{AWS_KEY}"\n'))
    hashed = hashlib.sha1(AWS_KEY.encode()).hexdigest()
    entry = {"type": "AWS Access Key", "filename": "settings.py", "hashed_secret": hashed, "is_verified": False, "line_number": 1}
    write(".secrets.baseline", detect_secrets_baseline({"settings.py": [entry], "old.py": [{"type": "Secret Keyword"}]}))

    proc = run_cli("rules", "import", ".secrets.baseline", "-o", ".agentops-baseline.json")

    assert proc.returncode == 1  # one result had no hashed_secret
    assert proc.stderr.splitlines() == [
        f"note: a detect-secrets baseline names no commit: it acknowledges HEAD's history ({leak[:12]})",
        "not carried over: old.py[0]: no hashed_secret (SHA-1 hex): nothing to fingerprint",
        "agentops: 2 fingerprints imported from detect-secrets baseline .secrets.baseline; 1 not carried over",
    ]
    doc = json.loads(Path(".agentops-baseline.json").read_text())
    assert doc["commit"] == leak and doc["source"] == "detect-secrets .secrets.baseline"
    assert {(f["rule"], f["digest"]) for f in doc["findings"]} == {
        ("aws-access-key-id", f"sha1:{hashed}"),
        ("aws-secret-access-key", f"sha1:{hashed}"),
    }

    acknowledged = run_cli("range", f"{base}..{leak}")
    assert acknowledged.returncode == 0, acknowledged.stdout
    assert "[waived by baseline: acknowledged, rotate" in acknowledged.stdout

    again = commit("feat: more", ("settings.py", f'AWS_KEY = "{AWS_KEY}"\nAGAIN = "{AWS_KEY}"\n'))
    refused = run_cli("range", f"{leak}..{again}")
    assert refused.returncode == 1
    assert "settings.py:2: aws-access-key-id" in refused.stdout
