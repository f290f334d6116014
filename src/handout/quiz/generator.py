"""Review questions generated from quiz data, deterministically and by the rules of item writing.

:func:`generate` turns a :class:`~handout.quiz.model.QuizData` into a :class:`Form`: the questions one
quiz (or the whole question bank) holds, in order, with their options, answers, rationales, citations
and the docs section to review. Every word a question is worded with comes from the data: the nouns and
verbs from ``data.labels`` (``item``, ``group``, ``target``...), the facts from the glossary, the
groups, the items and the subject's evidence scale; the code names no subject.

How a form is made
------------------
1. *Facts.* The data holds facts a student should know: what a glossary term means (``term:<term>``),
   which group an item belongs to (``member:<item>:<group>``) and what it acts on
   (``target:<item>:<group>``), what kind of evidence backs a finding (``evidence:<item>:<finding>``),
   which study reported it (``study:<item>:<finding>:<key>``), and one matching set (``matching``). A
   fact's id is its question's id: it never names a kind or another fact, so it survives the data
   growing (a new term may change which kind of question a fact is asked as, or its distractors, never
   its id).
2. *Drafts.* Each fact is drafted in every kind that can ask it (:class:`_Drafter`), each draft checked
   against the item-writing rules below; a kind that breaks a rule is left out for that fact with the
   rule's name (:attr:`Form.unasked` says which rules left which facts unasked).
3. *Selection.* Facts are taken in a seeded order, one kind at a time, always the kind with the fewest
   questions so far, so kinds spread evenly; ``count`` stops early, so a short form holds the first
   picks of the full one. A draft is taken only when it is no *enemy* of a question already in the form
   (:func:`_select`).
4. *Order and answer positions.* The form's order is a seeded shuffle. The position of the right answer
   is assigned, not drawn: each question takes the position used least so far among questions with as
   many options, so the counts per position differ by at most one.

Item-writing rules (Haladyna's guidelines, and test assembly's enemy items)
---------------------------------------------------------------------------
* **Homogeneous options.** A term's distractors, and the definition a false statement swaps in, are of
  the term's category (``category`` in the data); a category too small for a kind leaves that kind out.
  Groups stand against groups, targets against targets, studies against studies, evidence labels
  against labels of the same scale. Options are never padded with another kind of thing.
* **One defensible answer.** Terms the data relates (``related``: near-synonyms, broader, narrower),
  terms whose names contain each other and terms named in each other's definitions never stand against
  each other; an item's other groups are never its distractors; a study cited for the item, any of its
  groups or the fact itself is never a wrong answer.
* **No cue.** No right option shares a content word (or its Snowball stem) with the stem that every
  distractor lacks; item names are tried without their aliases before the question is left out. The
  answer is never conspicuously longer than a distractor. No "all/none of the above", no negated stem.
* **Enemies.** Within one form no two questions test the same fact (an item's group, its target, the
  true/false statement on it and a matching prompt on it are one fact), no two share their right answer
  (true/false aside), and no question's text holds another's answer together with what that one asks.
* **Fill-in** stems are sentences with the blank inside; answers are compared ignoring case, spacing,
  hyphens, punctuation and accents, and :attr:`Question.variants` spells out every accepted form for
  the platforms that compare literally.
* **Rationales teach**: the group's mechanism, the study's design and population and what the evidence
  label means, the term's definition, its word history and related terms.

Determinism: every choice is a draw seeded with the form's seed and the ids the choice is about
(:func:`_rank`, :func:`_rng`); data is read in sorted id order, never from a set. The work is linear in
the size of the data: distractors are sampled from prepared pools, never ranked against every entry.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import random
import re
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from handout.quiz.model import Compound, Family, Finding, QuizData, Term

_T = TypeVar("_T")

KINDS = (
    "term-definition",
    "definition-term",
    "fill-blank",
    "true-false",
    "item-group",
    "group-item",
    "item-target",
    "finding-evidence",
    "finding-study",
    "matching",
)
# Earlier names of kinds, still accepted where kinds are listed (``:kinds:`` of a quiz, ``--kinds``).
KIND_ALIASES = {"compound-family": "item-group", "family-compound": "group-item", "compound-target": "item-target"}
# Kinds that ask about glossary terms.
TERM_KINDS = ("term-definition", "definition-term", "fill-blank", "true-false")
# Kinds whose answer is a term's name: another question that prints the name gives it away.
NAME_ANSWERS = frozenset({"definition-term", "fill-blank"})
# Kinds with one right option among distractors.
CHOICE_KINDS = frozenset(KINDS) - {"true-false", "matching", "fill-blank"}

MAX_OPTIONS = 4
# Distractors a question needs at least. Groups and targets may legitimately have only two values in a
# data set, so one distractor is enough there; every other category has more to choose from.
MIN_DISTRACTORS: dict[str, int] = {
    "term-definition": 2,
    "definition-term": 2,
    "item-group": 1,
    "item-target": 1,
    "group-item": 2,
    "finding-evidence": 2,
    "finding-study": 2,
}
# The answer is "conspicuously longer" than a distractor when both hold: it is more than LENGTH_RATIO
# times as long, and more than LENGTH_SLACK characters longer (short names differing by a word are not).
LENGTH_RATIO = 1.5
LENGTH_SLACK = 12
# A matching question pairs 2 to MATCH_PROMPTS items with their groups.
MATCH_PROMPTS = 4
# Candidates looked at for one question's distractors: enough to find three usable ones, few enough that
# a question costs the same on a 10,000-term glossary as on a 20-term one.
SAMPLE = 16
BLANK = "_____"
TRUE_FALSE = ("True", "False")

NEGATION = re.compile(r"\b(?:not|never|except|none|no|false|incorrect|least)\b|n't\b", re.IGNORECASE)
ABOVE = re.compile(r"\b(?:all|none|both|neither)\s+of\s+(?:the\s+)?(?:above|these|those|them|others)\b",
                   re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class Question:
    """One question. ``correct`` indexes ``options``; for matching, ``correct[i]`` is the option for
    ``prompts[i]``; fill-blank has no options and accepts any of ``accept`` (the names as people read
    them), compared as :func:`answer_key` does; ``variants`` spells out each accepted form for platforms
    that compare answers literally (Moodle short answer, GIFT, QTI)."""

    id: str
    kind: str
    stem: str
    options: tuple[str, ...]
    correct: tuple[int, ...]
    prompts: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    rationale: str
    cite: tuple[str, ...]
    section: str
    draws_on: tuple[str, ...]
    negated: bool = False

    @property
    def spelled(self) -> tuple[str, ...]:
        """Every accepted answer written out (``variants``, or ``accept`` where none were made)."""
        return self.variants or self.accept

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "stem": self.stem,
            "options": list(self.options),
            "correct": list(self.correct),
            "prompts": list(self.prompts),
            "accept": list(self.accept),
            "variants": list(self.variants),
            "rationale": self.rationale,
            "cite": list(self.cite),
            "section": self.section,
            "draws_on": list(self.draws_on),
            "negated": self.negated,
        }


@dataclass(frozen=True)
class Form:
    """The questions of one quiz (or of the whole bank), with what was left out and what is covered.

    ``coverage`` has ``untested_terms`` (glossary terms as written), ``untested_compounds`` (item ids),
    ``questions_per_family`` (group id -> number of questions touching it) and ``questions_per_kind``.
    ``unasked`` maps a rule to the facts it left unasked, each with why (the teacher's report).
    """

    title: str
    seed: int
    questions: tuple[Question, ...]
    notes: tuple[str, ...]
    coverage: Mapping[str, Any]
    unasked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the question bank the command line writes."""
        return {
            "version": 2,
            "title": self.title,
            "seed": self.seed,
            "questions": [q.as_dict() for q in self.questions],
            "notes": list(self.notes),
            "coverage": {k: dict(v) if isinstance(v, Mapping) else list(v) for k, v in self.coverage.items()},
            "unasked": {k: list(v) for k, v in self.unasked.items()},
        }


def describe_unasked(unasked: Mapping[str, Sequence[str]], shown: int = 6) -> list[str]:
    """The report of unasked facts, a line per rule: how many facts it left out, and the first few."""
    lines = []
    for rule, facts in unasked.items():
        more = f" and {len(facts) - shown} more" if len(facts) > shown else ""
        lines.append(f"{len(facts)} fact(s) unasked because {rule}: {', '.join(facts[:shown])}{more}")
    return lines


def canonical_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """Kinds as the generator names them (earlier names mapped), in the order given, without repeats."""
    return tuple(dict.fromkeys(KIND_ALIASES.get(k, k) for k in kinds))


def generate(data: QuizData, *, seed: int = 0, count: int | None = None, kinds: Sequence[str] | None = None,
             citations: Mapping[str, str] | None = None, bank: bool = False) -> Form:
    """The form for ``data`` and ``seed``: every fact asked once (or ``count`` questions spread over the
    kinds), limited to ``kinds`` when given. ``citations`` maps BibTeX keys to labels
    (:func:`handout.quiz.bib.cite_labels`); without it rationales cite keys and finding-study is skipped.

    With ``bank`` the result is the question bank, not a form: every fact that can be asked is, once,
    whatever it shares with other questions. A bank is the pool a platform draws from, so its ids must
    survive the data growing; a new fact must never push an old one out as its enemy. Forms (quizzes,
    class versions) are drawn enemy-free.
    """
    wanted = tuple(KINDS) if kinds is None else canonical_kinds(kinds)
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown question kind(s): {', '.join(unknown)}; known kinds: {', '.join(KINDS)}")
    if count is not None and count < 0:
        raise ValueError(f"count must be 0 or more, not {count}")
    drafter = _Drafter(data, seed, citations, frozenset(wanted))
    tasks = drafter.tasks()
    picked = _select(tasks, seed, None if bank else count, wanted, enemies=not bank)
    chosen = picked.chosen
    ordered = sorted(chosen, key=lambda d: (_rank(seed, "order", d.fact), d.fact))
    questions = _place(ordered, seed)
    notes = list(drafter.general)
    unasked = _unasked(drafter, tasks, picked)
    present = {q.kind for q in questions}
    facts = {fact for _, fact, _ in tasks}
    for kind in wanted:
        if kind not in present:
            why = "count reached" if count is not None and len(chosen) == count else (
                "the data gives none (see the report of unasked facts)" if kind not in picked.drafted else
                "every fact it could ask went to another kind")
            notes.append(f"{kind}: no question in this {'bank' if bank else 'form'}; {why}")
    if count is not None and len(chosen) == count and count < len(facts):
        notes.append(f"count {count}: {len(facts)} facts could be asked; {count} questions kept, spread over "
                     "the kinds")
    return Form(title=data.title, seed=seed, questions=questions, notes=tuple(dict.fromkeys(notes)),
                coverage=_coverage(data, chosen), unasked=unasked)


# -- Drafts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Draft:
    kind: str
    fact: str  # the question's id
    stem: str
    rationale: str
    cite: tuple[str, ...]
    section: str
    enemies: tuple[str, ...]  # facts of which a form asks one: the draft's own and its overlaps
    subjects: tuple[str, ...] = ()  # names of what the stem asks about, for the reveal check
    key: str = ""
    distractors: tuple[str, ...] = ()
    truth: bool | None = None  # true/false only
    prompts: tuple[str, ...] = ()  # matching: the items
    answers: tuple[str, ...] = ()  # matching: the option that answers each prompt
    choices: tuple[str, ...] = ()  # matching: every option
    accept: tuple[str, ...] = ()
    draws_on: tuple[str, ...] = ()
    negated: bool = False
    covers: tuple[str, ...] = ()  # other facts this question asks too (a matching set's memberships)
    about: tuple[str, ...] = ()  # entities the question asks about: term:<id>, item:<id>, study:<key>
    touches: tuple[str, ...] = ()  # entities its options or statement show besides the answer
    terms: tuple[str, ...] = ()  # what the question tests, for the coverage report
    compounds: tuple[str, ...] = ()
    families: tuple[str, ...] = ()

    @property
    def answer(self) -> str:
        """The right answer as a comparable key ('' where answers may repeat: true/false, matching)."""
        return _norm(self.key) if self.kind in CHOICE_KINDS or self.kind == "fill-blank" else ""

    @property
    def text(self) -> str:
        return " ".join((self.stem, *self.distractors, self.key, *self.prompts, *self.choices))


# One (kind, fact) the data could ask, with the function that drafts it.
_Task = tuple[str, str, Callable[[], list["_Draft"]]]

# Rules a draft can break, as the report names them.
CATEGORY = "too few other terms of its category to choose options from"
RELATED = "every term of its category is related to it, or named in its definition"
CUE = "its answer shares a word with the question that no distractor has (a cue)"
SELF = "its definition names the term itself"
EVIDENCE_CLUE = "the finding's text names its own kind of evidence"
STUDIES = "too few studies that are not cited for the item, its group or the fact"
GROUPS = "too few other groups to choose options from"
LONG = "the answer would be conspicuously longer than the distractors"
ENEMY = ("every question that could ask it would be an enemy of one already in the form (same fact, same "
         "answer, or an answer given away), or would unbalance true and false statements")
MEMBERS = "too few items outside the group to choose options from"


class _Drafter:
    def __init__(self, data: QuizData, seed: int, citations: Mapping[str, str] | None,
                 wanted: frozenset[str]) -> None:
        self.data = data
        self.seed = seed
        self.citations = citations
        self.wanted = wanted
        self.labels = dataclasses.asdict(data.labels)
        # fact -> rule -> kinds it left out; general notes that are about no single fact.
        self.broken: dict[str, dict[str, list[str]]] = {}
        self.general: list[str] = []
        self.families = sorted(data.families, key=lambda f: f.id)
        self.by_id = {f.id: f for f in self.families}
        self.compounds = sorted(data.compounds, key=lambda c: c.id)
        self.members: dict[str, list[Compound]] = {f.id: [] for f in self.families}
        for c in self.compounds:
            for f in c.families:
                self.members.setdefault(f, []).append(c)

    def broke(self, fact: str, kind: str, rule: str) -> None:
        self.broken.setdefault(fact, {}).setdefault(rule, []).append(kind)

    def tasks(self) -> list[_Task]:
        """Every (kind, fact) the data could ask, each with the function that drafts it. Term questions
        are drafted only when the selection asks for them: a bank asks each fact in one kind, so most
        drafts would be thrown away, and a glossary is the largest part of a course's data."""
        out: list[_Task] = []
        if self.wanted & set(TERM_KINDS):
            out += _TermDrafter(self).tasks()
        memo: dict[tuple[str, ...], list[_Draft]] = {}

        def lazily(key: tuple[str, ...], draft: Callable[[], list[_Draft]], kind: str, fact: str) -> list[_Draft]:
            if key not in memo:
                memo[key] = draft()
            return [d for d in memo[key] if d.kind == kind and d.fact == fact]

        def add(kind: str, fact: str, key: tuple[str, ...], draft: Callable[[], list[_Draft]]) -> None:
            if kind in self.wanted:
                out.append((kind, fact, functools.partial(lazily, key, draft, kind, fact)))

        for c in self.compounds:
            for f in sorted(c.families):
                if f not in self.by_id:
                    continue
                member = f"member:{c.id}:{f}"
                for kind in ("item-group", "true-false"):
                    add(kind, member, ("item", c.id, kind), functools.partial(self.compound_drafts, c, kind))
                add("group-item", member, ("group", f), functools.partial(self.family_drafts, self.by_id[f]))
                add("item-target", f"target:{c.id}:{f}", ("item", c.id, "item-target"),
                    functools.partial(self.compound_drafts, c, "item-target"))
            for finding in sorted(c.findings, key=lambda x: x.id):
                evidence = f"evidence:{c.id}:{finding.id}"
                for kind in ("finding-evidence", "true-false", "finding-study"):
                    draft = functools.partial(self.finding_drafts, c, finding, kind)
                    if kind == "finding-study":
                        for key in sorted(finding.cite):
                            add(kind, f"study:{c.id}:{finding.id}:{key}", ("finding", c.id, finding.id, kind), draft)
                    else:
                        add(kind, evidence, ("finding", c.id, finding.id, kind), draft)
        if "matching" in self.wanted:
            out += [(d.kind, d.fact, functools.partial(list, [d])) for d in self.matching_drafts()]
        return out

    # -- wording ----------------------------------------------------------------------------

    def say(self, template: str, **facts: str) -> tuple[str, bool]:
        """The stem, and whether its wording (labels included, quoted facts left out) is negated."""
        wording = template.format(**self.labels, **dict.fromkeys(facts, ""))
        return _typo(template.format(**self.labels, **facts)), bool(NEGATION.search(wording))

    def label(self, key: str) -> str:
        return self.citations.get(key, key) if self.citations is not None else key

    def who(self, keys: Sequence[str]) -> str:
        """``Nass et al. (2008)``: the studies as the subject of a sentence."""
        return " and ".join(re.sub(r"^(.*), (\d{4}\w?)$", r"\1 (\2)", self.label(k)) for k in keys)

    def sentence(self, text: str, cite: Sequence[str] = ()) -> str:
        """One or more sentences, the last ending with its citations in round brackets."""
        text = _clause(text)
        if cite:
            return _typo(f"{text} ({'; '.join(self.label(k) for k in cite)}).")
        return _typo(f"{text}.")

    def choice(self, kind: str, fact: str, key: str, candidates: Iterable[tuple[str, str]], barred: Iterable[str],
               stem: str, **fields: Any) -> _Draft | None:
        """A choice draft with distractors from ``candidates`` (id, text), or ``None`` with the rule it
        broke recorded. ``barred`` are texts no option may equal or contain (the answer's other names)."""
        barred = [key, *barred]
        chosen: list[str] = []
        ids: list[str] = []
        long = 0
        for cid, text in candidates:
            if ABOVE.search(text) or any(_overlaps(text, b) for b in barred) or \
                    any(_overlaps(text, c) for c in chosen):
                continue
            if _conspicuous(key, text):
                long += 1
                continue
            chosen.append(text)
            ids.append(cid)
            if len(chosen) == MAX_OPTIONS - 1:
                break
        if ABOVE.search(key):
            return None
        if len(chosen) < MIN_DISTRACTORS[kind]:
            self.broke(fact, kind, LONG if long else fields.pop("_few", CATEGORY))
            return None
        fields.setdefault("about", ())
        fields.pop("_few", None)
        prefix = fields.pop("_touch", None)
        if cue := _cue(stem, key, chosen):
            self.broke(fact, kind, CUE + f" ('{cue}')")
            return None
        touches = tuple(f"{prefix}{i}" for i in ids) if prefix else ()
        return _Draft(kind=kind, fact=fact, stem=stem, key=key, distractors=tuple(chosen), touches=touches, **fields)

    # -- items and their groups -------------------------------------------------------------

    def group_name(self, family: Family) -> str:
        return _mid(family.name)

    def member_sentence(self, compound: Compound, family: Family, name: str | None = None) -> str:
        """Why ``compound`` is in ``family``: the family and what its members do."""
        return (f"{_cap(name or compound.display_name)} belongs to the {self.labels['group']} of "
                f"{self.group_name(family)}. {_cap(self.labels['items'])} in this {self.labels['group']} "
                f"{_mid(_clause(family.mechanism))}")

    def item_names(self, compound: Compound) -> list[str]:
        """How an item may be named in a question: with its aliases, then (if they give a cue) without."""
        return list(dict.fromkeys((_mid(compound.display_name), _mid(compound.name))))

    def compound_drafts(self, compound: Compound, only: str | None = None) -> list[_Draft]:
        mine = [self.by_id[f] for f in sorted(compound.families)]
        others = [f for f in self.families if f.id not in compound.families]
        rng_others = _sample(others, self.seed, "groups", compound.id)
        out: list[_Draft] = []
        enemies = (f"item:{compound.id}",)
        common: dict[str, Any] = {"section": compound.section, "compounds": (compound.id,), "enemies": enemies,
                                  "about": (f"item:{compound.id}",)}
        for family in mine:
            fact = f"member:{compound.id}:{family.id}"
            draws = (compound.id, family.id)
            cand = [(f.id, _cap(f.name)) for f in rng_others]
            if only in (None, "item-group") and "item-group" in self.wanted:
                for name in self.item_names(compound):
                    stem, neg = self.say("Which {group} does the {item} {name} belong to?", name=name)
                    draft = self.choice("item-group", fact, _cap(family.name), cand, [_cap(f.name) for f in mine],
                                        stem, negated=neg, rationale=self.sentence(
                                            self.member_sentence(compound, family, name), family.cite),
                                        cite=family.cite, subjects=compound.names, draws_on=draws,
                                        families=(family.id,), _few=GROUPS, **common)
                    if draft:
                        out.append(draft)
                        break
            if only in (None, "true-false") and "true-false" in self.wanted:
                out += self.member_statements(compound, family, fact, mine, rng_others, common)
        if only in (None, "item-target") and "item-target" in self.wanted:
            targets: list[str] = []
            for family in mine:
                if any(_overlaps(family.target, t) for t in targets):
                    continue  # the same target through another group: one question
                targets.append(family.target)
                fact = f"target:{compound.id}:{family.id}"
                cand = [(f.id, f.target) for f in rng_others]
                for name in self.item_names(compound):
                    stem, neg = self.say("Which {target} does {name} {target_verb}?", name=name)
                    rationale = (f"{_cap(name)} belongs to the {self.labels['group']} of {self.group_name(family)}, "
                                 f"which {self.labels['target_verb']} the {_mid(family.target)}; "
                                 f"that {self.labels['target']}'s {self.labels['ligand']} is "
                                 f"{_mid(_clause(family.ligand))}. {_cap(self.labels['items'])} in this "
                                 f"{self.labels['group']} {_mid(_clause(family.mechanism))}")
                    draft = self.choice("item-target", fact, family.target, cand, [f.target for f in mine], stem,
                                        negated=neg, rationale=self.sentence(rationale, family.cite),
                                        cite=family.cite, subjects=compound.names,
                                        draws_on=(compound.id, family.id), families=(family.id,), _few=GROUPS,
                                        **{**common, "section": family.section or compound.section})
                    if draft:
                        out.append(draft)
                        break
        return out

    def member_statements(self, compound: Compound, family: Family, fact: str, mine: Sequence[Family],
                          others: Sequence[Family], common: Mapping[str, Any]) -> list[_Draft]:
        """A true statement of the item's group, and a false one naming another group."""
        template = "The {item} {name} belongs to the {group} of {family}."
        stem, neg = self.say(template, name=_mid(compound.display_name), family=self.group_name(family))
        out = [_Draft(kind="true-false", fact=fact, stem=stem, negated=neg, truth=True,
                      rationale=self.sentence(self.member_sentence(compound, family), family.cite), cite=family.cite,
                      draws_on=(compound.id, family.id), families=(family.id,), subjects=compound.names, **common)]
        wrong = next((f for f in others if not any(_overlaps(f.name, m.name) for m in mine)), None)
        if wrong is not None:
            stem, neg = self.say(template, name=_mid(compound.display_name), family=self.group_name(wrong))
            rationale = self.sentence(f"{self.member_sentence(compound, family)}; {_mid(compound.name)} is not one of "
                                      f"the {self.group_name(wrong)}", family.cite)
            out.append(_Draft(kind="true-false", fact=fact, stem=stem, negated=neg, truth=False, rationale=rationale,
                              cite=family.cite, draws_on=(compound.id, family.id, wrong.id),
                              families=(family.id, wrong.id), subjects=compound.names, **common))
        return out

    def family_drafts(self, family: Family) -> list[_Draft]:
        if "group-item" not in self.wanted:
            return []
        members = self.members.get(family.id, [])
        barred = [n for c in members for n in (*c.names, c.display_name)]
        outside = [c for c in _sample(self.compounds, self.seed, "items", family.id) if family.id not in c.families]
        out: list[_Draft] = []
        for compound in members:
            fact = f"member:{compound.id}:{family.id}"
            stem, neg = self.say("Which {item} belongs to the {group} of {family}?", family=self.group_name(family))
            # Options with their aliases, then without: an alias that echoes the group's name is a cue.
            for full in (True, False):
                def named(c: Compound, full: bool = full) -> str:
                    return c.display_name if full else c.name

                draft = self.choice("group-item", fact, named(compound), [(c.id, named(c)) for c in outside], barred,
                                    stem, negated=neg, rationale=self.sentence(
                                        self.member_sentence(compound, family), family.cite),
                                    cite=family.cite, section=family.section or compound.section,
                                    enemies=(f"item:{compound.id}", f"members:{family.id}"),
                                    about=(f"item:{compound.id}",), _touch="item:",
                                    subjects=(family.name,), draws_on=(family.id, compound.id),
                                    compounds=(compound.id,), families=(family.id,), _few=MEMBERS)
                if draft:
                    out.append(draft)
                    break
        return out

    # -- findings -----------------------------------------------------------------------------

    def finding_drafts(self, compound: Compound, finding: Finding, only: str | None = None) -> list[_Draft]:
        name, text = _mid(compound.display_name), _clause(finding.text)
        where = (compound.id, finding.id)
        level = self.data.evidence_level(finding.evidence)
        common: dict[str, Any] = {"cite": finding.cite, "section": compound.section, "compounds": (compound.id,),
                                  "families": tuple(sorted(compound.families)), "subjects": (finding.text,)}
        design = f" from {_clause(finding.design)}" if finding.design else ""
        # The citation follows the sentence it supports, as "(Label)": the renderers make it a link.
        cited = f" ({'; '.join(self.label(k) for k in finding.cite)})" if finding.cite else ""
        why = (f"The finding was reported{design}{cited}. That makes it evidence of the kind "
               f"“{level.label}”: {_mid(_clause(level.meaning))}.")
        out: list[_Draft] = []
        fact = f"evidence:{compound.id}:{finding.id}"
        finding_key = f"finding:{compound.id}:{finding.id}"  # its evidence and its study: one form asks one
        if clue := self.evidence_clue(finding):
            self.broke(fact, "finding-evidence", f"{EVIDENCE_CLUE} ('{clue}')")
        else:
            if only in (None, "finding-evidence") and "finding-evidence" in self.wanted:
                stem, neg = self.say("What kind of evidence supports the finding that {name} {finding}?",
                                     name=name, finding=text)
                # The answer's neighbours on the scale: the plausible mix-ups (a trial for a trial), not
                # labels the finding's own words rule out.
                scale = [e.id for e in self.data.evidence]
                at = scale.index(finding.evidence) if finding.evidence in scale else 0
                cand = [(e.id, e.label) for e in sorted(self.data.evidence, key=lambda e: (
                    abs(scale.index(e.id) - at), _rank(self.seed, fact, e.id))) if e.id != finding.evidence][:2]
                draft = self.choice("finding-evidence", fact, level.label, cand, (), stem, negated=neg,
                                    rationale=self.sentence(why), draws_on=where, enemies=(fact, finding_key),
                                    _few=CATEGORY, **common)
                if draft:
                    out.append(draft)
            if only in (None, "true-false") and "true-false" in self.wanted:
                template = "{evidence} is the kind of evidence behind the finding that {name} {finding}."
                stem, neg = self.say(template, name=name, finding=text, evidence=_cap(_article(_mid(level.label))))
                out.append(_Draft(kind="true-false", fact=fact, stem=stem, negated=neg, truth=True,
                                  rationale=self.sentence(why), draws_on=where, enemies=(fact, finding_key),
                                  **common))
                other = next((e for e in _sample(self.data.evidence, self.seed, "statement", fact)
                              if e.id != finding.evidence), None)
                if other is not None:
                    stem, neg = self.say(template, name=name, finding=text, evidence=_cap(_article(_mid(other.label))))
                    out.append(_Draft(kind="true-false", fact=fact, stem=stem, negated=neg, truth=False,
                                      rationale=self.sentence(f"{why} It is not evidence of the kind “{other.label}”"),
                                      draws_on=(*where, other.id), enemies=(fact, finding_key), **common))
        if only not in (None, "finding-study") or "finding-study" not in self.wanted:
            return out
        if self.citations is None:
            self.general.append("finding-study: no citation labels were given, so no study can be named as an option")
            return out
        # A study cited for the item, any of its groups or this fact might well have reported it too.
        own = set(_keys([*(f.cite for f in compound.findings), *(self.by_id[g].cite for g in compound.families
                                                                   if g in self.by_id), finding.cite]))
        pool = [(k, self.label(k)) for k in _sample(self.cited_keys, self.seed, "studies", fact) if k not in own]
        stem, neg = self.say("Which study reported that {name} {finding}?", name=name, finding=text)
        for key in sorted(finding.cite):
            study_fact = f"study:{compound.id}:{finding.id}:{key}"
            design_why = f"The finding was reported{design}{cited}"
            draft = self.choice("finding-study", study_fact, self.label(key), pool, [self.label(k) for k in own], stem,
                                negated=neg, rationale=self.sentence(design_why), draws_on=(*where, key),
                                enemies=(study_fact, finding_key), about=(f"study:{key}",), _touch="study:",
                                _few=STUDIES, **common)
            if draft:
                others = self.who([t.removeprefix("study:") for t in draft.touches])
                out.append(dataclasses.replace(draft, rationale=self.sentence(
                    f"{design_why}. The handout cites {others} for other findings")))
        return out

    @functools.cached_property
    def cited_keys(self) -> list[str]:
        """Every study the data cites: the pool of a finding-study question's options."""
        data = self.data
        return sorted(set(_keys([*(t.cite for t in data.terms), *(f.cite for f in data.families),
                                 *(f.cite for f in data.findings)])))

    def evidence_clue(self, finding: Finding) -> str:
        """A word of the finding's text that names its kind of evidence ('in animal experiments'), or ''."""
        label = self.data.evidence_level(finding.evidence).label
        others = {w for e in self.data.evidence if e.label != label for w in _norm(e.label).split()}
        distinctive = [w for w in _norm(label).split() if len(w) >= 4 and w not in others and w not in _PLAIN_WORDS]
        for word in _norm(finding.text).split():
            for giveaway in distinctive:
                if word.startswith(giveaway[: max(4, len(giveaway) - 2)]):
                    return word
        return ""

    # -- matching -----------------------------------------------------------------------------

    def matching_drafts(self) -> list[_Draft]:
        single = [c for c in self.compounds if len(c.families) == 1]
        ranked = sorted(single, key=lambda c: (_rank(self.seed, "matching", c.id), c.id))[: MATCH_PROMPTS * 8]
        # A matching set is the enemy of every other question on its items: leave at least one item out
        # of it, so a form can still ask an item's group or target on its own.
        prompts = min(MATCH_PROMPTS, max(2, len(single) - 1))
        chosen: list[Compound] = []
        # First one item of each group, then more items, while names and groups stay distinct.
        for spread in (True, False):
            for c in ranked:
                if len(chosen) == prompts or c in chosen:
                    continue
                fam = self.by_id[c.families[0]]
                taken = [self.by_id[x.families[0]] for x in chosen]
                if spread and fam in taken:
                    continue
                if any(_overlaps(c.display_name, x.display_name) for x in chosen):
                    continue
                if any(_overlaps(fam.name, t.name) for t in taken if t != fam):
                    continue
                chosen.append(c)
        groups = sorted({c.families[0] for c in chosen})
        if len(chosen) < 2 or len(groups) < 2:
            self.broke("matching", "matching", f"needs 2 {self.labels['items']} in one {self.labels['group']} each, "
                                               f"from 2 different {self.labels['groups']}")
            return []
        chosen.sort(key=lambda c: c.id)
        families = [self.by_id[f] for f in groups]
        # Room left in the options: more groups, as distractors.
        for family in _sample(self.families, self.seed, "matching-groups", "matching"):
            if len(families) == MAX_OPTIONS:
                break
            if family not in families and not any(_overlaps(family.name, f.name) for f in families):
                families.append(family)
        families.sort(key=lambda f: f.id)
        # Said every time, so that knowing some pairs never rules options out for the others.
        stem, neg = self.say("Match each {item} to its {group}. A {group} may be used more than once, and some "
                             "may be left unused.")
        cite = _keys(self.by_id[c.families[0]].cite for c in chosen)
        by_group: dict[str, list[Compound]] = {}
        for c in chosen:
            by_group.setdefault(c.families[0], []).append(c)
        # One sentence pair per group, each with the group's own citations.
        sentences = []
        for g, members in by_group.items():
            family = self.by_id[g]
            # The prompts show the aliases already; the projector shows this under them, so it stays short.
            names = _join([members[0].name, *(_mid(x.name) for x in members[1:])])
            verb = "are" if len(members) > 1 else "is one of the"
            sentences.append(self.sentence(f"{names} {verb} {self.group_name(family)}, which "
                                           f"{_mid(_clause(family.mechanism))}", family.cite))
        rationale = " ".join(sentences)
        pages = {_page(f.section) for f in families if f.section}
        section = pages.pop() if len(pages) == 1 else _page(chosen[0].section)
        return [_Draft(kind="matching", fact="matching", stem=stem, negated=neg, rationale=rationale, cite=cite,
                       section=section, enemies=("matching", *(f"item:{c.id}" for c in chosen)),
                       prompts=tuple(c.display_name for c in chosen),
                       answers=tuple(_cap(self.by_id[c.families[0]].name) for c in chosen),
                       choices=tuple(_cap(f.name) for f in families), draws_on=(*(c.id for c in chosen),),
                       covers=tuple(f"member:{c.id}:{c.families[0]}" for c in chosen),
                       compounds=tuple(c.id for c in chosen), families=tuple(f.id for f in families))]


class _TermDrafter:
    """The questions on glossary terms: what a term means, which term a definition names, the term in a
    sentence with a blank, and true/false statements of a definition (or of another term's, swapped)."""

    def __init__(self, parent: _Drafter) -> None:
        self.p = parent
        self.terms: list[Term] = []
        seen: dict[str, Term] = {}
        self.by_id = seen
        for term in sorted(parent.data.terms, key=lambda t: (t.id, t.term)):
            if term.id in seen:
                parent.general.append(f"term '{term.term}': its id '{term.id}' is that of '{seen[term.id].term}'; "
                                      "only the first is asked")
                continue
            seen[term.id] = term
            self.terms.append(term)
        # Pools of distractors: a term's category, and within it the terms taught on the same page (the more
        # plausible mix-ups, so the preferred ones).
        self.by_category: dict[str, list[Term]] = {}
        self.by_page: dict[tuple[str, str], list[Term]] = {}
        for t in self.terms:
            self.by_category.setdefault(t.category, []).append(t)
            self.by_page.setdefault((t.category, _page(t.section)), []).append(t)
        names = {_norm(n): t for t in self.terms for n in t.names}
        self.related: dict[str, set[str]] = {t.id: set() for t in self.terms}
        for t in self.terms:
            for name in t.related:
                other = names.get(_norm(name))
                if other is not None:
                    self.related[t.id].add(other.id)
                    self.related[other.id].add(t.id)

    def tasks(self) -> list[_Task]:
        p = self.p
        out: list[_Task] = []
        for term in self.terms:
            fact = f"term:{term.id}"
            if _self_naming(term):
                p.broke(fact, "term questions", SELF)
                continue
            out += [(kind, fact, functools.partial(self.make, term, kind)) for kind in TERM_KINDS if kind in p.wanted]
        return out

    def make(self, term: Term, kind: str) -> list[_Draft]:
        return [d for d in self.term_drafts(term, kind) if d.kind == kind]

    def candidates(self, term: Term, purpose: str) -> list[Term]:
        """Terms that may stand against ``term``: same category, not related, same page first. Only the
        first few that qualify are kept: a question needs three, a false statement one."""
        p = self.p
        near = _sample(self.by_page.get((term.category, _page(term.section)), []), p.seed, purpose, term.id)
        wide = _sample(self.by_category.get(term.category, []), p.seed, purpose, "all", term.id)
        out: list[Term] = []
        seen = {term.id}
        for t in (*near, *wide):
            if t.id in seen:
                continue
            seen.add(t.id)
            if t.id in self.related[term.id] or _related(term, t):
                continue
            if any(t.id in self.related[o.id] or _related(o, t) for o in out):
                continue  # two options that are half of each other: one would read as the other's answer
            out.append(t)
            if len(out) == MAX_OPTIONS + 1:  # three distractors, and room for one refused for its length
                break
        return out

    def term_drafts(self, term: Term, only: str) -> list[_Draft]:
        """The drafts of kind ``only`` on ``term`` (what every kind shares is worked out each time: a bank
        asks a term in one kind, so there is nothing to share)."""
        p = self.p
        fact = f"term:{term.id}"
        others = self.candidates(term, "terms") if only != "fill-blank" or not term.context else []
        few = RELATED if len(self.by_category.get(term.category, [])) > 1 + len(others) else CATEGORY
        related = [self.by_id[i] for i in self.related[term.id]]
        extra = ""
        if term.context:
            extra += f" {_cap(_clause(term.context))}."
        elif only in ("fill-blank", "true-false") and others:
            # Nothing from the data on why the term matters: teach the nearest mix-up instead.
            near = others[0]
            extra += f" Not to be confused with “{_mid(near.term)}”, {_mid(_first_clause(near.definition))}."
        # The citations support the definition and its context; word history and related terms follow them.
        tail = ""
        if term.etymology:
            tail += f" {_cap(_clause(term.etymology))}."
        if related:
            tail += f" Related: {', '.join(f'“{_mid(t.term)}”' for t in sorted(related, key=lambda t: t.id))}."
        also = f" (also {'; '.join(f'“{_mid(a)}”' for a in term.aliases)})" if term.aliases else ""
        meaning = f"“{term.term}”{also} means {_mid(_clause(term.definition))}."
        # Related terms are one fact for a form: asking two of them lets one answer the other.
        enemies = (fact, *(f"term:{t.id}" for t in related))
        common: dict[str, Any] = {"cite": term.cite, "section": term.section, "enemies": enemies, "terms": (term.id,),
                                  "draws_on": (term.id,), "subjects": term.names, "about": (fact,)}
        rationale = p.sentence(meaning + extra, term.cite) + tail
        out: list[_Draft] = []
        if only == "term-definition":
            stem, neg = p.say("What does “{term}” mean?", term=_mid(term.term))
            pool = [(t.id, _cap(t.definition)) for t in others]
            draft = p.choice("term-definition", fact, _cap(term.definition), pool, (), stem, negated=neg,
                             rationale=rationale, _few=few, _touch="term:", **common)
            if draft:
                wrong = [self.by_id[t.removeprefix("term:")].term for t in draft.touches]
                out.append(dataclasses.replace(draft, rationale=rationale + " " + p.sentence(
                    f"The other options define {_join([f'“{_mid(w)}”' for w in wrong])}")))
        if only == "definition-term":
            stem, neg = p.say("Which term means “{definition}”?", definition=_mid(_clause(term.definition)))
            draft = p.choice("definition-term", fact, term.term, [(t.id, t.term) for t in others], term.aliases, stem,
                             negated=neg, rationale=rationale, _few=few, _touch="term:", **common)
            if draft:
                glosses = [f"“{_mid(o.term)}” is {_mid(_first_clause(o.definition))}"
                           for o in (self.by_id[t.removeprefix("term:")] for t in draft.touches)]
                out.append(dataclasses.replace(draft, rationale=rationale + " " + p.sentence(
                    f"By contrast, {'; '.join(glosses)}")))
        if only == "fill-blank":
            stem, neg = p.say("The term {blank} means {definition}.", blank=BLANK,
                              definition=_mid(_clause(term.definition)))
            # The sentence's own words ("The term ... means") are the same for every term: only the
            # definition can echo the answer.
            if cue := _cue(term.definition, term.term, ()):
                p.broke(fact, "fill-blank", CUE + f" ('{cue}')")
            else:
                out.append(_Draft(kind="fill-blank", fact=fact, stem=stem, negated=neg, key=term.term,
                                  accept=term.names, rationale=rationale, **common))
        if only == "true-false":
            template = "“{term}” means {definition}."
            if not _cue(term.definition, term.term, ()):
                stem, neg = p.say(template, term=term.term, definition=_mid(_clause(term.definition)))
                out.append(_Draft(kind="true-false", fact=fact, stem=stem, negated=neg, truth=True,
                                  rationale=rationale, **common))
            other = next(iter(others), None)
            if other is not None:
                stem, neg = p.say(template, term=term.term, definition=_mid(_clause(other.definition)))
                why = f"That describes “{_mid(other.term)}”. {rationale}"
                out.append(_Draft(kind="true-false", fact=fact, stem=stem, negated=neg, truth=False, rationale=why,
                                  touches=(f"term:{other.id}",), **{**common, "draws_on": (term.id, other.id)}))
            else:
                p.broke(fact, "true-false (false statement)", few)
        return out


# -- Selection, order and answer positions ------------------------------------------------------


@dataclass
class _Picked:
    chosen: list[_Draft]
    refused: Counter[str]  # fact -> drafts of it refused as enemies
    tried: Counter[str]  # fact -> kinds of it drafted (or found undraftable)
    drafted: set[str]  # kinds that had a fact to ask (drafted, or asked in another kind)


def _select(tasks: Sequence[_Task], seed: int, count: int | None, kinds: Sequence[str],
            enemies: bool = True) -> _Picked:
    """Pick questions one at a time: the kind with the fewest so far, its next fact in seeded order.

    A draft is taken only if it is no enemy of the questions already taken: its facts are not asked yet,
    its answer is not another question's, the texts do not reveal each other's answers, and true and
    false statements stay within one of each other. Without ``enemies`` (the bank) only the first rule
    holds: each fact once.
    """
    by_kind: dict[str, dict[str, Callable[[], list[_Draft]]]] = {}
    for kind, fact, make in tasks:
        by_kind.setdefault(kind, {})[fact] = make
    queues = {kind: deque(sorted(facts, key=lambda f: (_rank(seed, "pick", f), f)))
              for kind, facts in by_kind.items()}
    order = {k: i for i, k in enumerate(kinds)}
    picked = _Picked([], Counter(), Counter(), set())
    chosen = picked.chosen
    used: set[str] = set()
    answers: set[str] = set()
    asked: dict[str, list[_Draft]] = {}  # name (normalised) -> chosen drafts asking about it
    per_kind: Counter[str] = Counter()
    polarity: Counter[bool] = Counter()

    def reveals(a: _Draft, b: _Draft) -> bool:
        """Whether ``b``'s text holds ``a``'s answer together with what ``a`` asks about."""
        return bool(a.key) and _mentions(b.text, a.key) and any(_mentions(b.text, s) for s in a.subjects)

    shown: set[str] = set()  # entities chosen choice questions show as options
    stated: set[str] = set()  # entities any chosen question shows besides its answer (a swapped definition)
    about: set[str] = set()  # entities chosen questions ask about
    names: dict[str, list[str]] = {}  # first word -> names (normalised) of the terms chosen questions ask
    words: dict[str, list[str]] = {}  # word -> texts (normalised, padded) of chosen questions holding it

    def named_in(name: str, index: Mapping[str, list[str]]) -> bool:
        n = _norm(name)
        if not n:
            return False
        # The name or its plural ("peptide", "peptides").
        forms = (n, f"{n}s")
        return any(f" {f} " in text for f in forms for text in index.get(f.split()[0], ()))

    def enemy(d: _Draft) -> bool:
        if not enemies:
            return False
        if not used.isdisjoint(d.enemies) or (d.answer and d.answer in answers):
            return True
        # One question shows what another asks about: knowing one answers (or rules out) the other.
        if not about.isdisjoint(d.touches) or not stated.isdisjoint(d.about):
            return True
        # Among choice questions: this one's answer is another's option, or the two show the same wrong
        # options, so one lets a student rule options out of the other. (A statement or a blank to fill
        # is not answered by seeing a definition elsewhere: names printed elsewhere are checked below.)
        if d.kind in CHOICE_KINDS and (not shown.isdisjoint(d.about) or not shown.isdisjoint(d.touches)):
            return True
        # A term whose name is the answer here is printed in another question, or this question prints
        # the name another one asks for. (A stem that only uses a term asked for its meaning gives nothing.)
        text = f" {_norm(d.text)} "
        if (d.kind in NAME_ANSWERS or _term_statement(d)) and any(named_in(n, words) for n in d.subjects):
            return True
        if any(f" {n} " in text for w in set(text.split()) for n in names.get(w, ())):
            return True
        near = {id(x): x for s in d.subjects for x in asked.get(_norm(s), ())}
        return any(reveals(x, d) or reveals(d, x) for x in near.values())

    while count is None or len(chosen) < count:
        live = [k for k in queues if queues[k]]
        if not live:
            break
        # The kind asked least so far; then the one with the fewest facts left, so a kind the data allows
        # once still gets its question; matching first among equals, as it covers several items at once.
        kind = min(live, key=lambda k: (per_kind[k], len(queues[k]), k != "matching", order.get(k, 99), k))
        fact = queues[kind].popleft()
        if fact in used:
            picked.drafted.add(kind)  # the fact went to another kind: this kind had something to ask
            continue
        options = by_kind[kind][fact]()
        picked.tried[fact] += 1
        if not options:
            continue
        picked.drafted.add(kind)
        if kind == "true-false":
            # The polarity asked least first; the other only while it keeps the two within one.
            options = sorted(options, key=lambda d: (polarity[bool(d.truth)], not d.truth))
            if enemies:
                options = [d for d in options if polarity[bool(d.truth)] <= polarity[not d.truth]]
        pick = next((d for d in options if not enemy(d)), None)
        if pick is None:
            picked.refused[fact] += 1
            continue
        chosen.append(pick)
        # In a bank every fact keeps its own question (the matching set's items too), so that which items a
        # matching set happens to hold can never take an id away as the data grows.
        used.update((pick.fact, *((*pick.covers, *pick.enemies) if enemies else ())))
        if pick.answer:
            answers.add(pick.answer)
        if pick.kind == "matching" and enemies:
            answers.update(_norm(a) for a in pick.answers)  # a pair's answer is a right answer too
        for s in pick.subjects:
            asked.setdefault(_norm(s), []).append(pick)
        if enemies:
            stated.update(pick.touches)
            if pick.kind in CHOICE_KINDS:
                shown.update(pick.touches)
            about.update(pick.about)
            text = f" {_norm(pick.text)} "
            for w in set(text.split()):
                words.setdefault(w, []).append(text)
            if pick.kind in NAME_ANSWERS or _term_statement(pick):
                for n in pick.subjects:
                    if norm := _norm(n):
                        for form in (norm, f"{norm}s"):
                            names.setdefault(form.split()[0], []).append(form)
        per_kind[kind] += 1
        if pick.truth is not None:
            polarity[pick.truth] += 1
    return picked


def _unasked(drafter: _Drafter, tasks: Sequence[_Task], picked: _Picked) -> dict[str, tuple[str, ...]]:
    """Rule -> the facts it left unasked (each with the kinds it ruled out): the teacher's report. A fact
    counts once every kind that could ask it was tried; a short form leaves most facts untried."""
    asked = {f for d in picked.chosen for f in (d.fact, *d.covers)}
    kinds = Counter(fact for _, fact, _ in tasks)
    report: dict[str, list[str]] = {}
    for fact in sorted(set(drafter.broken) | set(kinds)):
        if fact in asked or picked.tried[fact] < kinds[fact]:
            continue
        if picked.refused[fact]:
            report.setdefault(ENEMY, []).append(fact)
        for rule, ruled in drafter.broken.get(fact, {}).items():
            report.setdefault(rule, []).append(f"{fact} ({', '.join(dict.fromkeys(ruled))})")
    return {rule: tuple(facts) for rule, facts in sorted(report.items())}


def _place(ordered: Sequence[_Draft], seed: int) -> tuple[Question, ...]:
    """Questions with their options in order: the right answer at the position used least so far."""
    usage: dict[int, Counter[int]] = {}
    for d in ordered:
        if d.truth is not None:
            usage.setdefault(2, Counter())[0 if d.truth else 1] += 1
    out: list[Question] = []
    for d in ordered:
        common: dict[str, Any] = {"id": d.fact, "kind": d.kind, "stem": d.stem, "rationale": d.rationale,
                                  "cite": d.cite, "section": d.section, "draws_on": d.draws_on, "negated": d.negated}
        if d.kind in CHOICE_KINDS:
            n = len(d.distractors) + 1
            used = usage.setdefault(n, Counter())
            fewest = min(used[p] for p in range(n))
            least = [p for p in range(n) if used[p] == fewest]
            position = least[int(_rank(seed, d.fact, "position") * len(least))]
            used[position] += 1
            options = sorted(d.distractors, key=lambda t: (_rank(seed, d.fact, "option", t), t))
            options.insert(position, d.key)
            out.append(Question(options=tuple(map(_typo, options)), correct=(position,), **common))
        elif d.kind == "true-false":
            out.append(Question(options=TRUE_FALSE, correct=(0 if d.truth else 1,), **common))
        elif d.kind == "matching":
            options = sorted(d.choices, key=lambda t: (_rank(seed, d.fact, "option", t), t))
            out.append(Question(options=tuple(options), correct=tuple(options.index(a) for a in d.answers),
                                prompts=d.prompts, **common))
        else:  # fill-blank
            out.append(Question(options=(), correct=(), accept=d.accept, variants=spellings(d.accept), **common))
    return tuple(out)


def _coverage(data: QuizData, chosen: Sequence[_Draft]) -> dict[str, Any]:
    terms = {t for d in chosen for t in d.terms}
    compounds = {c for d in chosen for c in d.compounds}
    per_family = Counter(f for d in chosen for f in d.families)
    per_kind = Counter(d.kind for d in chosen)
    return {
        "untested_terms": tuple(t.term for t in sorted(data.terms, key=lambda t: t.id) if t.id not in terms),
        "untested_compounds": tuple(sorted(c.id for c in data.compounds if c.id not in compounds)),
        "questions_per_family": {f.id: per_family[f.id] for f in sorted(data.families, key=lambda f: f.id)},
        "questions_per_kind": {k: per_kind[k] for k in KINDS if per_kind[k]},
    }


# -- Answers to fill-in questions ----------------------------------------------------------------


def answer_key(text: str) -> str:
    """How a typed answer is compared: without case, spacing, hyphens, punctuation or accents.
    The site's quiz (quiz.js ``normalise``) compares the same way."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def spellings(names: Sequence[str]) -> tuple[str, ...]:
    """Every accepted answer written out, for platforms that compare text literally (case aside): each
    name as written, with its hyphens as spaces and dropped, and without accents."""
    out: dict[str, str] = {}
    for name in names:
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
        for base in dict.fromkeys((name, plain)):
            for form in (base, base.replace("-", " "), base.replace("-", "")):
                form = " ".join(form.split())
                out.setdefault(form.casefold(), form)
    return tuple(out.values())


# -- Helpers -----------------------------------------------------------------------------------


def _rank(seed: int, *parts: str) -> float:
    """A draw in [0, 1) for one choice: a BLAKE2 digest of the form's seed and the ids the choice is about,
    so the draw is the same on every machine, and a choice about one question never moves because another
    question was added or removed."""
    return _digest(seed, parts) / 2.0**64


def _rng(seed: int, *parts: str) -> random.Random:
    """A generator for one choice that needs several draws, seeded the same way as :func:`_rank`."""
    return random.Random(_digest(seed, parts))


def _digest(seed: int, parts: tuple[str, ...]) -> int:
    text = "\x1f".join((str(seed), *parts)).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def _sample(pool: Sequence[_T], seed: int, *parts: str) -> list[_T]:
    """Up to :data:`SAMPLE` entries of ``pool`` in a seeded order: a question's candidates, drawn without
    looking at the rest of a large pool (so drafting stays linear in the data)."""
    if len(pool) <= SAMPLE:
        picked = list(pool)
        _rng(seed, *parts).shuffle(picked)
        return picked
    return _rng(seed, *parts).sample(list(pool) if not isinstance(pool, list) else pool, SAMPLE)


@functools.lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    """Words only, lower case: how options are compared (case, spacing and punctuation ignored)."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _overlaps(a: str, b: str) -> bool:
    """Whether two texts are the same option, or one is the other with more words around it."""
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return True
    return x == y or f" {x} " in f" {y} " or f" {y} " in f" {x} "


def _mentions(text: str, name: str) -> bool:
    n = _norm(name)
    return bool(n) and f" {n} " in f" {_norm(text)} "


def _conspicuous(key: str, other: str) -> bool:
    """Whether ``key`` is conspicuously longer than ``other`` (see LENGTH_RATIO and LENGTH_SLACK)."""
    k, o = len(" ".join(key.split())), len(" ".join(other.split()))
    return k > LENGTH_RATIO * o and k - o > LENGTH_SLACK


def _self_naming(term: Term) -> bool:
    return any(_mentions(term.definition, n) for n in term.names)


_WORDS: dict[int, tuple[Term, tuple[tuple[str, ...], str]]] = {}


def _term_words(term: Term) -> tuple[tuple[str, ...], str]:
    """A term's names and definition, normalised and padded with spaces for whole-word containment.
    Cached by object identity (hashing a term hashes every field), keeping the term so its id stays its own."""
    hit = _WORDS.get(id(term))
    if hit is None or hit[0] is not term:
        if len(_WORDS) > 100_000:
            _WORDS.clear()
        hit = _WORDS[id(term)] = (term, (tuple(f" {_norm(n)} " for n in term.names), f" {_norm(term.definition)} "))
    return hit[1]


def _related(a: Term, b: Term) -> bool:
    """Terms never set against each other: the same, named in each other's definitions, or one name inside
    the other's (a broader term), or definitions that read the same."""
    if a.id == b.id:
        return True
    names_a, def_a = _term_words(a)
    names_b, def_b = _term_words(b)
    return (any(x in y or y in x for x in names_a for y in names_b)
            or any(n in def_b for n in names_a) or any(n in def_a for n in names_b)
            or def_a in def_b or def_b in def_a)


# Words too common to carry a cue (the same list outside reviewers use), and too common to tell one kind
# of evidence from another ("cell wall" is no cell study).
_STOP = frozenset({"what", "which", "does", "that", "this", "with", "from", "into", "their", "there", "about",
                   "other", "than", "have", "been", "were", "when", "where", "whose", "among"})
_PLAIN_WORDS = frozenset({"cell", "cells", "early", "other", "others", "people", "study", "studies", "work"})


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer  # type: ignore[import-untyped]  # Sphinx's own dependency (its search index)

    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


@functools.lru_cache(maxsize=65536)
def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]{4,}", _plain(text).lower()) if w not in _STOP)


def _kin(a: str, b: str) -> bool:
    """Whether two words share a stem (Snowball's, or their first six letters: secrete, secretagogue)."""
    return a == b or _stem(a) == _stem(b) or (len(a) >= 6 and len(b) >= 6 and a[:6] == b[:6])


def _cue(stem: str, key: str, distractors: Sequence[str]) -> str:
    """A word of ``stem`` that ``key`` echoes and no distractor does, or ''."""
    answer = _content_words(key)
    others = [_content_words(d) for d in distractors]
    for word in sorted(_content_words(stem)):
        if any(_kin(word, v) for v in answer) and not any(_kin(word, v) for o in others for v in o):
            return word
    return ""


def _plain(text: str) -> str:
    """``text`` without accents."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _clause(text: str) -> str:
    """``text`` without its closing full stop, to go inside a sentence."""
    return text.strip().removesuffix(".").rstrip()


def _mid(text: str) -> str:
    """``text`` as it reads inside a sentence: a capital that only starts the text is lowered
    ("Ghrelin-receptor agonists" -> "ghrelin-receptor agonists"), acronyms and names with capitals or
    digits inside their first word ("GHRH", "MK-677", "IGF-1") are kept."""
    first = re.split(r"[\s\-(]", text, maxsplit=1)[0]
    if first.isalpha() and first[0].isupper() and (first[1:].islower() or first in ("A", "I")) and first != "I":
        return text[0].lower() + text[1:]
    return text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _term_statement(d: _Draft) -> bool:
    """A true/false statement of a term's meaning: printing the term elsewhere may settle it."""
    return d.kind == "true-false" and any(a.startswith("term:") for a in d.about)


def _join(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1] if names else ""


def _first_clause(text: str) -> str:
    """A definition up to its first semicolon, without the closing full stop."""
    return _clause(text.split(";")[0])


def _article(text: str) -> str:
    return f"{'an' if text[:1].lower() in 'aeiou' else 'a'} {text}"


def _typo(text: str) -> str:
    """Typographic quotes and apostrophes in generated text: "x" -> “x”, it's -> it\u2019s."""
    if '"' not in text and "'" not in text:
        return text
    text = re.sub(r'"([^"]*)"', "“\\1”", text)
    return re.sub(r"(?<=\w)'(?=\w)|(?<=s)'(?=\s)", "\u2019", text)


def _keys(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for g in groups for k in g))


def _page(section: str) -> str:
    return section.partition("#")[0]
