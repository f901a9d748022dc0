"""What is known about one translated segment, computed afresh: its term checks, the term fixes and the QA findings.

Nothing here is read back from a review file's comments: wherever a
translation comes from (the engine, the cache, a memory, a reviewer's PO
or CAT tool), the checks are worked out again from the English, the
translation and the glossary. Machine output is enforced (wrong renderings
fixed where certain); a person's text is only checked, never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.checks import run_checks
from pipeline.enforce import check_segment
from pipeline.glossary.match import TermMatcher
from pipeline.glossary.sense import applies
from pipeline.model import Finding, Glossary, Span, TermCheck, TermHit, TermStatus
from pipeline.morphology import SUPPORTED


@dataclass(frozen=True, slots=True)
class Assessment:
    """A segment's translation with everything derived from it.

    ``text`` is the translation as it goes to the reviewer; ``raw_mt`` the
    machine output before term fixes, when enforcement changed it.
    """

    text: str
    raw_mt: str
    checks: tuple[TermCheck, ...]
    findings: tuple[Finding, ...]
    hits: tuple[TermHit, ...] = ()


class Assessor:
    """Assesses the segments of one target language against one glossary; remembers what it worked out.

    The memory only saves work: an assessment depends on nothing but its
    arguments, the glossary and the language.
    """

    def __init__(self, glossary: Glossary | None, lang: str, hits: Mapping[str, tuple[TermHit, ...]] | None = None) -> None:
        self.glossary = glossary
        self.lang = lang
        self._matcher = TermMatcher(glossary) if glossary is not None else None
        self._hits: dict[str, tuple[TermHit, ...]] = dict(hits or {})
        self._machine: dict[tuple[str, str], Assessment] = {}  # (source, MT) -> its assessment
        self._by_result: dict[tuple[str, str], Assessment] = {}  # (source, enforced text) -> the same

    @property
    def checks_terms(self) -> bool:
        return self.glossary is not None and self.lang in SUPPORTED

    def hits(self, source: str) -> tuple[TermHit, ...]:
        if source not in self._hits:
            self._hits[source] = tuple(self._matcher.find(source)) if self._matcher is not None else ()
        return self._hits[source]

    def machine(self, source: str, mt: str) -> Assessment:
        """Machine output: wrong renderings fixed where certain, the rest flagged."""
        key = (source, mt)
        if key not in self._machine:
            assessment = self._assess(source, mt, fix=True)
            self._machine[key] = assessment
            self._by_result.setdefault((source, assessment.text), assessment)
        return self._machine[key]

    def person(self, source: str, text: str) -> Assessment:
        """A person's translation: checked, never changed."""
        return self._assess(source, text, fix=False)

    def untranslated(self, source: str) -> Assessment:
        """No translation yet: the source's terms, none of them rendered."""
        checks = tuple(
            TermCheck(hit.entry_id, status, Span(hit.start, hit.end))
            for hit in self.hits(source)
            if (status := self._status_without_translation(source, hit)) is not None
        )
        return Assessment("", "", checks, (), self.hits(source))

    def stored(self, source: str, text: str, raw_mt: str = "") -> Assessment:
        """A translation as a review file holds it, with the MT it may have come from.

        When enforcing that MT gives exactly this text, the text is still the
        machine's and the fixes are shown as fixes; otherwise it is a person's.
        """
        if not text:
            return self.untranslated(source)
        known = self._by_result.get((source, text))
        if known is not None and (not raw_mt or known.raw_mt == raw_mt or not known.raw_mt):
            return known
        if raw_mt:
            from_mt = self.machine(source, raw_mt)
            if from_mt.text == text:
                return from_mt
        return self.person(source, text)

    def _assess(self, source: str, text: str, fix: bool) -> Assessment:
        hits = self.hits(source)
        findings: list[Finding] = []
        checks: tuple[TermCheck, ...] = ()
        result = text
        if self.checks_terms and self.glossary is not None:
            enforced = check_segment(source, hits, text, self.glossary, self.lang, fix=fix)
            result, checks, findings = enforced.text, enforced.checks, list(enforced.findings)
        findings += run_checks(source, result, self.lang)
        return Assessment(result, text if result != text else "", checks, tuple(findings), hits)

    def _status_without_translation(self, source: str, hit: TermHit) -> TermStatus | None:
        if self.glossary is None:
            return None
        entry = self.glossary.by_id().get(hit.entry_id)
        if entry is None or entry.target(self.lang) is None:
            return None
        return TermStatus.MISSING if applies(entry, source, hit) else TermStatus.OTHER_SENSE
