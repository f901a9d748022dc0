"""Replace, flag or leave: the rules for changing a translator's text, in one readable function.

The enforcer changes a translation only when every fact below speaks for
it; anything less and the words stay as the MT wrote them, with a
`term-needs-review` finding that shows the span and the suggested form.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from pipeline.locate import Evidence


class Action(enum.StrEnum):
    REPLACE = "replace"
    FLAG = "flag"


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known about one window of the translation taken for a wrong rendering of a source term."""

    evidence: Evidence
    quoted: bool = False  # inside a quotation (the speaker's words) in the translation or the English
    other_entry: str = ""  # the window is part of the approved rendering of this other entry («Национальная гвардия Украины»)
    qualifier: str = ""  # a name right after it that makes it another body («Национальная гвардия Казахстана»)
    contested: bool = False  # it overlaps what another source term may render
    incomplete: str = ""  # the phrase goes on past the window («Красноярський крайовий суд»): why
    surplus: bool = False  # more such windows than source terms left to render: which is which?
    calque_doubt: str = ""  # for a calque: why it may be a paraphrase ("" when its words and head are certainly the term's)
    forms: tuple[str, ...] = ()  # the approved term in every reading the context allows (distinct)
    form_problem: str = ""  # why no form could be chosen ("" when one could)
    agreement_problem: str = ""  # why words outside it cannot be made to agree ("" when they can)


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    reason: str = ""  # for a flag: why the text was left, in words a reviewer understands


def decide(facts: Facts) -> Decision:
    """Replace only when the window is certainly this term's rendering and the new words certainly fit."""
    if facts.quoted:
        return _flag("it is inside a quotation, whose words are the speaker's")
    if facts.other_entry:
        return _flag(f"it reads as (part of) the rendering of {facts.other_entry}, another glossary term")
    if facts.qualifier:
        return _flag(f"«{facts.qualifier}» after it may make it another country's body")
    if facts.incomplete:
        return _flag(facts.incomplete)
    if facts.contested:
        return _flag("another glossary term of the sentence may be rendered by the same words")
    if facts.surplus:
        return _flag("the translation has more such phrases than the English has terms, so which one renders it is unclear")
    if facts.evidence is Evidence.CALQUE and facts.calque_doubt:
        return _flag(facts.calque_doubt)
    if facts.form_problem:
        return _flag(facts.form_problem)
    if len(facts.forms) != 1:
        shown = ", ".join(f"«{f}»" for f in facts.forms)
        return _flag(f"its case is ambiguous and the approved term's forms differ ({shown})")
    if facts.agreement_problem:
        return _flag(facts.agreement_problem)
    return Decision(Action.REPLACE)


def _flag(reason: str) -> Decision:
    return Decision(Action.FLAG, reason)
