"""Versions of one quiz for a class: the same questions, in other orders, so neighbours' sheets differ.

A :class:`Version` is what every classroom output of one version is made from: the printed sheet, its
answer key, the projector page and each export. Its ``code`` (``A``, ``B``...) and ``seed`` are printed
on the sheet and carried into every export, so a sheet found on a desk can be matched with its key and
made again (``code`` and ``seed`` determine the orders).

Every version asks the same questions (a fair test: no version is easier), in a shuffled order, with
the options of each question shuffled. Options keep their meaning: ``correct`` is remapped, and
true/false statements keep "True" first, as printed everywhere. The right answer's position is assigned
the way the generator assigns it, not drawn: each question takes the position used least so far in the
version among questions with as many options, so no letter is the safe guess on any sheet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import string
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from handout.config import MAX_VERSIONS
from handout.quiz.generator import Form, Question

#: Kinds whose options are never reordered ("True" before "False" everywhere).
FIXED_ORDER = frozenset({"true-false"})


@dataclass(frozen=True)
class Version:
    """One version of a quiz: its questions in this version's order, and what identifies it."""

    #: The quiz's title (the data's ``title``).
    title: str
    #: ``"A"``, ``"B"``, ...; ``""`` for the whole question bank in the generator's order.
    code: str
    #: The seed the whole set of versions was made from.
    seed: int
    questions: tuple[Question, ...]
    #: BibTeX key -> author-year label, for the keys the questions cite.
    citations: Mapping[str, str] = field(default_factory=dict)
    #: How to name a set that is no lettered version (a quiz of a page); empty: from code and seed.
    caption: str = ""

    @property
    def label(self) -> str:
        """``Version B (seed 0)``: how the sheet, the key and every export name this version."""
        if self.caption:
            return self.caption
        return f"Version {self.code} (seed {self.seed})" if self.code else f"Question bank (seed {self.seed})"

    @property
    def name(self) -> str:
        """The title with the version label: the quiz's name in a learning platform."""
        return f"{self.title} — {self.label}"


def _cited(form: Form, citations: Mapping[str, str] | None) -> dict[str, str]:
    """The labels of the keys ``form`` cites: what a version carries of the bibliography."""
    return {k: v for k, v in (citations or {}).items() if any(k in q.cite for q in form.questions)}


def version_codes(count: int) -> tuple[str, ...]:
    if not 1 <= count <= MAX_VERSIONS:
        raise ValueError(f"versions must be from 1 to {MAX_VERSIONS}, not {count}")
    return tuple(string.ascii_uppercase[:count])


def whole_bank(form: Form, *, citations: Mapping[str, str] | None = None) -> Version:
    """Every question of ``form`` in its own order: what a learning platform imports, to shuffle itself."""
    return Version(title=form.title, code="", seed=form.seed, questions=form.questions,
                   citations=_cited(form, citations))


def make_versions(form: Form, count: int, *, citations: Mapping[str, str] | None = None) -> tuple[Version, ...]:
    """``count`` versions of ``form``, each a reproducible shuffle drawn from the form's seed and code."""
    cited = _cited(form, citations)
    return tuple(Version(title=form.title, code=code, seed=form.seed,
                         questions=_shuffle(form.questions, form.seed, code), citations=cited)
                 for code in version_codes(count))


def _shuffle(questions: Sequence[Question], seed: int, code: str) -> tuple[Question, ...]:
    # String seeds are hashed with SHA-512 by random.Random, the same on every machine and run.
    order = list(questions)
    random.Random(f"{seed}:{code}:order").shuffle(order)
    used: Counter[tuple[int, int]] = Counter()
    out = []
    for question in order:
        rng = random.Random(f"{seed}:{code}:{question.id}")
        if question.kind == "matching":
            out.append(_shuffle_matching(question, rng))
        elif question.options and question.kind not in FIXED_ORDER and len(question.correct) == 1:
            out.append(_place_answer(question, rng, used))
        else:
            out.append(question)
    return tuple(out)


def _place_answer(question: Question, rng: random.Random, used: Counter[tuple[int, int]]) -> Question:
    n = len(question.options)
    ties = list(range(n))
    rng.shuffle(ties)
    position = min(ties, key=lambda p: used[n, p])
    used[n, position] += 1
    answer = question.options[question.correct[0]]
    others = [o for i, o in enumerate(question.options) if i != question.correct[0]]
    rng.shuffle(others)
    others.insert(position, answer)
    return dataclasses.replace(question, options=tuple(others), correct=(position,))


def _shuffle_matching(question: Question, rng: random.Random) -> Question:
    prompt_order = list(range(len(question.prompts)))
    rng.shuffle(prompt_order)
    option_order = list(range(len(question.options)))
    rng.shuffle(option_order)
    new_index = {old: new for new, old in enumerate(option_order)}
    return dataclasses.replace(
        question,
        prompts=tuple(question.prompts[i] for i in prompt_order),
        options=tuple(question.options[i] for i in option_order),
        correct=tuple(new_index[question.correct[i]] for i in prompt_order),
    )


def answer_text(question: Question) -> str:
    """The right answer in words, for keys and exports: the option, the accepted words, or the pairs."""
    if question.kind == "matching":
        return "; ".join(f"{p} → {question.options[c]}" for p, c in zip(question.prompts, question.correct,
                                                                          strict=True))
    if question.options:
        return " / ".join(question.options[c] for c in question.correct)
    return " / ".join(question.accept)


def answer_letters(question: Question) -> str:
    """The right answer as the sheet's letters (``B``; matching ``1-B 2-A``); fill-blank: the words."""
    if question.kind == "matching":
        return " ".join(f"{i}-{string.ascii_uppercase[c]}" for i, c in enumerate(question.correct, 1))
    if question.options:
        return ", ".join(string.ascii_uppercase[c] for c in question.correct)
    return " / ".join(question.accept)


def public_id(question: Question) -> str:
    """The stable id as exports show it: ``member-3f9a2c1b7e``.

    A question's id names the fact it asks about (``member:mk-677:ghs-r-agonist`` names the right
    family), and learning platforms put ids where students can see them: Moodle's question name, a QTI
    item's label, the page source. A digest of the id is as stable (re-importing updates the same
    question) and gives nothing away. The prefix is the id's neutral fact type (term, member, target,
    evidence, study, matching), not the kind, which may change as the data grows.
    """
    prefix = question.id.partition(":")[0] or "question"
    return f"{prefix}-{hashlib.sha256(question.id.encode('utf-8')).hexdigest()[:10]}"
