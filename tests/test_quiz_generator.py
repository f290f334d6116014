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
from handout.quiz.generator import KINDS, MEMBERS, Form, Question, generate
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

    def bank(self, *, kinds: Sequence[str] | None = None) -> Form:
        """Every fact once, without the enemy rules of a form."""
        return generate(self.data, kinds=kinds, citations=self.citations, bank=True)


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


def norm(text: str) -> str:
    """Words only, lower case: options carry a capital first letter and typographic quotes."""
    return " ".join(re.findall(r"\w+", text.casefold()))


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


def every_kind_is_asked(ds: DataSet, seed: int) -> Form:
    """Each kind alone gives questions; a form holds every kind except those whose facts all went to other
    kinds (a form asks each fact once: the matching question covers the items' groups), and says so."""
    for kind in KINDS:
        assert ds.form(seed, kinds=[kind]).questions, kind
    form = ds.form(seed)
    for kind in set(KINDS) - {q.kind for q in form.questions}:
        assert f"{kind}: no question in this form; every fact it could ask went to another kind" in form.notes
    assert len({q.id for q in form.questions}) == len(form.questions)
    return form


@pytest.mark.parametrize("seed", SEEDS)
def test_every_kind_appears(real: DataSet, seed: int) -> None:
    form = every_kind_is_asked(real, seed)
    assert len(form.questions) >= 10  # enemy-free: fewer than the bank
    assert {q.kind for q in real.bank().questions} >= set(KINDS) - {"item-group", "group-item"}
    assert len(real.bank().questions) >= 30


def test_compound_family_of_ipamorelin(real: DataSet) -> None:
    q = by_id(real.form(kinds=["item-group"]))["member:ipamorelin:ghs-r-agonist"]
    assert q.kind == "item-group"
    assert q.stem == "Which family does the compound ipamorelin belong to?"
    assert key(q) == "Ghrelin-receptor (GHS-R) agonists"
    assert distractors(q) == ["GHRH-receptor agonists"]
    assert q.draws_on == ("ipamorelin", "ghs-r-agonist")
    assert q.section == "example-compounds#ipamorelin"


def test_compound_target_and_family_compound(real: DataSet) -> None:
    # The bank: a form asks one question per item, so never both of these.
    bank = real.bank(kinds=["item-target", "group-item"])
    form = {(q.kind, q.id): q for q in bank.questions}
    q = form["item-target", "target:cjc-1295:ghrh-r-agonist"]
    assert q.stem == "Which receptor does CJC-1295 act on?"
    assert (key(q), distractors(q)) == ("GHRH receptor", ["GHS-R (ghrelin receptor)"])
    assert "natural ligand is growth-hormone-releasing hormone (GHRH)" in q.rationale
    q = form["group-item", "member:cjc-1295:ghrh-r-agonist"]
    assert q.stem == "Which compound belongs to the family of GHRH-receptor agonists?"
    assert key(q) == "CJC-1295"
    assert sorted(distractors(q)) == ["Ipamorelin", "MK-677 (ibutamoren)"]
    # The GHS-R family has one non-member only: too few distractors, so no question, and the report says so.
    assert not any(k == "group-item" and i.endswith(":ghs-r-agonist") for k, i in form)
    assert bank.unasked[MEMBERS] == ("member:ipamorelin:ghs-r-agonist (group-item)",
                                     "member:mk-677:ghs-r-agonist (group-item)")


def test_finding_study_for_mk677_glucose(real: DataSet) -> None:
    q = by_id(real.bank(kinds=["finding-study"]))["study:mk-677:glucose-insulin:nass2008"]
    assert q.stem == ("Which study reported that MK-677 (ibutamoren) raised fasting glucose and lowered insulin "
                      "sensitivity in healthy older adults?")
    assert key(q) == "Nass et al., 2008"
    assert sorted(distractors(q)) == ["Raun et al., 1998", "Teichman et al., 2006"]
    # The rationale gives the design, cites the study after that sentence and places the wrong options.
    assert q.rationale.startswith("The finding was reported from a two-year, double-blind trial")
    assert q.rationale.endswith("The handout cites Teichman et al. (2006) and Raun et al. (1998) for other findings.") \
        or q.rationale.endswith("The handout cites Raun et al. (1998) and Teichman et al. (2006) for other findings.")
    assert q.cite == ("nass2008",)


def test_finding_evidence_and_its_true_false(real: DataSet) -> None:
    form = real.bank(kinds=["finding-evidence"])
    q = by_id(form)["evidence:mk-677:glucose-insulin"]
    assert q.stem.startswith("What kind of evidence supports the finding that MK-677 (ibutamoren) raised fasting")
    assert key(q) == "Long randomized trial"
    assert q.rationale.startswith("The finding was reported from a two-year, double-blind trial")
    assert "(Nass et al., 2008). That makes it evidence of the kind" in q.rationale
    assert "evidence of the kind “Long randomized trial”: people were assigned by chance" in q.rationale
    assert key(by_id(form)["evidence:ipamorelin:selective-release"]) == "Animal study"


def test_glossary_questions(real: DataSet) -> None:
    glossary = {t.id: t for t in real.data.terms}
    for seed in SEEDS:
        for q in real.form(seed, kinds=["term-definition", "definition-term", "fill-blank"]).questions:
            term = glossary[q.draws_on[0]]
            assert q.id == f"term:{term.id}"
            # Mid-sentence a name loses a capital that only starts it (acronyms keep theirs).
            definition = norm(term.definition)
            if q.kind == "term-definition":
                assert q.stem.casefold() == f"What does “{term.term}” mean?".casefold()
                assert norm(key(q)) == definition
                kin = {norm(t.definition) for t in real.data.terms if t.category == term.category}
                assert {norm(d) for d in distractors(q)} <= kin - {definition}
            elif q.kind == "definition-term":
                assert q.stem.startswith("Which term means “") and norm(q.stem).endswith(definition)
                assert key(q) == term.term
            else:
                assert q.stem.startswith("The term _____ means ") and norm(q.stem).endswith(definition)
                assert q.accept == term.names and q.options == () and q.correct == ()
            assert q.section == term.section


def test_fill_blank_accepts_the_aliases(real: DataSet) -> None:
    q = by_id(real.bank(kinds=["fill-blank"]))["term:ghrh"]
    assert q.accept == ("GHRH", "Growth-hormone-releasing hormone")
    # Written out for platforms that compare literally: hyphens as spaces, and dropped.
    assert q.variants == ("GHRH", "Growth-hormone-releasing hormone", "Growth hormone releasing hormone",
                          "Growthhormonereleasing hormone")


def test_matching_pairs_each_compound_with_its_family(real: DataSet) -> None:
    (q,) = real.form(kinds=["matching"]).questions
    truth = {"Ipamorelin": "Ghrelin-receptor (GHS-R) agonists",
             "MK-677 (ibutamoren)": "Ghrelin-receptor (GHS-R) agonists",
             "CJC-1295": "GHRH-receptor agonists"}
    pairs = {p: q.options[i] for p, i in zip(q.prompts, q.correct, strict=True)}
    # One compound of each family, and one compound left out, so a form can still ask it on its own.
    assert q.stem == ("Match each compound to its family. A family may be used more than once, and some may be "
                      "left unused.")
    assert len(pairs) == 2 and set(pairs.values()) == set(truth.values())
    assert all(truth[p] == f for p, f in pairs.items())


def test_true_false_statements_are_labelled_by_the_data(real: DataSet) -> None:
    seen = set()
    for seed in SEEDS:
        for q in real.form(seed, kinds=["true-false"]).questions:
            assert q.options == ("True", "False")
            seen.add(q.correct)
            # A false statement draws on one more thing: the other group, or the other term's definition.
            if q.id == "member:ipamorelin:ghs-r-agonist" and q.draws_on == ("ipamorelin", "ghs-r-agonist"):
                assert q.correct == (0,)
            if q.id == "member:ipamorelin:ghs-r-agonist" and q.draws_on[2:] == ("ghrh-r-agonist",):
                assert q.correct == (1,)
                assert "ipamorelin is not one of the GHRH-receptor agonists" in q.rationale
            if q.id.startswith("term:"):
                assert q.correct == ((0,) if len(q.draws_on) == 1 else (1,))
    assert seen == {(0,), (1,)}


def test_rationale_names_the_cited_study(real: DataSet) -> None:
    for seed in SEEDS:
        for q in real.form(seed).questions:
            for k in q.cite:
                # "(Nass et al., 2008)" at the end, or "Nass et al. (2008) reported ..." for a finding.
                label = real.citations[k]
                narrative = re.sub(r"^(.*), (\d{4}\w?)$", r"\1 (\2)", label)
                assert label in q.rationale or narrative in q.rationale, q.id
            # The citation closes the sentence it supports (contrasts with the wrong options may follow).
            if q.cite and not q.id.startswith(("evidence:", "study:")):
                assert re.search(r"\([^()]*\d{4}\)\.(?: |$)", q.rationale), q.rationale
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
      evidence: human-unrandomized
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
    """What a question asks and answers; the option order is the form's (answer positions are balanced).
    Distractors are sampled from the data, so they (and the rationale's contrasts with them) may change as
    the data grows; what is asked and answered may not."""
    answers = tuple(q.options[i] for i in q.correct)
    return q.kind, q.stem, answers, q.prompts, q.accept, q.cite, q.section, q.draws_on, q.negated


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> DataSet:
    """A copy of the real data with one more compound (and the study it cites)."""
    root = tmp_path_factory.mktemp("grown")
    shutil.copytree(QUIZZES, root / "quizzes")
    with (root / "quizzes" / "compounds.yaml").open("a", encoding="utf-8") as f:
        f.write(SERMORELIN)
    (root / "references.bib").write_text(BIB.read_text(encoding="utf-8") + PRAKASH, encoding="utf-8")
    return load(root / "quizzes", root / "references.bib", DOCS)


# True/false statements are chosen per bank to balance true and false, and the matching question covers
# the items as a whole (it may pair the new one too): both are checked with the whole bank below.
# The bank, not a form: a form is enemy-free, so a question on the new item may rightly push an old one out
# of it; the bank asks every fact, and a new fact must never push an old one out.
@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("true-false", "matching")])
def test_ids_and_questions_survive_new_data(real: DataSet, grown: DataSet, kind: str) -> None:
    old, new = by_id(real.bank(kinds=[kind])), by_id(grown.bank(kinds=[kind]))
    assert set(old) <= set(new)
    for qid, q in old.items():
        assert content(new[qid]) == content(q)


def test_whole_form_keeps_what_each_id_means(real: DataSet, grown: DataSet) -> None:
    old, new = by_id(real.bank()), by_id(grown.bank())
    assert set(old) <= set(new)
    for qid in set(old) - {"matching"}:
        # A new item may change which kind asks a fact, never what the id is about. (A true/false fact may
        # also turn from its true statement to a false one, as distractors may change.)
        if new[qid].kind == old[qid].kind != "true-false":
            assert content(new[qid]) == content(old[qid])
        about = 1 if qid.startswith("term:") else 2  # the term; the item and its group or finding
        assert set(new[qid].draws_on[:about]) == set(old[qid].draws_on[:about])
    assert any("sermorelin" in q.draws_on for q in new.values())


# -- count, kinds, citations ------------------------------------------------------------------------


def test_count_spreads_over_the_kinds(real: DataSet) -> None:
    for seed in SEEDS:
        # As many questions as the full form has kinds: one of each.
        kinds = {q.kind for q in real.form(seed).questions}
        form = real.form(seed, count=len(kinds))
        assert sorted(q.kind for q in form.questions) == sorted(kinds)
    assert real.form(count=0).questions == ()
    assert len(real.form(count=8).questions) == 8
    assert any(n.startswith("count 8:") for n in real.form(count=8).notes)


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
    assert bank["version"] == 2 and bank["title"] == "Growth-hormone secretagogues" and bank["seed"] == 2
    assert json.loads(json.dumps(bank)) == bank
    q = bank["questions"][0]
    assert set(q) == {"id", "kind", "stem", "options", "correct", "prompts", "accept", "variants", "rationale",
                      "cite", "section", "draws_on", "negated"}


def test_coverage_report(real: DataSet) -> None:
    form = real.bank()  # a form is enemy-free and leaves terms out; the bank asks every fact
    assert form.coverage["untested_terms"] == () and form.coverage["untested_compounds"] == ()
    per_family = form.coverage["questions_per_family"]
    assert set(per_family) == {"ghs-r-agonist", "ghrh-r-agonist"} and all(per_family.values())
    small = real.form(count=4)
    tested = {q.draws_on[0] for q in small.questions if q.id.startswith("term:")}
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
        form = every_kind_is_asked(antibiotics, seed)
        assert form.title == "Antibiotic classes and their targets"


def test_antibiotics_questions_are_worded_with_its_labels(antibiotics: DataSet, real: DataSet) -> None:
    for seed in SEEDS:
        for q in antibiotics.form(seed).questions:
            words = " ".join(texts(q)).lower()
            assert not re.search(r"\b(compounds?|famil(y|ies)|receptors?|ligand)\b", words), q.stem
        for q in real.form(seed).questions:
            assert not re.search(r"\b(antibiotics?|class(es)?)\b", " ".join(texts(q)).lower()), q.stem
    form = {(q.kind, q.id): q for kind in ("item-group", "item-target", "group-item", "matching")
            for q in antibiotics.bank(kinds=[kind]).questions}
    q = form["item-group", "member:streptomycin:aminoglycosides"]
    assert q.stem == "Which class does the antibiotic streptomycin belong to?"
    assert key(q) == "Aminoglycosides"
    q = form["item-target", "target:ciprofloxacin:fluoroquinolones"]
    assert q.stem == "Which target does ciprofloxacin act on?"
    assert key(q) == "DNA gyrase and topoisomerase IV"
    q = form["group-item", "member:erythromycin:macrolides"]
    assert q.stem == "Which antibiotic belongs to the class of macrolides?"
    m = form["matching", "matching"]
    assert m.stem == ("Match each antibiotic to its class. A class may be used more than once, and some may be "
                      "left unused.")


def test_antibiotic_in_two_classes(antibiotics: DataSet) -> None:
    for seed in SEEDS:
        form = antibiotics.form(seed, kinds=["item-group", "item-target", "group-item", "true-false", "matching"])
        for q in form.questions:
            if q.kind == "item-group" and q.draws_on[0] == "meropenem":
                assert key(q) in {"Beta-lactams", "Carbapenems"}
                assert not {"Beta-lactams", "Carbapenems"} & set(distractors(q))
            if q.kind == "item-target" and q.draws_on[0] in {"meropenem", "penicillin"}:
                # Carbapenems share the beta-lactams' target: never offered as a wrong answer.
                assert key(q) == "Penicillin-binding proteins" and "Penicillin-binding proteins" not in distractors(q)
            if q.kind == "group-item" and q.draws_on[0] == "beta-lactams":
                assert not {"Meropenem", "Penicillin"} & set(distractors(q))
            if q.kind == "matching":
                assert "Meropenem" not in q.prompts
            # The group a statement names is the last it draws on (a false one names another group).
            if q.kind == "true-false" and q.id.startswith("member:meropenem:") and q.draws_on[-1] == "carbapenems":
                assert q.correct == (0,)
            if q.kind == "true-false" and q.id.startswith("member:penicillin:") and q.draws_on[-1] == "carbapenems":
                assert q.correct == (1,)
    # Meropenem is asked about once per form, whichever of its classes the question names.
    form = antibiotics.form(kinds=["item-group"])
    assert len([q for q in form.questions if q.draws_on[0] == "meropenem"]) == 1


def test_antibiotic_findings(antibiotics: DataSet) -> None:
    form = by_id(antibiotics.bank(kinds=["finding-study", "finding-evidence"]))
    q = form["study:streptomycin:tuberculosis-trial:mrc1948"]
    assert key(q) == "Medical Research Council, 1948"
    # Other studies on streptomycin (Schatz, Carter) may have said the same: never wrong answers here.
    assert not {"Schatz et al., 1944", "Carter et al., 2000"} & set(distractors(q))
    assert key(form["evidence:penicillin:mouse-protection"]) == "Animal study"
    assert key(form["evidence:ciprofloxacin:enzyme-trapping"]) == "Review of other studies"
