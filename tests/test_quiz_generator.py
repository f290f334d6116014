"""The quiz generator on the real data (quizzes/, bib/references.bib, docs/) and on a second subject.

What a teacher would check by hand: the right answer is right, the wrong ones are wrong and from the same
category, the rationale names the study, the same seed gives the same quiz, and an id keeps meaning the
same question when the data grows.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from handout.quiz.bib import cite_labels
from handout.quiz.generator import KINDS, Form, Question, generate
from handout.quiz.loader import headings, load_quiz_data
from handout.quiz.model import QuizData

PROJECT = Path(__file__).resolve().parent.parent
QUIZZES = PROJECT / "quizzes"
BIB = PROJECT / "bib" / "references.bib"
DOCS = PROJECT / "docs"
ANTIBIOTICS = Path(__file__).resolve().parent / "data" / "antibiotics"
SEEDS = range(6)
# The pattern tests/test_site.py looks for on the pages, plus units a bank could add.
DOSE = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|μg|ug|iu|ml|units?)(?:/kg)?\b|\bper day\b|\bdaily\b"
                  r"|\btwice\b|\bonce a day\b", re.I)


@dataclasses.dataclass(frozen=True)
class DataSet:
    data: QuizData
    citations: dict[str, str]
    docs: Path

    def form(self, seed: int = 0, *, count: int | None = None, kinds: Sequence[str] | None = None) -> Form:
        return generate(self.data, seed=seed, count=count, kinds=kinds, citations=self.citations)


def load(folder: Path, bib: Path, docs: Path) -> DataSet:
    return DataSet(load_quiz_data(folder, bib, docs), cite_labels(bib), docs)


@pytest.fixture(scope="module")
def real() -> DataSet:
    return load(QUIZZES, BIB, DOCS)


@pytest.fixture(scope="module")
def antibiotics() -> DataSet:
    return load(ANTIBIOTICS, ANTIBIOTICS / "refs.bib", ANTIBIOTICS / "docs")


def by_id(form: Form) -> dict[str, Question]:
    return {q.id: q for q in form.questions}


def key(q: Question) -> str:
    (i,) = q.correct
    return q.options[i]


def distractors(q: Question) -> list[str]:
    return [o for i, o in enumerate(q.options) if i not in q.correct]


def texts(q: Question) -> Iterable[str]:
    yield from (q.stem, q.rationale, *q.options, *q.prompts, *q.accept)


# -- the citation labels ------------------------------------------------------------------------


def test_cite_labels_are_the_handouts_author_year_labels() -> None:
    assert cite_labels(BIB) == {"nass2008": "Nass et al., 2008", "teichman2006": "Teichman et al., 2006",
                                "raun1998": "Raun et al., 1998"}
    labels = cite_labels(ANTIBIOTICS / "refs.bib")
    assert labels["drlica1997"] == "Drlica and Zhao, 1997"  # two authors
    assert labels["fleming1929"] == "Fleming, 1929"  # one author
    assert labels["mrc1948"] == "Medical Research Council, 1948"  # a body as author, braces gone
    assert labels["schlunzen2001"] == "Schlünzen et al., 2001"


# -- the real data --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_every_kind_appears(real: DataSet, seed: int) -> None:
    form = real.form(seed)
    assert {q.kind for q in form.questions} == set(KINDS)
    assert len(form.questions) >= 20
    assert len({q.id for q in form.questions}) == len(form.questions)


def test_compound_family_of_ipamorelin(real: DataSet) -> None:
    q = by_id(real.form(kinds=["compound-family"]))["compound-family:ipamorelin:ghs-r-agonist"]
    assert q.stem == "Which family does the compound Ipamorelin belong to?"
    assert key(q) == "Ghrelin-receptor (GHS-R) agonists"
    assert distractors(q) == ["GHRH-receptor agonists"]
    assert q.draws_on == ("ipamorelin", "ghs-r-agonist")
    assert q.section == "example-compounds#ipamorelin"


def test_compound_target_and_family_compound(real: DataSet) -> None:
    form = by_id(real.form(kinds=["compound-target", "family-compound"]))
    q = form["compound-target:cjc-1295:ghrh-r-agonist"]
    assert q.stem == "Which receptor does CJC-1295 act on?"
    assert (key(q), distractors(q)) == ("GHRH receptor", ["GHS-R (ghrelin receptor)"])
    assert "natural ligand: Growth-hormone-releasing hormone (GHRH)" in q.rationale
    q = form["family-compound:ghrh-r-agonist:cjc-1295"]
    assert q.stem == "Which compound belongs to the family of GHRH-receptor agonists?"
    assert key(q) == "CJC-1295"
    assert sorted(distractors(q)) == ["Ipamorelin", "MK-677 (ibutamoren)"]
    # The GHS-R family has one non-member only: too few distractors, so no question, and a note says so.
    assert not any(i.startswith("family-compound:ghs-r-agonist") for i in form)
    assert any(n.startswith("family-compound:ghs-r-agonist:") and "needs 2" in n
               for n in real.form(kinds=["family-compound"]).notes)


def test_finding_study_for_mk677_glucose(real: DataSet) -> None:
    q = by_id(real.form(kinds=["finding-study"]))["finding-study:mk-677:glucose-insulin:nass2008"]
    assert q.stem == ("Which study reported that MK-677 (ibutamoren) raised fasting glucose and lowered insulin "
                      "sensitivity in healthy older adults?")
    assert key(q) == "Nass et al., 2008"
    assert sorted(distractors(q)) == ["Raun et al., 1998", "Teichman et al., 2006"]
    assert q.rationale.endswith("(Nass et al., 2008).")
    assert q.cite == ("nass2008",)


def test_finding_evidence_and_its_true_false(real: DataSet) -> None:
    form = real.form(kinds=["finding-evidence"])
    q = by_id(form)["finding-evidence:mk-677:glucose-insulin"]
    assert q.stem.startswith("What kind of evidence supports the finding that MK-677 (ibutamoren) raised fasting")
    assert key(q) == "Human trial"
    assert q.rationale.endswith("“Human trial” (Nass et al., 2008).")
    assert key(by_id(form)["finding-evidence:ipamorelin:selective-release"]) == "Preclinical (animal) work"


def test_glossary_questions(real: DataSet) -> None:
    glossary = {t.id: t for t in real.data.terms}
    for seed in SEEDS:
        for q in real.form(seed, kinds=["term-definition", "definition-term", "fill-blank"]).questions:
            term = glossary[q.draws_on[0]]
            if q.kind == "term-definition":
                assert q.stem == f"What does “{term.term}” mean?"
                assert key(q) == term.definition
                assert set(distractors(q)) <= {t.definition for t in real.data.terms} - {term.definition}
            elif q.kind == "definition-term":
                assert term.definition in q.stem
                assert key(q) == term.term
            else:
                assert q.stem == f"_____ : {term.definition}"
                assert q.accept == term.names and q.options == () and q.correct == ()
            assert q.section == term.section


def test_fill_blank_accepts_the_aliases(real: DataSet) -> None:
    q = by_id(real.form(kinds=["fill-blank"]))["fill-blank:ghrh"]
    assert q.accept == ("GHRH", "Growth-hormone-releasing hormone")


def test_matching_pairs_each_compound_with_its_family(real: DataSet) -> None:
    (q,) = real.form(kinds=["matching"]).questions
    assert q.stem == "Match the compounds to their families."
    pairs = {p: q.options[i] for p, i in zip(q.prompts, q.correct, strict=True)}
    assert pairs == {"Ipamorelin": "Ghrelin-receptor (GHS-R) agonists",
                     "MK-677 (ibutamoren)": "Ghrelin-receptor (GHS-R) agonists",
                     "CJC-1295": "GHRH-receptor agonists"}


def test_true_false_statements_are_labelled_by_the_data(real: DataSet) -> None:
    seen = set()
    for seed in SEEDS:
        for q in real.form(seed, kinds=["true-false"]).questions:
            assert q.options == ("True", "False")
            seen.add(q.correct)
            if q.id == "true-false:compound-family:ipamorelin:ghs-r-agonist":
                assert q.correct == (0,)
            if q.id == "true-false:compound-family:ipamorelin:ghrh-r-agonist":
                assert q.correct == (1,)
                assert "not to the family of GHRH-receptor agonists" in q.rationale
            if q.id.startswith("true-false:term-definition:"):
                ids = q.id.split(":")[2:]
                assert q.correct == ((0,) if len(ids) == 1 else (1,))
    assert seen == {(0,), (1,)}


def test_rationale_names_the_cited_study(real: DataSet) -> None:
    for seed in SEEDS:
        for q in real.form(seed).questions:
            for k in q.cite:
                assert f"{real.citations[k]}" in q.rationale, q.id
            if q.cite:
                assert re.search(r"\([^()]*\d{4}\)\.$", q.rationale), q.rationale
            assert q.rationale.endswith(".")


def test_citations_and_sections_point_at_real_places(real: DataSet, antibiotics: DataSet) -> None:
    for ds in (real, antibiotics):
        for q in ds.form().questions:
            assert set(q.cite) <= set(ds.citations)
            page, _, anchor = q.section.partition("#")
            assert (ds.docs / f"{page}.md").is_file(), q.section
            assert not anchor or anchor in headings(ds.docs / f"{page}.md"), q.section


# -- determinism and stable ids -------------------------------------------------------------------


def test_same_seed_same_form_other_seed_other_order(real: DataSet) -> None:
    assert real.form(7).as_dict() == real.form(7).as_dict()
    a, b = real.form(7), real.form(8)
    assert [q.id for q in a.questions] != [q.id for q in b.questions]
    assert json.dumps(a.as_dict()) != json.dumps(b.as_dict())


def test_same_form_whatever_the_hash_seed() -> None:
    """Nothing depends on set or dict order of strings: two processes with other hash seeds agree."""
    script = ("import json, sys; from pathlib import Path; from handout.quiz.loader import load_quiz_data; "
              "from handout.quiz.bib import cite_labels; from handout.quiz.generator import generate; "
              f"d = load_quiz_data(Path({str(QUIZZES)!r})); "
              f"print(json.dumps(generate(d, seed=3, citations=cite_labels(Path({str(BIB)!r}))).as_dict()))")
    outs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": h}).stdout for h in ("1", "2", "12345")}
    assert len(outs) == 1


def test_data_order_does_not_matter(real: DataSet) -> None:
    d = real.data
    shuffled = dataclasses.replace(d, terms=d.terms[::-1], families=d.families[::-1], compounds=d.compounds[::-1])
    for seed in (0, 5):
        assert generate(shuffled, seed=seed, citations=real.citations).as_dict() == real.form(seed).as_dict()


SERMORELIN = """
- id: sermorelin
  name: Sermorelin
  families: [ghrh-r-agonist]
  section: receptor-families#ghrh-receptor-agonists
  findings:
    - id: reviewed-use
      text: was reviewed for diagnosing and treating growth hormone deficiency in children
      evidence: review
      cite: [prakash1999]
"""
PRAKASH = """
@article{prakash1999,
  author  = {Prakash, A. and Goa, K. L.},
  title   = {Sermorelin: a review of its use in the diagnosis and treatment of children with idiopathic growth
             hormone deficiency},
  journal = {BioDrugs},
  volume  = {12},
  number  = {2},
  pages   = {139--157},
  year    = {1999},
}
"""


def content(q: Question) -> tuple[object, ...]:
    """What a question asks and answers; the option order is the form's (answer positions are balanced)."""
    answers = tuple(q.options[i] for i in q.correct)
    return q.kind, q.stem, answers, q.prompts, q.accept, q.rationale, q.cite, q.section, q.draws_on, q.negated


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> DataSet:
    """A copy of the real data with one more compound (and the study it cites)."""
    root = tmp_path_factory.mktemp("grown")
    shutil.copytree(QUIZZES, root / "quizzes")
    with (root / "quizzes" / "compounds.yaml").open("a", encoding="utf-8") as f:
        f.write(SERMORELIN)
    (root / "references.bib").write_text(BIB.read_text(encoding="utf-8") + PRAKASH, encoding="utf-8")
    return load(root / "quizzes", root / "references.bib", DOCS)


# True/false statements are chosen per form to balance true and false, and the matching question covers
# the items as a whole (it may pair the new one too): both are checked with the whole form below.
@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("true-false", "matching")])
def test_ids_and_questions_survive_new_data(real: DataSet, grown: DataSet, kind: str) -> None:
    new_texts = {"Sermorelin", "Prakash and Goa, 1999"}
    for seed in (0, 1):
        old, new = by_id(real.form(seed, kinds=[kind])), by_id(grown.form(seed, kinds=[kind]))
        for qid, q in old.items():
            if qid not in new:
                # A form asks one fact once: only a question on the new compound may take this one's place,
                # asking the same thing (one member of a family per form).
                assert any(n.stem == q.stem and "sermorelin" in n.draws_on for n in new.values()), qid
                continue
            assert content(new[qid]) == content(q)
            assert set(q.options) <= set(new[qid].options)
            assert set(new[qid].options) - set(q.options) <= new_texts


def test_whole_form_keeps_what_each_id_means(real: DataSet, grown: DataSet) -> None:
    for seed in SEEDS:
        old, new = by_id(real.form(seed)), by_id(grown.form(seed))
        shared = set(old) & set(new) - {i for i in old if i.startswith("matching:")}
        assert len(shared) >= len(old) // 2
        for qid in shared:
            assert content(new[qid]) == content(old[qid])
        assert any("sermorelin" in q.draws_on for q in new.values())


# -- count, kinds, citations ------------------------------------------------------------------------


def test_count_spreads_over_the_kinds(real: DataSet) -> None:
    for seed in SEEDS:
        form = real.form(seed, count=len(KINDS))
        assert sorted(q.kind for q in form.questions) == sorted(KINDS)
    assert real.form(count=0).questions == ()
    assert len(real.form(count=15).questions) == 15
    assert any(n.startswith("count 15:") for n in real.form(count=15).notes)


def test_kinds_limit_the_form(real: DataSet) -> None:
    form = real.form(kinds=["matching", "fill-blank"])
    assert {q.kind for q in form.questions} == {"matching", "fill-blank"}
    with pytest.raises(ValueError, match="unknown question kind"):
        real.form(kinds=["essay"])
    with pytest.raises(ValueError, match="count"):
        real.form(count=-1)


def test_without_citation_labels(real: DataSet) -> None:
    form = generate(real.data, seed=0)
    assert "finding-study" not in {q.kind for q in form.questions}
    assert any("finding-study" in n for n in form.notes)
    # Rationales still cite, by key.
    assert any(q.rationale.endswith("(nass2008).") for q in form.questions)


def test_bank_is_plain_json(real: DataSet) -> None:
    bank = real.form(2).as_dict()
    assert bank["version"] == 1 and bank["title"] == "Growth-hormone secretagogues" and bank["seed"] == 2
    assert json.loads(json.dumps(bank)) == bank
    q = bank["questions"][0]
    assert set(q) == {"id", "kind", "stem", "options", "correct", "prompts", "accept", "rationale", "cite",
                      "section", "draws_on", "negated"}


def test_coverage_report(real: DataSet) -> None:
    form = real.form()
    assert form.coverage["untested_terms"] == () and form.coverage["untested_compounds"] == ()
    per_family = form.coverage["questions_per_family"]
    assert set(per_family) == {"ghs-r-agonist", "ghrh-r-agonist"} and all(per_family.values())
    small = real.form(count=4)
    tested = {q.draws_on[0] for q in small.questions if q.kind in ("term-definition", "definition-term", "fill-blank")
              or q.id.startswith("true-false:term-definition:")}
    names = {t.id: t.term for t in real.data.terms}
    assert set(small.coverage["untested_terms"]) == {names[i] for i in names if i not in tested}
    assert sum(small.coverage["questions_per_kind"].values()) == 4


# -- no doses ------------------------------------------------------------------------------------------


def test_dose_pattern_catches_doses() -> None:
    for text in ("100 mg", "2.5mcg", "1 IU/kg", "taken twice daily", "0.3 mL", "one per day"):
        assert DOSE.search(text), text
    assert not DOSE.search("IGF-1 and 30S ribosomal subunit, 50S, in 1998")


def test_nothing_generated_gives_a_dose(real: DataSet, antibiotics: DataSet) -> None:
    for ds in (real, antibiotics):
        for seed in SEEDS:
            bank = json.dumps(ds.form(seed).as_dict(), ensure_ascii=False)
            assert not DOSE.search(bank), DOSE.search(bank)


# -- a second subject, no code change --------------------------------------------------------------------


def test_antibiotics_data_loads_and_yields_every_kind(antibiotics: DataSet) -> None:
    assert len(antibiotics.data.families) >= 3 and len(antibiotics.data.compounds) >= 5
    for seed in SEEDS:
        form = antibiotics.form(seed)
        assert {q.kind for q in form.questions} == set(KINDS)
        assert form.title == "Antibiotic classes and their targets"


def test_antibiotics_questions_are_worded_with_its_labels(antibiotics: DataSet, real: DataSet) -> None:
    for seed in SEEDS:
        for q in antibiotics.form(seed).questions:
            words = " ".join(texts(q)).lower()
            assert not re.search(r"\b(compounds?|famil(y|ies)|receptors?|ligand)\b", words), q.stem
        for q in real.form(seed).questions:
            assert not re.search(r"\b(antibiotics?|class(es)?)\b", " ".join(texts(q)).lower()), q.stem
    form = {i: q for kind in ("compound-family", "compound-target", "family-compound", "matching")
            for i, q in by_id(antibiotics.form(kinds=[kind])).items()}
    q = form["compound-family:streptomycin:aminoglycosides"]
    assert q.stem == "Which class does the antibiotic Streptomycin belong to?"
    assert key(q) == "Aminoglycosides"
    q = form["compound-target:ciprofloxacin:fluoroquinolones"]
    assert q.stem == "Which target does Ciprofloxacin act on?"
    assert key(q) == "DNA gyrase and topoisomerase IV"
    q = form["family-compound:macrolides:erythromycin"]
    assert q.stem == "Which antibiotic belongs to the class of Macrolides?"
    (m,) = [q for q in form.values() if q.kind == "matching"]
    assert m.stem == "Match the antibiotics to their classes."


def test_antibiotic_in_two_classes(antibiotics: DataSet) -> None:
    for seed in SEEDS:
        form = antibiotics.form(seed, kinds=["compound-family", "compound-target", "family-compound",
                                             "true-false", "matching"])
        for q in form.questions:
            if q.kind == "compound-family" and q.draws_on[0] == "meropenem":
                assert key(q) in {"Beta-lactams", "Carbapenems"}
                assert not {"Beta-lactams", "Carbapenems"} & set(distractors(q))
            if q.kind == "compound-target" and q.draws_on[0] in {"meropenem", "penicillin"}:
                # Carbapenems share the beta-lactams' target: never offered as a wrong answer.
                assert key(q) == "Penicillin-binding proteins" and "Penicillin-binding proteins" not in distractors(q)
            if q.kind == "family-compound" and q.draws_on[0] == "beta-lactams":
                assert not {"Meropenem", "Penicillin"} & set(distractors(q))
            if q.kind == "matching":
                assert "Meropenem" not in q.prompts
            if q.id == "true-false:compound-family:meropenem:carbapenems":
                assert q.correct == (0,)
            if q.id == "true-false:compound-family:penicillin:carbapenems":
                assert q.correct == (1,)
    # Meropenem is asked about once per form, whichever of its classes the question names.
    form = antibiotics.form(kinds=["compound-family"])
    assert len([q for q in form.questions if q.draws_on[0] == "meropenem"]) == 1


def test_antibiotic_findings(antibiotics: DataSet) -> None:
    form = by_id(antibiotics.form(kinds=["finding-study", "finding-evidence"]))
    q = form["finding-study:streptomycin:tuberculosis-trial:mrc1948"]
    assert key(q) == "Medical Research Council, 1948"
    # Other studies on streptomycin (Schatz, Carter) may have said the same: never wrong answers here.
    assert not {"Schatz et al., 1944", "Carter et al., 2000"} & set(distractors(q))
    assert key(form["finding-evidence:penicillin:mouse-protection"]) == "Preclinical (animal) work"
    assert key(form["finding-evidence:ciprofloxacin:enzyme-trapping"]) == "Review of other studies"
