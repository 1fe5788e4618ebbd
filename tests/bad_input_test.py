"""Generated bad input (hypothesis): rule files, configs, message files, git output and agent-hook
events. Every case is fine, a finding, or one line naming the file and position; never a traceback,
never anything executed. Settings are bounded and derandomized: the same cases on every run."""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentops_hooks import config, diffparse, message, rulefile
from agentops_hooks.cli import main
from agentops_hooks.commands import agent_hook
from agentops_hooks.errors import FatalError, GitError, RuleFileError
from tests.testing import AWS_KEY, clean_env, git, run_cli, write

TRIED: Counter[str] = Counter()  # generated inputs per test; the last test checks the total
GENERATED_TESTS = 12


def bounded(n: int) -> settings:
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,  # capsys is read and emptied on every example
        ],
    )


AT = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): [^\n]+$")
VALID = """version: 1
rules:
  - id: no-hack
    kind: added-pattern
    description: Hacks stay out.
    message: "{path}:{line} adds a hack"
    hint: Remove it.
    severity: error
    applies-to: agent
    paths: {include: ["**/*.py"], exclude: ["vendor/**"]}
    pattern: 'HACK-[0-9]+'
    keywords: [hack]
  - id: subject
    kind: message-format
    description: Subjects are short.
    message: "{problem}"
    severity: warning
    max-subject-length: 72
"""
YAML_BITS = [
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!python/object/apply:os.system ['touch PWNED']",
    "!!str ",
    "!x ",
    "|",
    ">",
    "'",
    '"',
    "#",
    "\n",
    "\n  ",
    "\t",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "? ",
    "@",
    "`",
    "\\",
    "\x00",
    "\ufeff",
    "\u2028",
    "version: 1\n",
    "rules:\n",
    "  - id: x\n",
    "kind: scope\n",
    "2024-01-01",
    "~",
    "null",
    "true",
    "1e309",
    "0x1F",
    "<<: {a: 1}\n",
    "{path.__class__}",
    "{path:>99999999}",
    "(a+)+$",
    "(?=x)",
]
yaml_noise = st.lists(st.sampled_from(YAML_BITS) | st.text(max_size=8), max_size=40).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
RULE_KEYS = [
    *rulefile.COMMON_KEYS,
    "pattern",
    "keywords",
    "max-files",
    "max-size",
    "sections",
    "protected",
    "command",
    "",
]


@st.composite
def mutated_rule_files(draw: st.DrawFn) -> str:
    """A valid rule file with one to three edits: a key's value swapped, a key added or removed, text spliced."""
    doc = rulefile.plain(rulefile.read_yaml("v.yaml", VALID))
    for _ in range(draw(st.integers(1, 3))):
        rules = doc.get("rules")
        intact = isinstance(rules, list) and len(rules) == 2 and all(isinstance(r, dict) and r for r in rules)
        action = draw(st.sampled_from(["set", "drop", "top"])) if intact else "top"
        rule = rules[draw(st.integers(0, 1))] if intact else {}
        key = draw(st.sampled_from(RULE_KEYS) | st.text(max_size=12))
        if action == "set":
            rule[key] = draw(json_values)
        elif action == "drop":
            rule.pop(draw(st.sampled_from(sorted(rule))), None)
        else:
            doc[draw(st.sampled_from(["version", "rules", "extends", "overrides", "disable", key]))] = draw(json_values)
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()))  # JSON is YAML
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(yaml_noise) + text[at:]
    return text


@st.composite
def spliced_yaml(draw: st.DrawFn) -> str:
    at = draw(st.integers(0, len(VALID)))
    cut = draw(st.integers(0, 40))
    return VALID[:at] + draw(yaml_noise) + VALID[at + cut :]


rule_texts = st.one_of(st.text(max_size=200), yaml_noise, spliced_yaml(), mutated_rule_files())


def assert_one_line_at(err: FatalError, path: str) -> None:
    text = str(err)
    m = AT.match(text)
    assert m, text
    assert m["file"] == path and int(m["line"]) >= 1 and int(m["col"]) >= 1, text


def _load(text: str) -> None:
    try:
        doc = rulefile.load_text("team.yaml", text)
    except RuleFileError as e:
        assert_one_line_at(e, "team.yaml")
    else:
        assert isinstance(doc, dict) and doc["version"] == 1


@bounded(400)
@given(rule_texts)
def test_rule_files_load_or_fail_with_one_positioned_line(text: str) -> None:
    TRIED["rule files"] += 1
    _load(text)
    assert not Path("PWNED").exists()


@bounded(250)
@given(mutated_rule_files())
def test_mutated_rules_load_or_fail_with_one_positioned_line(text: str) -> None:
    TRIED["mutated rules"] += 1
    _load(text)


@bounded(60)
@given(st.integers(1, 3), st.integers(60, 5000), st.sampled_from(["[", "{a: ", "- ", "{"]))
def test_deep_nesting_is_one_line_not_a_recursion_error(prefix: int, depth: int, opener: str) -> None:
    TRIED["deep nesting"] += 1
    closer = {"[": "]", "{a: ": "}", "- ": "", "{": "}"}[opener]
    if opener == "- ":
        body = "".join("  " * i + "- \n" for i in range(depth))
    else:
        body = opener * depth + ("1" if opener == "{a: " else "") + closer * depth
    text = "version: 1\n" * min(prefix, 1) + "rules: " + body
    with pytest.raises(RuleFileError) as e:
        rulefile.load_text("deep.yaml", text)
    assert_one_line_at(e.value, "deep.yaml")


@bounded(80)
@given(st.integers(2, 12), st.sampled_from(["&", "*", "!!map ", "!!python/name:os.system ", "!<tag:x> "]))
def test_alias_bombs_and_tags_anywhere_are_refused(width: int, token: str) -> None:
    TRIED["alias bombs and tags"] += 1
    levels = "".join(f"l{i}: &l{i} [{', '.join(['*l' + str(i - 1)] * width)}]\n" for i in range(1, 9))
    text = (
        "version: 1\nl0: &l0 [lol]\n" + levels
        if token in "&*"
        else VALID.replace("severity: error", f"severity: {token}error")
    )
    with pytest.raises(RuleFileError, match="not allowed here") as e:
        rulefile.load_text("bomb.yaml", text)
    assert_one_line_at(e.value, "bomb.yaml")


@pytest.fixture(scope="module")
def scratch() -> Path:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


config_bytes = st.one_of(
    st.binary(max_size=300),
    rule_texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(st.sampled_from([VALID.encode()]), st.binary(min_size=1, max_size=4), st.integers(0, 200)).map(
        lambda v: v[0][: v[2]] + b"\xff" + v[1] + v[0][v[2] :]
    ),
)
configs = st.fixed_dictionaries(
    {"version": st.sampled_from([1, 2, "1", None])},
    optional={
        "extends": st.lists(
            st.sampled_from(
                [
                    "builtin:core",
                    "builtin:nope",
                    "builtin:../../x",
                    "pkg:nope",
                    "../x.yaml",
                    "/etc/passwd",
                    "rules.yaml",
                    "",
                    ".",
                ]
            )
            | st.text(max_size=12),
            max_size=3,
        ),
        "overrides": st.dictionaries(st.sampled_from(["vague-subject", "nope", "large-file"]), json_values, max_size=2),
        "disable": st.lists(st.sampled_from(["vague-subject", "nope"]) | st.text(max_size=8), max_size=2),
        "severity-floor": st.sampled_from(["error", "warning", "info", "fatal", 3]),
        "exclude": json_values,
        "ignore": json_values,
        "agents": json_values,
        "include-merges": json_values,
        "rules": json_values,
    },
)


@bounded(250)
@given(data=config_bytes | configs.map(lambda d: json.dumps(d).encode()))
def test_config_files_load_or_fail_with_one_positioned_line(data: bytes, scratch: Path) -> None:
    TRIED["config files"] += 1
    write(scratch / "rules.yaml", VALID)
    path = scratch / ".agentops.yaml"
    path.write_bytes(data)
    try:
        cfg = config.load(str(path), trust_cache=False, toplevel=str(scratch))
    except RuleFileError as e:
        assert_one_line_at(e, str(path)) if str(e).startswith(str(path)) else assert_one_line_at(
            e, str(e).split(":")[0]
        )
    else:
        assert isinstance(cfg.rules, tuple)


@bounded(300)
@given(
    st.text(max_size=400)
    | st.lists(
        st.sampled_from(["#", "# c", "", "Key: v", " cont", "-- >8 --", message.SCISSORS, "\r", "x"]), max_size=20
    ).map("\n".join),
    st.sampled_from(["default", "strip", "whitespace", "verbatim", "scissors", "nonsense"]),
    st.sampled_from(["#", ";", "%", "//", ""]),
    st.booleans(),
)
def test_message_cleanup_and_parse_take_any_text(text: str, mode: str, comment: str, editing: bool) -> None:
    TRIED["messages"] += 1
    cleaned = message.cleanup(text, mode, comment or "#", editing)
    msg = message.parse(cleaned)
    assert msg.subject == (cleaned.rstrip("\n").split("\n")[0].strip() if cleaned.strip() else "")
    assert all(t.key and "\n" not in t.key for t in msg.trailers)
    message.sections(msg, ["Context", "Solution"])
    message.looks_edited(text, comment or "#")
    message.guess_comment_char(text)


@bounded(300)
@given(
    st.binary(max_size=300)
    | st.builds(lambda a, b: b":" + a + b"\x00" + b, st.binary(max_size=40), st.binary(max_size=80))
)
def test_diffparse_takes_random_bytes_or_says_git_output_is_unreadable(data: bytes) -> None:
    TRIED["diff bytes"] += 1
    try:
        files = diffparse.parse(data)
    except GitError as e:
        assert "\n" not in str(e) and "could not be read" in str(e)
    else:
        assert isinstance(files, tuple)


@bounded(200)
@given(st.lists(st.binary(max_size=60).filter(lambda b: b"\n" not in b), min_size=1, max_size=8), st.text(max_size=20))
def test_any_file_content_in_a_patch_parses_to_the_lines_added(lines: list[bytes], name: str) -> None:
    TRIED["patch contents"] += 1
    path = (name.replace("\x00", "") or "f").encode("utf-8", "surrogateescape")
    body = b"".join(b"+" + ln + b"\n" for ln in lines)
    out = (
        b":000000 100644 "
        + b"0" * 40
        + b" "
        + b"1" * 40
        + b" A\x00"
        + path
        + b"\x00"
        + b"diff --git a/x b/x\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/x\n"
        + f"@@ -0,0 +1,{len(lines)} @@\n".encode()
        + body
    )
    (f,) = diffparse.parse(out)
    assert f.path == path.decode("utf-8", "surrogateescape") and f.status == "A"
    assert [ln.text for ln in f.added] == [ln.decode("utf-8", "replace") for ln in lines]
    assert [ln.number for ln in f.added] == list(range(1, len(lines) + 1))


events = st.one_of(
    st.text(max_size=100),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {},
        optional={
            "tool_name": st.sampled_from(["Bash", "run_shell_command", "Edit", "shell"]) | json_values,
            "tool_input": json_values
            | st.fixed_dictionaries({}, optional={"command": json_values, "file_path": json_values}),
            "hook_event_name": st.sampled_from(["PreToolUse", "BeforeTool", "beforeShellExecution"]) | json_values,
            "command": json_values,
            "toolName": json_values,
            "toolArgs": json_values | json_values.map(json.dumps),
            "turn_id": json_values,
        },
    ).map(json.dumps),
    st.integers(100, 20000).map(lambda n: "[" * n + "]" * n),
    st.integers(100, 20000).map(lambda n: '{"tool_input": ' * n + "1" + "}" * n),
)
EXIT_2_RUNTIMES = ("claude", "codex", "gemini")


@bounded(400)
@given(events, st.sampled_from(["auto", *agent_hook.RUNTIMES]))
def test_agent_hook_never_raises_and_fails_closed(raw: str, runtime: str) -> None:
    TRIED["agent-hook events"] += 1
    answer = agent_hook.decide(raw, runtime)
    assert answer.code in (0, 2)
    try:
        event = json.loads(raw)
    except (ValueError, RecursionError):
        event = None
    if not isinstance(event, dict) and runtime in (*EXIT_2_RUNTIMES, "auto"):
        assert answer.code == 2 and answer.stderr
    if runtime == "copilot" and not isinstance(event, dict):
        assert json.loads(answer.stdout)["permissionDecision"] == "deny"


@bounded(300)
@given(st.sampled_from(EXIT_2_RUNTIMES), st.sampled_from(["tool_input", "command"]), json_values)
def test_agent_hook_wrong_shapes_block_or_allow_never_crash(runtime: str, key: str, value: object) -> None:
    TRIED["agent-hook shapes"] += 1
    event = (
        {"tool_name": "Bash", "tool_input": {"command": value}}
        if key == "command"
        else {"tool_name": "Bash", key: value}
    )
    answer = agent_hook.decide(json.dumps(event), runtime)
    if key == "command" and not isinstance(value, (str, list)):
        assert answer.code == 2 and "unexpected shape" in answer.stderr
    bypass = {"tool_name": "Bash", "tool_input": {"command": "git commit --no-verify -m x"}}
    assert agent_hook.decide(json.dumps(bypass), runtime).code == 2


@bounded(150)
@given(data=config_bytes.map(lambda b: b.replace(b"\\u", b"u")))  # capsys cannot take lone surrogates; a terminal can
def test_rules_validate_in_process_is_ok_or_one_line_exit_3(
    data: bytes, scratch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    TRIED["rules validate"] += 1
    path = scratch / "team.yaml"
    path.write_bytes(data)
    code = main(["rules", "validate", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 3), err
    if code == 3:
        assert out == "" and len(err.splitlines()) == 1 and "internal error" not in err, err
        assert err.startswith(f"agentops-check: {path}:"), err
    else:
        assert out == f"{path}: ok\n"


# --- fixed bad inputs through the real command line ---


def test_huge_rule_file_is_loaded_or_refused_quickly() -> None:
    TRIED["huge"] += 1
    rule = VALID.split("rules:\n", 1)[1].split("  - id: subject")[0]
    text = "version: 1\nrules:\n" + "".join(rule.replace("no-hack", f"no-hack-{i}") for i in range(800))
    assert len(rulefile.load_text("big.yaml", text)["rules"]) == 800  # ~230 KB: just under the bound
    with pytest.raises(RuleFileError, match=r"^big.yaml:\d+:\d+: "):
        rulefile.load_text("big.yaml", text + "  - id: [oops\n")
    more = text + "".join(rule.replace("no-hack", f"no-hack-x{i}") for i in range(200))  # 1000 rules, ~290 KB
    with pytest.raises(RuleFileError, match=r"^big.yaml:1:1: larger than 256 KB; rule files are at most 256 KB"):
        rulefile.load_text("big.yaml", more)


MESSAGES = {
    "empty": b"",
    "only comments": b"# Please enter the commit message\n# Lines starting with '#' will be ignored\n#\n",
    "binary": bytes(range(256)) * 4,
    "non-utf8": "feat: caf\xe9 au lait\n\nLatin-1 body.\n".encode("latin-1"),
    "nul bytes": b"feat: a\x00b\n\nbody\x00\n",
    "crlf": b"feat: crlf\r\n\r\nContext: x\r\n",
    "10 MB": b"feat: a big message\n\n" + (b"word " * 20 + b"\n") * 100_000,
    "secret in message": f"feat: add key {AWS_KEY}\n".encode(),
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_bad_message_files_are_judged_never_crash(
    git_repo: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    msg = git_repo.parent / "MSG"
    msg.write_bytes(MESSAGES[name])
    code = main(["commit-msg", str(msg), "-f", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err
    doc = json.loads(out)
    assert len(doc["commits"]) == 1
    assert msg.read_bytes() == MESSAGES[name]  # the message is kept as written


def test_message_file_that_is_missing_or_a_directory_is_one_line_exit_3(git_repo: Path) -> None:
    for target in ("nope.txt", "."):
        proc = run_cli("commit-msg", target)
        assert proc.returncode in (2, 3) and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nrules: !!python/object/apply:os.system ['touch PWNED']\n",
        "version: 1\nextends: [../../x.yaml]\n",
        "version: 1\nextends: ['builtin:../../../tmp/x']\n",
        "\xff\xfe binary",
        "version: 1\nrules: " + "[" * 2000 + "]" * 2000 + "\n",
        "version: 1\nrules: " + "{" * 30 + "}" * 30 + "\n",  # mappings as keys: hashed in exponential time
        "version: 1\nrules:\n  - id: x\n    kind: added-pattern\n    description: d\n    message: m\n    severity: error\n    pattern: '(a)\\1'\n",
    ],
    ids=["tag", "dotdot", "builtin-escape", "binary", "deep", "complex-keys", "backreference"],
)
def test_bad_configs_through_the_real_cli_are_one_line_exit_3(git_repo: Path, text: str) -> None:
    Path(".agentops.yaml").write_bytes(
        text.encode("utf-8", "surrogateescape") if "\xff" not in text else b"\xff\xfe binary"
    )
    for args in (("staged",), ("commit-msg", str(write(git_repo.parent / "MSG", "feat: x\n"))), ("rules", "validate")):
        proc = run_cli(*args)
        assert proc.returncode == 3, (args, proc.stdout, proc.stderr)
        assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1, proc.stderr
        assert re.match(r"^agentops-check: (\S*/)?\.agentops\.yaml:\d+:\d+: ", proc.stderr), proc.stderr
        assert "internal error" not in proc.stderr
    assert not Path("PWNED").exists()


@pytest.mark.parametrize("runtime", EXIT_2_RUNTIMES)
@pytest.mark.parametrize(
    "stdin", [b"", b"\xff\xfe\x00", b"not json", b"[" * 50000 + b"]" * 50000, b'{"tool_input": 3}']
)
def test_agent_hook_through_the_cli_fails_closed_with_exit_2(runtime: str, stdin: bytes) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        (sys.executable, "-m", "agentops_hooks", "agent-hook", "--runtime", runtime),
        input=stdin,
        capture_output=True,
        env=clean_env(),
    )
    assert proc.returncode == 2, proc.stderr
    assert b"Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_range_with_a_hostile_revision_is_one_line_exit_3(git_repo: Path) -> None:
    git("commit", "-q", "--allow-empty", "-m", "docs: start")
    planted = git_repo.parent / "planted"
    for spec in (
        f"--output={planted}",
        "-p",
        "nope..HEAD",
        "HEAD..nope",
        "\x7f",
        "a" * 5000,
        f"HEAD..--output={planted}",
    ):
        proc = run_cli("range", "--", spec) if spec.startswith("-") else run_cli("range", spec)
        assert proc.returncode == 3, (spec, proc.stderr)
        assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not planted.exists()


def test_enough_generated_inputs_were_tried() -> None:
    # last in the module (pytest keeps definition order); run alone it has nothing to count
    if len(TRIED) == GENERATED_TESTS:
        print(f"generated bad inputs tried: {sum(TRIED.values())} {dict(TRIED)}")
        assert sum(TRIED.values()) >= 2000, TRIED
