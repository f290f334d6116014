"""Properties of every form over random valid data sets (hypothesis), checked against the data itself.

The data sets are built directly as :class:`QuizData`: random groups, items in one or two groups, glossary
terms, findings with evidence from the closed list and citation labels that may collide. Names are drawn
from a small vocabulary so that they often repeat, nest and differ only in case, which is where a generator
goes wrong. The oracle below reads the truth from the data, not from the generator.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handout.quiz.generator import CHOICE_KINDS, KINDS, MAX_OPTIONS, Form, Question, generate
from handout.quiz.model import EVIDENCE_LABELS, Compound, Family, Finding, Labels, QuizData, Term, Where, slug

W = Where(Path("random.yaml"), 1)
LABELS = Labels(item="item", items="items", group="group", groups="groups", target="target",
                target_verb="reach", ligand="natural partner")
WORDS = ["alpha", "Alpha", "beta", "gamma", "delta", "receptor", "agonist", "blocker", "hormone", "gland",
         "signal", "cell", "protein", "the", "a", "of", "in", "slow", "fast", "GH", "IGF-1", "  spaced  "]
KEYS = [f"k{i}" for i in range(6)]
STUDY_LABELS = ["Smith et al., 2001", "Jones, 1999", "Smith et al., 2001", "Lee and Park, 2010", "smith et al., 2001",
                "Brown et al., 2015"]


def phrase(lo: int = 1, hi: int = 4) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS), min_size=lo, max_size=hi).map(lambda ws: " ".join(ws).strip() or "x")


def cites(lo: int = 0) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(KEYS), min_size=lo, max_size=2, unique=True).map(tuple)


@st.composite
def quiz_data(draw: st.DrawFn) -> tuple[QuizData, dict[str, str]]:
    n_families = draw(st.integers(1, 5))
    families = tuple(
        Family(id=f"g{i}", name=draw(phrase(1, 3)), target=draw(phrase(1, 3)), ligand=draw(phrase()),
               mechanism="Does something.", where=W, section="page", cite=draw(cites()))
        for i in range(n_families))
    compounds = []
    for i in range(draw(st.integers(1, 6))):
        groups = draw(st.lists(st.sampled_from([f.id for f in families]), min_size=1, max_size=2, unique=True))
        findings = tuple(
            Finding(id=f"x{j}", compound=f"c{i}", text=draw(phrase(2, 6)),
                    evidence=draw(st.sampled_from(sorted(EVIDENCE_LABELS))), cite=draw(cites(1)), where=W)
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
                          where=W, aliases=tuple(dict.fromkeys(aliases)), cite=draw(cites())))
    labels = {k: draw(st.sampled_from(STUDY_LABELS)) for k in KEYS}
    data = QuizData(folder=Path("random"), title="Random", labels=LABELS, terms=tuple(terms), families=families,
                    compounds=tuple(compounds))
    return data, labels


def same(a: str, b: str) -> bool:
    """Equal as a reader sees it: case and spacing ignored."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def among(text: str, texts: list[str]) -> bool:
    return any(same(text, t) for t in texts)


def check_choice(q: Question, data: QuizData, labels: dict[str, str]) -> None:
    """The right option is true of the data, every other option false."""
    assert len(q.correct) == 1, q.id
    right, wrong = q.options[q.correct[0]], [o for i, o in enumerate(q.options) if i != q.correct[0]]
    fam = {f.id: f for f in data.families}
    comp = {c.id: c for c in data.compounds}
    terms = {t.id: t for t in data.terms}
    if q.kind == "compound-family":
        c = comp[q.draws_on[0]]
        true = [fam[f].name for f in c.families]
        assert q.draws_on[1] in c.families and right == fam[q.draws_on[1]].name
    elif q.kind == "compound-target":
        c = comp[q.draws_on[0]]
        true = [fam[f].target for f in c.families]
        assert q.draws_on[1] in c.families and right == fam[q.draws_on[1]].target
    elif q.kind == "family-compound":
        c, f = comp[q.draws_on[1]], q.draws_on[0]
        members = [m for m in data.compounds if f in m.families]
        true = [n for m in members for n in (m.display_name, *m.names)]
        assert f in c.families and right == c.display_name
    elif q.kind == "finding-evidence":
        finding = next(x for x in comp[q.draws_on[0]].findings if x.id == q.draws_on[1])
        true = [finding.evidence_label]
        assert right == finding.evidence_label
    elif q.kind == "finding-study":
        c = comp[q.draws_on[0]]
        finding = next(x for x in c.findings if x.id == q.draws_on[1])
        assert q.draws_on[2] in finding.cite and right == labels[q.draws_on[2]]
        # Wrong answers name no study that reported on this item at all.
        true = [labels[k] for x in c.findings for k in x.cite]
    elif q.kind == "term-definition":
        t = terms[q.draws_on[0]]
        true = [t.definition]
        assert right == t.definition
    elif q.kind == "definition-term":
        t = terms[q.draws_on[0]]
        true = list(t.names)
        assert right == t.term and t.definition in q.stem
    else:
        raise AssertionError(q.kind)
    for option in wrong:
        assert not among(option, true), (q.id, option)


def check_true_false(q: Question, data: QuizData) -> None:
    assert q.options == ("True", "False") and len(q.correct) == 1
    _, fact, *ids = q.id.split(":")
    comp = {c.id: c for c in data.compounds}
    terms = {t.id: t for t in data.terms}
    if fact == "compound-family":
        truth = ids[1] in comp[ids[0]].families
    elif fact == "term-definition":
        truth = len(ids) == 1 or same(terms[ids[0]].definition, terms[ids[1]].definition)
    else:
        finding = next(x for x in comp[ids[0]].findings if x.id == ids[1])
        truth = finding.evidence == ids[2]
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
        assert q.options[answer] in own
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
            assert q.accept == t.names and not q.options and t.definition in q.stem
        if q.kind in CHOICE_KINDS or q.kind == "true-false":
            positions.setdefault(len(q.options), Counter()).update(q.correct)
    for size, used in positions.items():
        counts = [used[p] for p in range(size)]
        assert max(counts) - min(counts) <= 1, (size, counts)
    glossary = Counter(q.draws_on[0] for q in form.questions
                       if q.kind in ("term-definition", "definition-term", "fill-blank")
                       or q.id.startswith("true-false:term-definition:"))
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
