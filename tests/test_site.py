"""The HTML site of the real handout, built once per session and read with BeautifulSoup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import Build

CHAPTERS = {
    "what-is-a-secretagogue": ["secretagogue", "agogos"],
    "how-gh-secretagogues-work": ["pituitary", "feedback", "IGF-1"],
    "receptor-families": ["GHS-R", "ghrelin", "GHRH"],
    "example-compounds": ["Ipamorelin", "MK-677", "ibutamoren", "CJC-1295", "insulin sensitivity", "fasting glucose"],
    "what-studies-examined": ["Laboratory study", "Animal study", "Human study without random assignment",
                              "Short randomized trial", "Long randomized trial"],
    "secretagogue-vs-hormone": ["feedback"],
    "faq": ["medical advice"],
    "glossary": ["secretagogue", "ghrelin"],
    "references": ["Raun", "Nass", "Teichman"],
}
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.I)
CSS_LOAD = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""")
DOSE = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|μg|ug|iu|ml)(?:/kg)?\b|\bper day\b|\btwice daily\b", re.I)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def main_text(page: BeautifulSoup) -> str:
    article = page.find("article") or page
    return re.sub(r"\s+", " ", article.get_text(" "))


@pytest.fixture(scope="session")
def pages(handout_html: Build) -> dict[str, BeautifulSoup]:
    root = handout_html.outdir
    return {
        str(p.relative_to(root).with_suffix("")): soup(p)
        for p in sorted(root.rglob("*.html"))
        if not {"_static", "_sources", ".doctrees"} & set(p.relative_to(root).parts)
    }


def test_build_has_no_warnings(handout_html: Build) -> None:
    assert "WARNING" not in handout_html.stderr
    assert "ERROR" not in handout_html.stderr


@pytest.mark.parametrize(("chapter", "words"), CHAPTERS.items())
def test_every_seed_topic_has_its_page(pages: dict[str, BeautifulSoup], chapter: str, words: list[str]) -> None:
    assert chapter in pages, f"no page {chapter}.html"
    text = main_text(pages[chapter]).lower()
    missing = [w for w in words if w.lower() not in text]
    assert not missing, f"{chapter}: {missing}"


def test_notice_on_every_page(pages: dict[str, BeautifulSoup]) -> None:
    assert {"index", "genindex", "search"} <= set(pages)
    assert any(name.startswith("_quiz/") for name in pages), "the projector pages are part of the site"
    for name, page in pages.items():
        # Furo's announcement bar on the site's pages, the footer of every slide on a projector page.
        banner = page.select_one(".projector-notice" if name.startswith("_quiz/") else ".announcement")
        assert banner is not None, name
        assert "not medical advice" in banner.get_text(), name
        assert "qualified clinician" in banner.get_text(), name


def citation_links(pages: dict[str, BeautifulSoup]) -> list[tuple[str, Tag]]:
    return [
        (name, a)
        for name, page in pages.items()
        for a in page.select("article a.reference.internal")
        if re.fullmatch(r"[A-Z][\w-]+ et al\., \d{4}", a.get_text(" ", strip=True).replace(" ,", ","))
    ]


def test_citations_are_author_year_and_link_to_their_entry(pages: dict[str, BeautifulSoup]) -> None:
    links = citation_links(pages)
    cited = {a.get_text(" ", strip=True).replace(" ,", ",") for _, a in links}
    assert cited == {"Raun et al., 1998", "Nass et al., 2008", "Teichman et al., 2006"}
    for name, a in links:
        href = str(a["href"])
        target_page, _, anchor = href.partition("#")
        target = pages[target_page.removesuffix(".html")] if target_page else pages[name]
        entry = target.find(id=anchor)
        assert entry is not None, f"{name}: {href} points nowhere"
        label = a.get_text(" ", strip=True).replace(" ,", ",")
        assert label in entry.get_text(" ", strip=True).replace(" ,", ","), f"{href} is not the entry for {label}"


def test_text_cites_in_round_brackets(pages: dict[str, BeautifulSoup]) -> None:
    # get_text(" ") spaces out inline markup ("Raun <em>et al.</em>"); read it as a person would.
    text = " ".join(main_text(p) for p in pages.values())
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+([,.)])", r"\1", text))
    for who, year in (("Raun", 1998), ("Nass", 2008), ("Teichman", 2006)):
        assert re.search(rf"\(\s*{who} et al\., {year}\s*\)|{who} et al\. \(\s*{year}\s*\)", text), who


def test_references_page_lists_the_three_studies(pages: dict[str, BeautifulSoup]) -> None:
    text = main_text(pages["references"])
    assert "Effects of an oral ghrelin mimetic on body composition" in text
    assert "10.7326/0003-4819-149-9-200811040-00003" in text
    assert "Prolonged stimulation of growth hormone" in text
    assert "Ipamorelin, the first selective growth hormone secretagogue" in text


def test_families_table_gives_each_compound_its_receptor(pages: dict[str, BeautifulSoup]) -> None:
    tables = [t for t in pages["receptor-families"].select("article table")
              if "receptor" in t.find("thead").get_text().lower()]
    assert tables, "no families table"
    table = tables[0]
    headers = [th.get_text(" ", strip=True).lower() for th in table.select("thead th")]
    receptor_col = next(i for i, h in enumerate(headers) if "receptor" in h)
    compound_col = next(i for i, h in enumerate(headers) if "compound" in h or "example" in h)
    rows = {}
    for tr in table.select("tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        rows[cells[compound_col]] = cells[receptor_col]
    by_compound = {next(c for c in rows if key in c): rows[next(c for c in rows if key in c)]
                   for key in ("Ipamorelin", "MK-677", "CJC-1295")}
    assert re.search(r"ghrelin|GHS-R", by_compound[next(c for c in by_compound if "Ipamorelin" in c)])
    assert re.search(r"ghrelin|GHS-R", by_compound[next(c for c in by_compound if "MK-677" in c)])
    cjc = by_compound[next(c for c in by_compound if "CJC-1295" in c)]
    assert "GHRH" in cjc and "ghrelin" not in cjc.lower()


def test_glossary_terms_are_linked_from_the_text(pages: dict[str, BeautifulSoup]) -> None:
    terms = {str(dt.get("id")) for dt in pages["glossary"].select("dl.glossary dt")}
    assert len(terms) >= 15
    used = {str(a["href"]).partition("#")[2] for p in pages.values() for a in p.select("article a[href*='glossary']")}
    assert len(used & terms) >= 10, f"only {sorted(used & terms)} are linked"


def test_nothing_loads_from_another_host(handout_html: Build, pages: dict[str, BeautifulSoup]) -> None:
    loads = [
        f"{name}: {url}"
        for name, page in pages.items()
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"))
        for el in page.find_all(tag)
        if (url := str(el.get(attr) or "")) and EXTERNAL.match(url)
        and not (tag == "link" and not {"stylesheet", "preload", "icon", "modulepreload"} & set(el.get("rel") or []))
    ]
    for css in handout_html.outdir.rglob("*.css"):
        body = re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8", errors="replace"), flags=re.S)
        loads += [f"{css.name}: {m}" for m in CSS_LOAD.findall(body)]
    assert not loads


def test_no_doses_anywhere(pages: dict[str, BeautifulSoup]) -> None:
    hits = [(name, m.group()) for name, page in pages.items() for m in DOSE.finditer(main_text(page))]
    assert not hits
