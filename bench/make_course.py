"""Generate a large, self-contained Sphinx course (MyST) for the PDF benchmarks.

The course is made of deterministic pseudo-random prose, so every run of the benchmark lays out
exactly the same text: with the defaults our ``pdf`` builder prints about 100 A4 pages. It uses
the features a real handout uses (chapters with sections and subsections, captioned tables,
bullet and numbered lists, notes, cross-references between chapters, citations, glossary terms,
a bibliography) and nothing that would need the network or images. It builds without a warning
under ``sphinx-build -W -n -b pdf``.

Usage: ``python bench/make_course.py DEST [--chapters N] [--seed S]``
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

# A fixed vocabulary: the text needs realistic word lengths for line breaking, not meaning.
_VOCABULARY = """
absorption acid activity adaptive agonist amino analysis analogue animal assay baseline binding
biological blood body capacity cell cellular change chronic circulating clinical cohort compound
concentration condition control cortex cycle data decline density design dose duration effect
endocrine energy enzyme evidence expression factor fasting feedback fibre function gland glucose
growth hormone human hypothalamus increase individual infusion injection insulin interval kidney
laboratory level liver long mass measure mechanism membrane metabolic method model molecule muscle
network neuron night nutrient observation older outcome oral pathway patient peak peptide period
peripheral pituitary plasma population protein pulse rate ratio receptor regulation release
research response result review rhythm sample secretion sensitivity serum signal sleep small
stimulus storage structure study subject surface synthesis system target therapy tissue trial
transport treatment tumour value variable volume weight window young across after against among
before between during early further often rarely under within without strongly weakly mostly
partly briefly directly clearly largely slowly rapidly
"""
WORDS = _VOCABULARY.split()

_SURNAMES = """
Abbott Bergstrom Castellanos Dubois Eriksen Fujimoto Gallagher Haddad Ivanova Jensen Kowalski
Lindqvist Moreau Nakamura Okafor Petrova Quintero Rasmussen Silva Tanaka Underwood Vasquez
Whitfield Xu Yilmaz Zimmermann
"""
SURNAMES = _SURNAMES.split()

JOURNALS = (
    "Journal of Imaginary Endocrinology",
    "Annals of Made-Up Physiology",
    "Proceedings of the Placeholder Society",
    "Review of Synthetic Medicine",
    "Notes in Fictional Pharmacology",
)

BIB_ENTRIES = 20
GLOSSARY_TERMS = 60
# With 20 chapters of four sections each, our print stylesheet gives about 100 A4 pages.
CHAPTERS = 20
SECTIONS = 4


def _sentence(rng: random.Random, low: int = 9, high: int = 22) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    if len(words) > 12 and rng.random() < 0.5:
        words[rng.randint(4, len(words) - 6)] += ","
    return " ".join(words).capitalize() + "."


def _title(rng: random.Random, words: int) -> str:
    return " ".join(rng.sample(WORDS, words)).capitalize()


def _paragraph(rng: random.Random, extras: list[str]) -> str:
    """Five to nine sentences; each string in ``extras`` (a citation or term role) is woven in."""
    sentences = [_sentence(rng) for _ in range(rng.randint(5, 9))]
    for extra in extras:
        i = rng.randrange(len(sentences))
        sentences[i] = f"{sentences[i][:-1]} {extra}."
    return " ".join(sentences)


def _table(rng: random.Random, label: str) -> str:
    """A captioned pipe table that other text can reference as ``{ref}`label```."""
    columns = rng.randint(3, 5)
    header = ["Measure", *(_title(rng, 1) for _ in range(columns - 1))]
    rows = [
        [_title(rng, 2), *(f"{rng.uniform(0, 250):.1f}" for _ in range(columns - 1))] for _ in range(rng.randint(4, 8))
    ]
    lines = [header, ["---"] * columns, *rows]
    body = "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
    return f"```{{table}} {_sentence(rng, 6, 12)[:-1]}\n:name: {label}\n\n{body}\n```"


def _bullets(rng: random.Random, ordered: bool = False) -> str:
    items = [_sentence(rng, 4, 14) for _ in range(rng.randint(3, 6))]
    return "\n".join(f"{f'{n}.' if ordered else '-'} {item}" for n, item in enumerate(items, 1))


def _bib_keys(rng: random.Random) -> list[tuple[str, str]]:
    """(key, BibTeX entry) pairs with made-up authors, titles and journals."""
    entries = []
    for n in range(BIB_ENTRIES):
        authors = rng.sample(SURNAMES, rng.randint(1, 4))
        year = rng.randint(1985, 2024)
        key = f"{authors[0].lower()}{year}{'abcdefghijklmnopqrst'[n]}"
        names = " and ".join(f"{name}, {rng.choice('ABCDEFGHJKLMNPRST')}." for name in authors)
        first = rng.randint(1, 900)
        entry = (
            f"@article{{{key},\n"
            f"  author  = {{{names}}},\n"
            f"  title   = {{{_title(rng, rng.randint(4, 9))}}},\n"
            f"  journal = {{{rng.choice(JOURNALS)}}},\n"
            f"  year    = {{{year}}},\n"
            f"  volume  = {{{rng.randint(1, 90)}}},\n"
            f"  pages   = {{{first}--{first + rng.randint(4, 20)}}},\n"
            "}\n"
        )
        entries.append((key, entry))
    return entries


def _glossary_terms(rng: random.Random) -> list[str]:
    terms: set[str] = set()
    while len(terms) < GLOSSARY_TERMS:
        terms.add(" ".join(rng.sample(WORDS, 2)))
    return sorted(terms)


def _section_label(chapter: int, section: int) -> str:
    return f"ch{chapter:02d}-s{section}"


def _chapter(rng: random.Random, number: int, chapters: int, keys: list[str], terms: list[str]) -> str:
    """One chapter: an introduction, ``SECTIONS`` labelled sections, tables, lists, notes and
    references to other chapters, the bibliography and the glossary."""
    others = [n for n in range(1, chapters + 1) if n != number] or [number]
    parts = [f"# Chapter {number}: {_title(rng, 3)}", _paragraph(rng, [])]
    tables = set(rng.sample(range(SECTIONS), rng.randint(1, 2)))  # one or two tables per chapter
    for section in range(1, SECTIONS + 1):
        parts += [f"({_section_label(number, section)})=", f"## {_title(rng, rng.randint(2, 4))}"]
        for _ in range(rng.randint(2, 3)):
            extras = []
            if rng.random() < 0.4:
                extras.append(f"{{cite:p}}`{rng.choice(keys)}`")
            if rng.random() < 0.3:
                extras.append(f"({{term}}`{rng.choice(terms)}`)")
            if rng.random() < 0.25:
                target = _section_label(rng.choice(others), rng.randint(1, SECTIONS))
                extras.append(f"(see {{ref}}`{target}`)")
            parts.append(_paragraph(rng, extras))
        if section - 1 in tables:
            label = f"ch{number:02d}-t{section}"
            parts += [_table(rng, label), _paragraph(rng, [f"as {{ref}}`{label}` shows"])]
        if rng.random() < 0.6:
            parts.append(_bullets(rng, ordered=rng.random() < 0.3))
        if rng.random() < 0.2:
            parts.append(f"```{{note}}\n{_sentence(rng)} {_sentence(rng)}\n```")
        if rng.random() < 0.5:
            parts += [f"### {_title(rng, 2)}", _paragraph(rng, [])]
    following = _chapter_name(number + 1) if number < chapters else "glossary"
    parts.append(f"The course continues with {{doc}}`{following}`.")
    return "\n\n".join(parts) + "\n"


def _chapter_name(number: int) -> str:
    return f"chapter-{number:02d}"


def make_course(dest: Path, chapters: int = CHAPTERS, seed: int = 0) -> Path:
    """Write the course into ``dest`` (created if needed) and return ``dest``.

    ``dest`` is both the configuration and the source directory; the same ``seed`` and
    ``chapters`` always give byte-identical files.
    """
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    bib = _bib_keys(rng)
    keys = [key for key, _ in bib]
    terms = _glossary_terms(rng)
    names = [_chapter_name(n) for n in range(1, chapters + 1)]

    files = {
        # The same extensions and MyST settings as the handout's conf.py.
        "conf.py": (
            '"""A generated course for the PDF benchmarks (bench/make_course.py)."""\n\n'
            'project = "Large Course"\n'
            'author = "Bench Author"\n'
            'release = version = "1.0"\n'
            'language = "en"\n'
            'extensions = ["myst_parser", "sphinxcontrib.bibtex", "handout"]\n'
            'myst_enable_extensions = ["colon_fence", "deflist"]\n'
            "myst_heading_anchors = 3\n"
            'bibtex_bibfiles = ["refs.bib"]\n'
            'bibtex_reference_style = "author_year_round"\n'
            'bibtex_default_style = "plain_author_year"\n'
            'handout_subtitle = "A generated course for the PDF benchmarks"\n'
            'handout_keywords = ["benchmark"]\n'
        ),
        "refs.bib": "\n".join(entry for _, entry in bib),
        "index.md": (
            "# Large Course\n\n" + _paragraph(rng, []) + "\n\n"
            "```{toctree}\n:maxdepth: 2\n\n" + "\n".join([*names, "glossary", "references"]) + "\n```\n"
        ),
        "glossary.md": "# Glossary\n\n```{glossary}\n"
        + "\n".join(f"{term}\n  {_sentence(rng, 8, 20)} {_sentence(rng, 6, 14)}\n" for term in terms)
        + "```\n",
        "references.md": "# References\n\n```{bibliography}\n```\n",
    }
    for number, name in enumerate(names, 1):
        files[f"{name}.md"] = _chapter(rng, number, chapters, keys, terms)
    for name, text in files.items():
        (dest / name).write_text(text, encoding="utf-8")
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="directory to write the Sphinx project into")
    parser.add_argument("--chapters", type=int, default=CHAPTERS, help=f"number of chapters (default: {CHAPTERS})")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args()
    print(make_course(args.dest, args.chapters, args.seed))


if __name__ == "__main__":
    main()
