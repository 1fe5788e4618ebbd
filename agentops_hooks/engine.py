"""Rules × commit → findings: scope, applies-to, paths, skips, exemptions, order; rules × range."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from agentops_hooks import exemptions
from agentops_hooks.approvals import Approvals
from agentops_hooks.kinds import KINDS, Scope, history, paths, scope_of
from agentops_hooks.kinds.history import CommitSummary, Named
from agentops_hooks.model import AgentVerdict, Commit, CommitResult, FileChange, Finding, RangeFindings, Rule, Waiver
from agentops_hooks.values import Memo, replace

SKIP_MESSAGE_RULES = ("fixup!", "squash!", "amend!")
T = TypeVar("T")


def applies(rule: Rule, verdict: AgentVerdict) -> bool:
    """Whether `applies-to` selects a commit of this verdict."""
    want = rule.applies_to
    chosen = want == "all" or want == verdict.kind or (want == "agent" and verdict.is_agent)
    return chosen and (rule.min_ai_share is None or verdict.rule_share() >= rule.min_ai_share)


def check(
    rules: Sequence[Rule],
    commit: Commit,
    verdict: AgentVerdict,
    *,
    with_message: bool = True,
    exclude: object = None,
    today: str = "",
    policy: exemptions.Policy | None = None,
    config_files: Sequence[str] = (),
) -> CommitResult:
    """Every rule that applies to this commit, its findings waived where an exemption holds.

    `exclude` keeps files from the exemptible rules only: no setting hides what an `exemptible:
    false` rule finds (they also read binary and large files). `config_files` are the config and
    rule files in use, which `{config-files}` stands for. The result holds the files not excluded.
    """
    policy = policy or exemptions.Policy(today=today)
    rules = with_approvals(with_config_files(rules, config_files), policy.approvals, verdict.is_agent)
    kept = commit
    if exclude is not None:
        files = tuple(f for f in commit.files if not exclude.match_file(f.path))  # type: ignore[attr-defined]
        kept = commit if len(files) == len(commit.files) else replace(commit, files=files)
    skip_message = commit.message.subject.startswith(SKIP_MESSAGE_RULES)
    revert = commit.message.subject.startswith('Revert "')
    narrowed = _narrowed(rules, commit, kept)
    keyed = _Keyed(per_rule_set(rules, ("keywords",), lambda: KeywordIndex(rules)), commit)
    findings: list[Finding] = []
    for rule, check_commit, is_message, line, keyworded in _steps(rules, verdict.kind, with_message, keyed):
        if rule.min_ai_share is not None and not applies(rule, verdict):  # the AI share decides per commit
            continue
        if is_message and (skip_message or (revert and rule.kind == "message-format")):
            continue
        if keyworded:  # its keywords choose its files; the combined prefilter is of the rules without
            found = keyed.narrow(rule, kept if rule.exemptible else commit)
            if found is None:
                continue
            target = found
        else:
            target = narrowed.get((rule.kind, rule.exemptible), kept if rule.exemptible else commit)
        if target.files or not line:
            findings.extend(check_commit(rule, target))
    findings = exemptions.apply(findings, rules, kept, verdict, policy, with_message)
    findings.sort(key=lambda f: (f.path is not None, f.path or "", f.line or 0))
    return CommitResult(kept, verdict, tuple(findings))


LINE_KINDS = {"added-pattern": False, "removed-pattern": True}  # kind → reads removed lines
_MEMO = Memo(65)


def per_rule_set(rules: Sequence[Rule], key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """`build()` once per rule set (and key), not once per commit: a history scan asks thousands of times.

    Keyed by the rule set's identity (rules hold dicts and cannot be hashed); the entry keeps the
    rule set alive so the identity cannot be reused while it is cached.
    """
    return _MEMO.get(rules, build, *key)


Step = tuple[Rule, Any, bool, bool, bool]  # rule, its check, reads the message, reads lines, has keywords


class _Plan:
    """What judges a commit of this verdict at this stage, rule by rule, with what each rule reads
    (worked out once per rule set: a history asks per commit). Keyword rules are kept apart, by
    side and rule id: a commit's lines name the few that run, without a look at the others."""

    __slots__ = ("steps", "plain", "keyworded")

    def __init__(self, rules: Sequence[Rule], verdict: str, with_message: bool) -> None:
        probe = AgentVerdict(verdict)  # type: ignore[arg-type]
        self.steps: list[Step] = []
        for rule in rules:
            kind, scope = KINDS[rule.kind], scope_of(rule)
            if scope is Scope.RANGE or kind.check is None or not applies(rule, probe):
                continue
            if (scope is Scope.MESSAGE or kind.needs_message) and not with_message:
                continue
            line = rule.kind in LINE_KINDS
            self.steps.append((rule, kind.check, scope is Scope.MESSAGE, line, line and bool(rule.param("keywords"))))
        self.plain = [(i, step) for i, step in enumerate(self.steps) if not step[4]]
        self.keyworded: dict[bool, dict[int, tuple[int, Step]]] = {}  # side → rule id → (place, step)
        for i, step in enumerate(self.steps):
            if step[4]:
                self.keyworded.setdefault(LINE_KINDS[step[0].kind], {})[id(step[0])] = (i, step)


def _steps(rules: Sequence[Rule], verdict: str, with_message: bool, keyed: _Keyed) -> Iterator[Step]:
    """The plan's steps for this commit, in the rule set's order: the keyword rules only where a line
    of the commit (on their side) holds one of their keywords."""
    plan = per_rule_set(rules, ("plan", verdict, with_message), lambda: _Plan(rules, verdict, with_message))
    hits = [hit for removed, by_id in plan.keyworded.items() for rid in keyed.by_side(removed) if (hit := by_id.get(rid))]
    if not hits:
        return (step for _, step in plan.plain)
    return (step for _, step in sorted([*plan.plain, *hits], key=lambda placed: placed[0]))


def _narrowed(rules: Sequence[Rule], commit: Commit, kept: Commit) -> dict[tuple[str, bool], Commit]:
    """Per (line kind, exemptible), the commit with only the files some rule of that kind could match.

    Exemptible rules read the files not excluded and not binary (or large); the `exemptible: false`
    ones every file. Each file is searched once whichever of them asks.
    """
    out: dict[tuple[str, bool], Commit] = {}
    strict = per_rule_set(rules, ("strict-kinds",), lambda: {r.kind for r in rules if not r.exemptible})
    kept_ids = {id(f) for f in kept.files}
    for kind, prefilter in per_rule_set(rules, ("prefilters",), lambda: _line_prefilters(rules)).items():
        reads_all = kind in strict
        passing = [f for f in commit.files if (reads_all or not f.binary) and prefilter.keeps(f)]
        loose = tuple(f for f in passing if not f.binary and id(f) in kept_ids)
        out[(kind, True)] = kept if len(loose) == len(kept.files) else replace(kept, files=loose)
        if reads_all:
            out[(kind, False)] = commit if len(passing) == len(commit.files) else replace(commit, files=tuple(passing))
    return out


class KeywordIndex:
    """Every line rule's keywords as one literal search: which rules a file's lines could concern, in one pass.

    A rule's keywords say a line is searched only when it holds one of them. With 180 secrets rules,
    asking each rule's keywords in turn is 180 searches of every file; one RE2 set of all the
    keywords (each in any case, or as written for a rule with `keywords-case: exact`, exactly as
    the rule's own keyword pattern compares them) names in one search of a file's lines joined
    every keyword in it, overlapping ones too, and so the few rules that run there. Compiling the
    set takes about 5 ms for the built-in packs' ~420 keywords: a run first asks each keyword as a
    literal, and compiles the set only once it has searched LITERAL_BYTES. What it finds in a text
    is noted on the file (FileChange.note_keywords), so a woken rule does not search it again.
    """

    __slots__ = ("words", "rules_of", "raw", "scoped", "ids", "held_rules", "_entries", "_sets", "_selects", "_literals", "_scanned")

    LITERAL_BYTES = 1 << 14  # bytes searched keyword by keyword before the set is compiled (~5 ms, 400 keywords)

    def __init__(self, rules: Sequence[Rule]) -> None:
        by_word: dict[tuple[str, bool], set[int]] = {}  # (keyword, as written) → rule ids
        scoped: list[Rule] = []  # the keyword rules that look only at some paths (`paths.include`)
        # the rules it answers for, held so their ids name them while a file notes what was found
        self.held_rules = tuple(r for r in rules if r.kind in LINE_KINDS and r.param("keywords"))
        self.ids = frozenset(id(r) for r in self.held_rules)
        for r in self.held_rules:
            exact = r.param("keywords-case") == "exact"
            for word in r.param("keywords"):
                by_word.setdefault((word, exact), set()).add(id(r))
            if r.include is not None:
                scoped.append(r)
        self.words = tuple(by_word)
        self.rules_of = tuple(frozenset(by_word[w]) for w in self.words)
        # a keyword within one line is in the patch as git wrote it wherever it is in a line joined
        # (the set searches bytes, the invalid ones skipped): no newline in it, no U+FFFD that only
        # the decoding of an invalid byte makes
        self.raw = not any("\n" in w or "\ufffd" in w for w, _ in self.words)
        self.scoped = tuple(scoped)
        # Two sets: every keyword, and only those of rules that look at every path. A file that no
        # scoped rule selects is searched for the second: `:` of a rule for `*secret*.yaml` files
        # would otherwise send nearly every file of a history to be joined and searched.
        narrow = frozenset(id(r) for r in scoped)
        general = tuple(i for i, ids in enumerate(self.rules_of) if ids - narrow)  # words of the others
        # per set (True: every keyword), the words it holds (their places in `words`) and their rule ids
        self._entries = {
            True: (tuple(range(len(self.words))), self.rules_of),
            False: (general, tuple(self.rules_of[i] - narrow for i in general)),
        }
        self._sets: dict[bool, Any] = {True: None, False: None}  # each compiled when first needed
        self._selects: dict[str, bool] = {}  # path → whether some scoped rule selects it
        # A hook's commit is a few kilobytes: asking each keyword in turn (as bytes: an exact one as
        # written, another lowered in a lowered text) costs less than compiling the set, and is the
        # set's answer exactly when both are ASCII, where lowering is RE2's case folding.
        ascii_words = all(w.isascii() for w, _ in self.words)
        self._literals = [(w.encode() if exact else w.lower().encode(), exact) for w, exact in self.words] if ascii_words else None
        self._scanned = 0

    def _selected(self, path: str) -> bool:
        hit = self._selects.get(path)
        if hit is None:
            if len(self._selects) > 4096:
                self._selects.clear()
            hit = self._selects[path] = any(r.selects(path) for r in self.scoped)
        return hit

    def rules_in(self, f: FileChange, removed: bool, held: bool | None = None) -> set[int]:
        """The ids of the rules one of whose keywords the file's added (or removed) lines hold.

        `held`: whether the patch as git wrote it holds any keyword (None: not asked yet); a patch
        in memory that holds none is not joined at all, which is most files of a history. A rule
        that does not look at the file's path (`paths.include`) is not asked for."""
        if held is None:
            held = self.in_patch(f)
        found: set[int] = set()
        if not held:
            return found
        kept = f.kept_texts()
        for text in f.utf8(removed):
            here = [rid for ids in self._held(text, f.path) for rid in ids]
            found.update(here)
            if kept:  # the rules then skip their own keyword search of this text (kinds.diff)
                f.note_keywords(removed, text, self, frozenset(here))
        return found

    def in_patch(self, f: FileChange) -> bool:
        """Whether some keyword (of a rule that looks at the file's path) may be on a line of the
        file: False only when its patch, in memory, holds none on any line of either side, nor in a
        hunk header."""
        if f.reread is not None or not self.raw:
            return True
        return bool(self._held(f.patch, f.path))

    def _held(self, text: bytes, path: str) -> list[frozenset[int]]:
        """Per keyword in the text (of a rule that looks at `path`), the ids of the rules it is a keyword of."""
        full = not self.scoped or self._selected(path)
        places, rules_of = self._entries[full]
        found = self._sets[full]
        if found is None and self._literals is not None and text.isascii():
            self._scanned += len(text)
            if self._scanned <= self.LITERAL_BYTES:
                lowered, literals = text.lower(), self._literals
                return [
                    rules_of[k] for k, i in enumerate(places) if literals[i][0] in (text if literals[i][1] else lowered)
                ]
        if found is None:
            found = self._sets[full] = _keyword_set([self.words[i] for i in places])
        return [rules_of[k] for k in found.Match(text) or ()]


KEYWORDS_MEM = 64 << 20  # RE2's budget for the keyword set's DFA: a set that runs out of it would match nothing


def _keyword_set(words: Sequence[tuple[str, bool]]) -> Any:
    """One RE2 set of literals, each in any case or (`exact`) only as written."""
    import re2

    from agentops_hooks.patterns import re2_escape

    options = re2.Options()
    options.log_errors = False
    options.max_mem = KEYWORDS_MEM
    found = re2.Set.SearchSet(options)
    for word, exact in words:
        found.Add(re2_escape(word) if exact else f"(?i:{re2_escape(word)})")
    found.Compile()
    return found


class _Keyed:
    """One commit's files by the keyword rules their lines concern, each file searched once (per side)."""

    __slots__ = ("index", "commit", "by_rule", "ids", "held")

    def __init__(self, index: KeywordIndex, commit: Commit) -> None:
        self.index, self.commit = index, commit
        self.by_rule: dict[bool, dict[int, list[FileChange]]] = {}
        self.ids: dict[int, frozenset[int]] = {}
        self.held: list[bool] | None = None  # per file: whether its patch holds a keyword at all

    def by_side(self, removed: bool) -> dict[int, list[FileChange]]:
        """Per rule id, the files whose added (or removed) lines hold one of the rule's keywords."""
        by_rule = self.by_rule.get(removed)
        if by_rule is None:
            by_rule = self.by_rule[removed] = {}
            held = self.held
            if held is None:  # the patches' own bytes once for both sides: most hold no keyword
                held = self.held = [self.index.in_patch(f) for f in self.commit.files]
            for f, in_patch in zip(self.commit.files, held, strict=True):
                for rid in self.index.rules_in(f, removed, in_patch):
                    by_rule.setdefault(rid, []).append(f)
        return by_rule

    def narrow(self, rule: Rule, target: Commit) -> Commit | None:
        """The target with only the files whose lines hold one of the rule's keywords (None: no file)."""
        files = self.by_side(LINE_KINDS[rule.kind]).get(id(rule))
        if files is None:
            return None
        ids = self.ids.get(id(target))
        if ids is None:
            ids = self.ids[id(target)] = frozenset(id(f) for f in target.files)
        kept = tuple(f for f in files if id(f) in ids)
        if not kept:
            return None
        return target if len(kept) == len(target.files) else replace(target, files=kept)


def _line_prefilters(rules: Sequence[Rule]) -> dict[str, Prefilter]:
    """Per line kind, the prefilter of its rules without keywords (the keyword set narrows the others)."""
    found = {}
    for kind, removed in LINE_KINDS.items():
        key = tuple(r.param("pattern") for r in rules if r.kind == kind and not r.param("keywords"))
        if key:
            found[kind] = Prefilter(key, removed)
    return found


class Prefilter:
    """Rules a file out for every line rule of a kind without keywords at once: one search of their
    patterns combined over the file's lines joined, so each line is scanned once, not once per rule.

    Compiling the combined pattern (~4 ms for the built-in packs) costs more than checking a small
    commit rule by rule (each rule's keywords, then its pattern, decide for itself in kinds.diff),
    so a run compiles it only once it has read COMBINE_AFTER bytes of patch: a hook's commit
    seldom pays for it, a history scan pays once.
    """

    COMBINE_AFTER = 1 << 18

    __slots__ = ("patterns", "removed", "read", "regex")

    def __init__(self, patterns: tuple[str, ...], removed: bool) -> None:
        self.patterns, self.removed = patterns, removed
        self.read = 0
        self.regex: Any = None

    def keeps(self, f: FileChange) -> bool:
        """Whether some rule of this kind could match a line of the file."""
        if self.regex is None:
            self.read += len(f.patch) if f.reread is None else self.COMBINE_AFTER
            if self.read < self.COMBINE_AFTER:
                return True
            self.regex = _combined(self.patterns)
        return any(self.regex.search(t) for t in f.utf8(self.removed))


PREFILTER_MEM = 4 << 20  # RE2's budget for the combined pattern: its program, then its DFA cache
PREFILTER_MEM_PER_INST = 400  # bytes of budget per instruction, so a larger program keeps DFA room
PREFILTER_MEM_MAX = 256 << 20


@functools.lru_cache(maxsize=8)
def _combined(patterns: tuple[str, ...]) -> Any:
    """One RE2 pattern for all the line rules of a kind, with a budget sized to its program.

    RE2 caches DFA states up to its budget: a fixed, modest budget keeps a long history's memory
    flat (the cache refills instead of growing), and room in proportion to the program keeps the
    DFA from thrashing into RE2's much slower NFA (still correct, only slower).
    """
    from agentops_hooks.errors import RuleFileError
    from agentops_hooks.patterns import regex

    text = "(?m)" + "|".join(f"(?:{p})" for p in patterns)
    budget = PREFILTER_MEM
    while True:
        try:
            compiled = regex(text, "the combined line patterns", max_mem=budget)
        except RuleFileError:
            if budget >= PREFILTER_MEM_MAX:
                raise
            budget *= 4
            continue
        wanted = compiled.programsize * PREFILTER_MEM_PER_INST
        if wanted <= budget or budget >= PREFILTER_MEM_MAX:
            return compiled
        budget = min(PREFILTER_MEM_MAX, max(budget * 4, wanted))


def with_config_files(rules: Sequence[Rule], files: Sequence[str]) -> Sequence[Rule]:
    """Rules whose `protected` globs say `{config-files}`, told which files those are (made once per rule set)."""
    if not files:
        return rules
    return per_rule_set(rules, ("config-files", tuple(files)), lambda: _told(rules, frozenset(files)))


def _told(rules: Sequence[Rule], names: frozenset[str]) -> Sequence[Rule]:
    return [
        replace(r, compiled=replace(r.compiled, config_files=names))
        if paths.CONFIG_FILES in (r.param("protected") or ())
        else r
        for r in rules
    ]


def with_approvals(rules: Sequence[Rule], approvals: Approvals, agent: bool) -> Sequence[Rule]:
    """Rules of kinds that read an approval (protected-paths), told who may approve (made once per rule set)."""
    if not per_rule_set(rules, ("approving",), lambda: any(r.kind == "protected-paths" for r in rules)):
        return rules
    # keyed by the approvals' identity: hashing them (every approval of the range) cost more per
    # commit than judging it; the entry holds them, so an identity is never mistaken for another's
    held, told = per_rule_set(
        rules, ("approvals", id(approvals), agent), lambda: (approvals, _approving(rules, replace(approvals, agent=agent)))
    )
    return told if held is approvals else _approving(rules, replace(approvals, agent=agent))


def _approving(rules: Sequence[Rule], approvals: Approvals) -> Sequence[Rule]:
    return [
        replace(r, compiled=replace(r.compiled, approvals=approvals)) if r.kind == "protected-paths" else r
        for r in rules
    ]


def summarize(result: CommitResult, policy: exemptions.Policy | None = None) -> CommitSummary:
    """A judged commit reduced to what range rules read (no lines), with the exemptions that hold."""
    c = result.commit
    policy = policy or exemptions.Policy()
    held = exemptions.parse(c, policy.today or c.committer.date, result.agent.is_agent, policy.approvals)
    failing = [f for f in result.findings if f.waived is None]
    failed = frozenset(f.factor for f in failing if f.factor) | ({"*"} if failing else frozenset())  # "*": any
    return history.summarize(c, result.agent, ((e.rule_id, e.reason) for e in held if e.problem is None), failed)


class RangeRun:
    """Every range rule judging a range as its commits stream by (oldest first), in flat memory.

    `add` each judged commit's summary and `end` once: each returns the range findings completed
    then, with the summaries of the commits they name, waived where an exemption holds.
    """

    def __init__(self, rules: Sequence[Rule], policy: exemptions.Policy | None = None) -> None:
        self.policy = policy
        self.folds = [
            (rule, check(rule))
            for rule in rules
            if scope_of(rule) is Scope.RANGE and (check := KINDS[rule.kind].range_check) is not None
        ]

    def __bool__(self) -> bool:
        return bool(self.folds)

    def add(self, commit: CommitSummary, strict_only: bool = False) -> list[Named]:
        """Take the next commit (`strict_only`: one the config's `ignore:` names, for non-exemptible rules only)."""
        return [
            self._waive(rule, n)
            for rule, fold in self.folds
            if applies(rule, commit.verdict) and not (strict_only and rule.exemptible)
            for n in fold.add(commit)
        ]

    def end(self) -> list[Named]:
        """The range is over."""
        return [self._waive(rule, named) for rule, fold in self.folds for named in fold.end()]

    def _waive(self, rule: Rule, named: Named) -> Named:
        """Waived by an exemption trailer in one of its commits, or by the ignore file naming one of them."""
        finding, commits = named
        if not rule.exemptible:
            return named
        for reason in (reason for c in commits for rule_id, reason in c.exempt if rule_id == rule.id):
            return replace(finding, waived=Waiver("trailer", reason)), commits
        for prefix, ids in (self.policy.ignored if self.policy else {}).items():
            if rule.id in ids and any(sha.startswith(prefix) for sha in finding.commits):
                reason = ids[rule.id] or "listed in .agentops-ignore"
                return replace(finding, waived=Waiver("ignore-file", reason)), commits
        return named


def check_range(
    rules: Sequence[Rule], commits: Sequence[CommitSummary], policy: exemptions.Policy | None = None
) -> list[Finding]:
    """Every range rule over the commits it applies to (oldest first), findings naming their commits."""
    run = RangeRun(rules, policy)
    named = [n for c in commits for n in run.add(c)] + run.end()
    return [finding for finding, _ in named]


def range_result(findings: Sequence[Finding]) -> RangeFindings:
    """A range's findings as the last item of a result stream (its own value type: no commit)."""
    return RangeFindings(tuple(findings))
