"""Properties of every form over random valid data sets (hypothesis), checked against the data itself.

The data sets are built directly as :class:`QuizData`: random groups, items in one or two groups, glossary
terms in a few categories, an evidence scale, findings with evidence from that scale and citation labels that
may collide. Names are drawn
from a small vocabulary so that they often repeat, nest and differ only in case, which is where a generator
goes wrong. The oracle below reads the truth from the data, not from the generator.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handout.quiz.generator import CHOICE_KINDS, KINDS, MAX_OPTIONS, Form, Question, answer_key, generate
from handout.quiz.model import (
    Category,
    Compound,
    EvidenceLevel,
    Family,
    Finding,
    Labels,
    QuizData,
    Term,
    Where,
    slug,
)

W = Where(Path("random.yaml"), 1)
LABELS = Labels(item="item", items="items", group="group", groups="groups", target="target",
                target_verb="reach", ligand="natural partner")
WORDS = ["alpha", "Alpha", "beta", "gamma", "delta", "receptor", "agonist", "blocker", "hormone", "gland",
         "signal", "cell", "protein", "the", "a", "of", "in", "slow", "fast", "GH", "IGF-1", "  spaced  "]
KEYS = [f"k{i}" for i in range(6)]
CATEGORIES = (Category("c1", "first kind"), Category("c2", "second kind"), Category("c3", "third kind"))
# A scale whose labels exclude each other, as subject.yaml's must; a data set uses two or more of its steps.
SCALE = (EvidenceLevel("in-vitro", "Cell studies (in vitro)", "Cells were studied outside a body."),
         EvidenceLevel("preclinical", "Preclinical (animal) work", "Animals received it; no person did."),
         EvidenceLevel("observational", "Observational study in people", "People were observed, not assigned."),
         EvidenceLevel("human-trial", "Human trial", "People were assigned by chance."),
         EvidenceLevel("review", "Review of other studies", "Other studies were summarized."))
STUDY_LABELS = ["Smith et al., 2001", "Jones, 1999", "Smith et al., 2001", "Lee and Park, 2010", "smith et al., 2001",
                "Brown et al., 2015"]


def phrase(lo: int = 1, hi: int = 4) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS), min_size=lo, max_size=hi).map(lambda ws: " ".join(ws).strip() or "x")


def cites(lo: int = 0) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(KEYS), min_size=lo, max_size=2, unique=True).map(tuple)


@st.composite
def quiz_data(draw: st.DrawFn) -> tuple[QuizData, dict[str, str]]:
    n_families = draw(st.integers(1, 5))
    scale = tuple(draw(st.lists(st.sampled_from(SCALE), min_size=2, max_size=len(SCALE), unique=True)))
    families = tuple(
        Family(id=f"g{i}", name=draw(phrase(1, 3)), target=draw(phrase(1, 3)), ligand=draw(phrase()),
               mechanism="Does something.", where=W, section="page", cite=draw(cites()))
        for i in range(n_families))
    compounds = []
    for i in range(draw(st.integers(1, 6))):
        groups = draw(st.lists(st.sampled_from([f.id for f in families]), min_size=1, max_size=2, unique=True))
        findings = tuple(
            Finding(id=f"x{j}", compound=f"c{i}", text=draw(phrase(2, 6)),
                    evidence=draw(st.sampled_from([e.id for e in scale])), cite=draw(cites(1)), where=W)
            for j in range(draw(st.integers(1, 3))))
        aliases = tuple(draw(st.lists(phrase(1, 2), max_size=2, unique_by=str.casefold)))
        compounds.append(Compound(id=f"c{i}", name=draw(phrase(1, 2)), families=tuple(groups), findings=findings,
                                  section="page", where=W, aliases=aliases))
    # Glossary names are unique without case (the loader checks that), and so are their slugs.
    names = draw(st.lists(phrase(1, 3), min_size=1, max_size=8, unique_by=lambda n: slug(n)))
    used: set[str] = set()
    terms = []
    for name in names:
        aliases = tuple(a for a in draw(st.lists(phrase(1, 2), max_size=2, unique_by=str.casefold))
                        if a.casefold() not in used and a.casefold() != name.casefold())
        if name.casefold() in used:
            continue
        used |= {name.casefold(), *(a.casefold() for a in aliases)}
        terms.append(Term(term=name, definition=draw(phrase(2, 8)), section=draw(st.sampled_from(["p1", "p2"])),
                          where=W, aliases=tuple(dict.fromkeys(aliases)), cite=draw(cites()),
                          category=draw(st.sampled_from([c.id for c in CATEGORIES]))))
    labels = {k: draw(st.sampled_from(STUDY_LABELS)) for k in KEYS}
    data = QuizData(folder=Path("random"), title="Random", labels=LABELS, terms=tuple(terms), families=families,
                    compounds=tuple(compounds), categories=CATEGORIES, evidence=scale)
    return data, labels


def same(a: str, b: str) -> bool:
    """Equal as a reader sees it: case and spacing ignored."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def cap(text: str) -> str:
    """A group's name as an option shows it: with a capital first letter."""
    return text[:1].upper() + text[1:]


def within(part: str, text: str) -> bool:
    """``part`` appears in ``text`` as a reader sees it: case, spacing and a closing full stop ignored."""
    return " ".join(part.casefold().split()).removesuffix(".") in " ".join(text.casefold().split())


def among(text: str, texts: list[str]) -> bool:
    return any(same(text, t) for t in texts)


def check_choice(q: Question, data: QuizData, labels: dict[str, str]) -> None:
    """The right option is true of the data, every other option false."""
    assert len(q.correct) == 1, q.id
    right, wrong = q.options[q.correct[0]], [o for i, o in enumerate(q.options) if i != q.correct[0]]
    fam = {f.id: f for f in data.families}
    comp = {c.id: c for c in data.compounds}
    terms = {t.id: t for t in data.terms}
    if q.kind == "item-group":
        c = comp[q.draws_on[0]]
        true = [fam[f].name for f in c.families]
        assert q.draws_on[1] in c.families and right == cap(fam[q.draws_on[1]].name)
    elif q.kind == "item-target":
        c = comp[q.draws_on[0]]
        true = [fam[f].target for f in c.families]
        assert q.draws_on[1] in c.families and right == fam[q.draws_on[1]].target
    elif q.kind == "group-item":
        c, f = comp[q.draws_on[1]], q.draws_on[0]
        members = [m for m in data.compounds if f in m.families]
        true = [n for m in members for n in (m.display_name, *m.names)]
        # The item with its aliases, or by its name alone where an alias would be a cue.
        assert f in c.families and right in (c.display_name, c.name)
    elif q.kind == "finding-evidence":
        finding = next(x for x in comp[q.draws_on[0]].findings if x.id == q.draws_on[1])
        true = [data.evidence_label(finding)]
        assert right == data.evidence_label(finding)
    elif q.kind == "finding-study":
        c = comp[q.draws_on[0]]
        finding = next(x for x in c.findings if x.id == q.draws_on[1])
        assert q.draws_on[2] in finding.cite and right == labels[q.draws_on[2]]
        # Wrong answers name no study that reported on this item at all.
        true = [labels[k] for x in c.findings for k in x.cite]
    elif q.kind == "term-definition":
        t = terms[q.draws_on[0]]
        true = [t.definition]
        assert right == cap(t.definition)
    elif q.kind == "definition-term":
        t = terms[q.draws_on[0]]
        true = list(t.names)
        assert right == t.term and within(t.definition, q.stem)
    else:
        raise AssertionError(q.kind)
    for option in wrong:
        assert not among(option, true), (q.id, option)


def check_true_false(q: Question, data: QuizData) -> None:
    """The statement's truth, read from the data: the fact its id names and what the stem states."""
    assert q.options == ("True", "False") and len(q.correct) == 1
    fact = q.id.split(":")[0]
    comp = {c.id: c for c in data.compounds}
    terms = {t.id: t for t in data.terms}
    if fact == "member":
        c = comp[q.draws_on[0]]
        stated = q.draws_on[-1]  # the group the statement names: the item's own, or another (a third id)
        assert q.id == f"member:{c.id}:{q.draws_on[1]}" and q.draws_on[1] in c.families
        assert within(next(f.name for f in data.families if f.id == stated), q.stem), q.id
        truth = stated in c.families
    elif fact == "term":
        t = terms[q.draws_on[0]]
        stated_term = terms[q.draws_on[-1]]  # whose definition the statement gives
        assert q.id == f"term:{t.id}" and within(stated_term.definition, q.stem), q.id
        truth = same(t.definition, stated_term.definition)
    else:
        assert fact == "evidence", q.id
        finding = next(x for x in comp[q.draws_on[0]].findings if x.id == q.draws_on[1])
        assert q.id == f"evidence:{finding.compound}:{finding.id}"
        stated = q.draws_on[2] if len(q.draws_on) == 3 else finding.evidence
        assert within(data.evidence_level(stated).label, q.stem), q.id
        truth = finding.evidence == stated
    assert q.correct == ((0,) if truth else (1,)), q.id


def check_matching(q: Question, data: QuizData) -> None:
    fam = {f.id: f for f in data.families}
    comp = {c.id: c for c in data.compounds}
    items = q.draws_on[: len(q.prompts)]
    assert len(q.prompts) >= 2 and len(q.correct) == len(q.prompts) and len(q.options) <= MAX_OPTIONS
    for item, prompt, answer in zip(items, q.prompts, q.correct, strict=True):
        c = comp[item]
        assert prompt == c.display_name
        own = [fam[f].name for f in c.families]
        assert q.options[answer] in [cap(o) for o in own]
        assert sum(among(o, own) for o in q.options) == 1, (q.id, prompt)


def check_form(form: Form, data: QuizData, labels: dict[str, str]) -> None:
    assert len({q.id for q in form.questions}) == len(form.questions)
    positions: dict[int, Counter[int]] = {}
    for q in form.questions:
        assert q.kind in KINDS
        assert len({" ".join(o.casefold().split()) for o in q.options}) == len(q.options), q.id
        assert len(q.options) <= MAX_OPTIONS
        assert q.rationale.endswith(".") and not q.negated
        if q.kind in CHOICE_KINDS:
            check_choice(q, data, labels)
        elif q.kind == "true-false":
            check_true_false(q, data)
        elif q.kind == "matching":
            check_matching(q, data)
        else:
            t = next(t for t in data.terms if t.id == q.draws_on[0])
            assert q.accept == t.names and not q.options and within(t.definition, q.stem)
            # Every spelling written out is one of the term's names, and every name is spelled out.
            assert {answer_key(v) for v in q.spelled} == {answer_key(n) for n in t.names}, q.id
        if q.kind in CHOICE_KINDS or q.kind == "true-false":
            positions.setdefault(len(q.options), Counter()).update(q.correct)
    for size, used in positions.items():
        counts = [used[p] for p in range(size)]
        assert max(counts) - min(counts) <= 1, (size, counts)
    glossary = Counter(q.draws_on[0] for q in form.questions if q.id.startswith("term:"))
    assert max(glossary.values(), default=1) == 1


# No example database: a failing example is printed with its seed; nothing is written to the project.
SETTINGS = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(quiz_data(), st.integers(0, 2**32 - 1))
def test_every_question_is_right_about_the_data(drawn: tuple[QuizData, dict[str, str]], seed: int) -> None:
    data, labels = drawn
    check_form(generate(data, seed=seed, citations=labels), data, labels)


@SETTINGS
@given(quiz_data(), st.integers(0, 1000), st.integers(0, 12), st.sampled_from(KINDS))
def test_short_and_single_kind_forms_keep_the_rules(drawn: tuple[QuizData, dict[str, str]], seed: int, count: int,
                                                     kind: str) -> None:
    data, labels = drawn
    full = generate(data, seed=seed, citations=labels)
    short = generate(data, seed=seed, count=count, citations=labels)
    assert len(short.questions) == min(count, len(full.questions))
    check_form(short, data, labels)
    only = generate(data, seed=seed, kinds=[kind], citations=labels)
    assert {q.kind for q in only.questions} <= {kind}
    check_form(only, data, labels)


@settings(max_examples=30, deadline=None, database=None)
@given(quiz_data(), st.integers(0, 1000))
def test_same_seed_same_form(drawn: tuple[QuizData, dict[str, str]], seed: int) -> None:
    data, labels = drawn
    assert generate(data, seed=seed, citations=labels) == generate(data, seed=seed, citations=labels)
    text = repr(generate(data, seed=seed, citations=labels).as_dict())
    assert not re.search(r"\b(all|none) of the above\b", text, re.I)
