"""Term enforcement on the independent corpus: precision and recall per language and part, beside two baselines.

The corpus (tests/data/terms/) was written from the glossary alone by a
translator who had not read the code and edited by a second, strict
editor. ``dev`` and ``dev2`` (the first held-out third, scored once and
then used for development) guide the work; ``heldout`` was written later
by new helpers who saw neither the code nor the earlier corpus, and is
scored only for reports; after it had been scored and its misses studied,
``heldout3`` was written and edited the same way, to measure the code on
text nobody had tuned it to; after it was scored and its four bugs fixed,
``heldout4`` likewise, scored once for the final figures. Each case is realistic MT: `correct` ones must come
out unchanged; `wrong` ones should come out as `expected` (or one of its
`accept` variants), else at least be flagged and left as they were.

Baselines: leaving the MT as it is (changes nothing, fixes nothing), and
the enforcer as it was before this corpus existed (commit ``OLD_COMMIT``,
its own code and glossary, run in a subprocess from a `git archive`).

    python bench/term_corpus.py              # dev and held-out, ru and uk, with baselines
    python bench/term_corpus.py dev -v       # every case that is not right, for development
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "data" / "terms"
OLD_COMMIT = "d260ad5"  # the last landed enforcer before the corpus
PARTS = ("dev", "dev2", "heldout", "heldout3", "heldout4")
LANGS = ("ru", "uk")


def load(part: str, lang: str) -> list[dict[str, object]]:
    cases: list[dict[str, object]] = yaml.safe_load((CORPUS / f"{part}_{lang}.yaml").read_text("utf-8"))
    return cases


@dataclass(frozen=True, slots=True)
class Outcome:
    text: str
    flagged: bool  # a term-needs-review or term-missing finding for one of the case's entries


def outcome_kind(case: dict[str, object], outcome: Outcome) -> str:
    """correct: kept | changed.  wrong: fixed | flagged | left | garbled (changed, but not to an accepted text)."""
    mt = str(case["mt"])
    changed = outcome.text != mt
    if case["kind"] == "correct":
        return "changed" if changed else "kept"
    accepted = {str(case["expected"]), *(str(a) for a in case.get("accept") or ())}  # type: ignore[attr-defined]
    if outcome.text in accepted:
        return "fixed"
    if changed:
        return "garbled"
    return "flagged" if outcome.flagged else "left"


def current_enforcer() -> Callable[[str, str, str, list[str]], Outcome]:
    from pipeline.enforce import check_segment
    from pipeline.glossary.load import load_glossary
    from pipeline.glossary.match import TermMatcher

    glossary = load_glossary([ROOT / "glossary"])
    matcher = TermMatcher(glossary)

    def run(source: str, mt: str, lang: str, entries: list[str]) -> Outcome:
        result = check_segment(source, matcher.find(source), mt, glossary, lang)
        flagged = any(f.check in ("term-needs-review", "term-missing") for f in result.findings)
        return Outcome(result.text, flagged)

    return run


def nothing(source: str, mt: str, lang: str, entries: list[str]) -> Outcome:
    """The baseline of leaving the MT alone."""
    return Outcome(mt, False)


_OLD_RUNNER = """
import json, sys
from pathlib import Path
from pipeline.enforce import check_segment
from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
glossary = load_glossary([Path("glossary")])
matcher = TermMatcher(glossary)
out = []
for case in json.load(sys.stdin):
    r = check_segment(matcher.find(case["source"]), case["mt"], glossary, case["lang"])
    out.append({"text": r.text, "flagged": any(f.check in ("term-needs-review", "term-missing") for f in r.findings)})
json.dump(out, sys.stdout)
"""


def old_outcomes(cases: list[dict[str, object]], lang: str) -> list[Outcome]:
    """The pre-corpus enforcer's output for ``cases``, run from its own commit in a subprocess."""
    folder = ROOT / "build" / "bench" / f"old-{OLD_COMMIT}"
    if not (folder / "pipeline").is_dir():
        archive = subprocess.run(
            ["git", "archive", OLD_COMMIT, "pipeline", "glossary"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
    payload = json.dumps([{"source": c["source"], "mt": c["mt"], "lang": lang} for c in cases])
    done = subprocess.run(
        [sys.executable, "-c", _OLD_RUNNER],
        cwd=folder,
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return [Outcome(o["text"], o["flagged"]) for o in json.loads(done.stdout)]


def tally(cases: list[dict[str, object]], outcomes: Iterable[Outcome]) -> Counter[str]:
    return Counter(outcome_kind(case, outcome) for case, outcome in zip(cases, outcomes, strict=True))


def summary(counts: Counter[str], cases: list[dict[str, object]]) -> str:
    correct = sum(1 for c in cases if c["kind"] == "correct")
    wrong = len(cases) - correct
    return (
        f"correct changed {counts['changed']}/{correct}; wrong fixed {counts['fixed']}/{wrong} "
        f"({counts['fixed'] / max(wrong, 1):.0%}), flagged {counts['flagged']}, left {counts['left']}, "
        f"garbled {counts['garbled']}"
    )


def run(parts: tuple[str, ...] = PARTS, baselines: bool = True) -> list[tuple[str, str]]:
    enforce = current_enforcer()
    rows = []
    for part in parts:
        for lang in LANGS:
            cases = load(part, lang)
            ours = [enforce(str(c["source"]), str(c["mt"]), lang, list(c["entries"])) for c in cases]  # type: ignore[call-overload]
            rows.append((f"{lang} {part} ({len(cases)} cases): enforcer", summary(tally(cases, ours), cases)))
            if baselines:
                none = [nothing(str(c["source"]), str(c["mt"]), lang, []) for c in cases]
                rows.append((f"{lang} {part}: leave the MT as it is", summary(tally(cases, none), cases)))
                rows.append(
                    (
                        f"{lang} {part}: enforcer before the corpus ({OLD_COMMIT})",
                        summary(tally(cases, old_outcomes(cases, lang)), cases),
                    )
                )
    return rows


def show_failures(part: str) -> None:
    """Print every dev case that did not come out right, with the findings, for development."""
    from pipeline.enforce import check_segment
    from pipeline.glossary.load import load_glossary
    from pipeline.glossary.match import TermMatcher

    glossary = load_glossary([ROOT / "glossary"])
    matcher = TermMatcher(glossary)
    for lang in LANGS:
        for case in load(part, lang):
            result = check_segment(str(case["source"]), matcher.find(str(case["source"])), str(case["mt"]), glossary, lang)
            flagged = any(f.check in ("term-needs-review", "term-missing") for f in result.findings)
            kind = outcome_kind(case, Outcome(result.text, flagged))
            if kind in ("kept", "fixed"):
                continue
            print(f"{case['id']} [{case['kind']}/{case.get('category')}] {kind}: {case['source']}")
            print(f"   mt:  {case['mt']}\n   out: {result.text}\n   exp: {case['expected']}")
            for finding in result.findings:
                print(f"     {finding.severity.value} {finding.check}: {finding.message}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if "-v" in args:
        show_failures(next((a for a in args if a in PARTS), "dev"))
    else:
        chosen = tuple(a for a in args if a in PARTS) or PARTS
        for name, value in run(chosen):
            print(f"  {name:<60}  {value}")
