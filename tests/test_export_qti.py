"""The QTI 2.1 package of a quiz version, read back as an importer would: unzipped with zipfile, parsed with
lxml, and checked against the IMS specifications rather than against our own code.

No registry package ships the IMS schemas (imsqti_v2p1.xsd, imscp_v1p1.xsd), so the structure is checked
element by element against a transcription of them (:data:`QTI_SPEC`, :data:`CP_SPEC`): for every element
we may write, the children the schema allows in the order it allows them, the required and allowed
attributes, and the type of each attribute value. An element missing from the tables fails the test.
Then every question's content is read back from the package (stem, options, right answers resolved
through the identifiers to their texts, accepted answers, rationale) and compared with the version, for
the project's own versions and for one full of characters to escape.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from classroom_versions import nasty_version, seed_bank, seed_versions
from lxml import etree

from handout.quiz.exports import qti
from handout.quiz.generator import Question
from handout.quiz.versions import Version, public_id

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{{{XSI_NS}}}schemaLocation"
MATCH_CORRECT = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"
MAP_RESPONSE = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"
MANY = 10**9


# -- The specifications, transcribed ----------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One element of a schema: its children in order as (names, min, max), and its attributes."""

    children: tuple[tuple[frozenset[str], int, int], ...] = ()
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    text: bool = False  # whether character data may appear (mixed or simple content)


def spec(children: Iterable[tuple[str, int, int]] = (), required: str = "", optional: str = "",
         text: bool = False) -> Spec:
    return Spec(tuple((frozenset(names.split("|")), lo, hi) for names, lo, hi in children),
                frozenset(required.split()), frozenset(optional.split()) | {SCHEMA_LOCATION}, text)


# IMS QTI 2.1 (imsqti_v2p1.xsd), the elements an export of quiz questions can use. Children: the
# schema's xs:sequence; inline and block content is limited to what such an export needs.
QTI_SPEC: dict[str, Spec] = {
    "assessmentItem": spec(
        [("responseDeclaration", 0, MANY), ("outcomeDeclaration", 0, MANY), ("templateDeclaration", 0, MANY),
         ("templateProcessing", 0, 1), ("stylesheet", 0, MANY), ("itemBody", 0, 1),
         ("responseProcessing", 0, 1), ("modalFeedback", 0, MANY)],
        required="identifier title adaptive timeDependent", optional="label toolName toolVersion"),
    "responseDeclaration": spec([("defaultValue", 0, 1), ("correctResponse", 0, 1), ("mapping", 0, 1),
                                 ("areaMapping", 0, 1)], required="identifier cardinality", optional="baseType"),
    "outcomeDeclaration": spec([("defaultValue", 0, 1), ("matchTable|interpolationTable", 0, 1)],
                               required="identifier cardinality",
                               optional="baseType view interpretation longInterpretation normalMaximum "
                                        "normalMinimum masteryValue"),
    "defaultValue": spec([("value", 1, MANY)], optional="interpretation"),
    "correctResponse": spec([("value", 1, MANY)], optional="interpretation"),
    "value": spec(optional="fieldIdentifier baseType", text=True),
    "mapping": spec([("mapEntry", 1, MANY)], optional="lowerBound upperBound defaultValue"),
    "mapEntry": spec(required="mapKey mappedValue", optional="caseSensitive"),
    "itemBody": spec([("p|div|choiceInteraction|matchInteraction", 0, MANY)], optional="id class label"),
    "p": spec([("textEntryInteraction", 0, MANY)], optional="id class label", text=True),
    "choiceInteraction": spec([("prompt", 0, 1), ("simpleChoice", 1, MANY)], required="responseIdentifier",
                              optional="id class label shuffle maxChoices minChoices orientation"),
    "matchInteraction": spec([("prompt", 0, 1), ("simpleMatchSet", 2, 2)], required="responseIdentifier",
                             optional="id class label shuffle maxAssociations minAssociations"),
    "textEntryInteraction": spec(required="responseIdentifier",
                                 optional="id class label base stringIdentifier expectedLength patternMask "
                                          "placeholderText"),
    "prompt": spec(optional="id class label", text=True),
    "simpleChoice": spec(required="identifier", optional="id class label fixed templateIdentifier showHide",
                         text=True),
    "simpleMatchSet": spec([("simpleAssociableChoice", 0, MANY)], optional="id class label"),
    "simpleAssociableChoice": spec(required="identifier matchMax",
                                   optional="id class label fixed templateIdentifier showHide matchGroup matchMin",
                                   text=True),
    "responseProcessing": spec([("responseCondition|setOutcomeValue|exitResponse", 0, MANY)],
                               optional="template templateLocation"),
    "modalFeedback": spec(required="outcomeIdentifier showHide identifier", optional="title", text=True),
    "assessmentTest": spec(
        [("outcomeDeclaration", 0, MANY), ("timeLimits", 0, 1), ("stylesheet", 0, MANY), ("testPart", 1, MANY),
         ("outcomeProcessing", 0, 1), ("testFeedback", 0, MANY)],
        required="identifier title", optional="toolName toolVersion"),
    "testPart": spec([("preCondition", 0, MANY), ("branchRule", 0, MANY), ("itemSessionControl", 0, 1),
                      ("timeLimits", 0, 1), ("assessmentSection|assessmentSectionRef", 1, MANY),
                      ("testFeedback", 0, MANY)],
                     required="identifier navigationMode submissionMode"),
    "itemSessionControl": spec(optional="maxAttempts showFeedback allowReview showSolution allowComment "
                                        "allowSkipping validateResponses"),
    "assessmentSection": spec(
        [("preCondition", 0, MANY), ("branchRule", 0, MANY), ("itemSessionControl", 0, 1), ("timeLimits", 0, 1),
         ("selection", 0, 1), ("ordering", 0, 1), ("rubricBlock", 0, MANY),
         ("assessmentItemRef|assessmentSection|assessmentSectionRef", 0, MANY)],
        required="identifier title visible", optional="required fixed keepTogether"),
    "assessmentItemRef": spec([("itemSessionControl", 0, 1), ("weight", 0, MANY)], required="identifier href",
                              optional="required fixed category"),
    "outcomeProcessing": spec([("setOutcomeValue|outcomeCondition|exitTest", 0, MANY)]),
    "setOutcomeValue": spec([("sum|variable|baseValue|mapResponse", 1, 1)], required="identifier"),
    "sum": spec([("testVariables|variable|baseValue", 1, MANY)]),
    "testVariables": spec(required="variableIdentifier",
                          optional="sectionIdentifier includeCategory excludeCategory weightIdentifier baseType"),
}

# IMS Content Packaging 1.1 (imscp_v1p1.xsd).
CP_SPEC: dict[str, Spec] = {
    "manifest": spec([("metadata", 0, 1), ("organizations", 1, 1), ("resources", 1, 1), ("manifest", 0, MANY)],
                     required="identifier", optional="version"),
    "metadata": spec([("schema", 0, 1), ("schemaversion", 0, 1)]),
    "schema": spec(text=True),
    "schemaversion": spec(text=True),
    "organizations": spec([("organization", 0, MANY)], optional="default"),
    "resources": spec([("resource", 0, MANY)]),
    "resource": spec([("metadata", 0, 1), ("file", 0, MANY), ("dependency", 0, MANY)],
                     required="identifier type", optional="href"),
    "file": spec([("metadata", 0, 1)], required="href"),
    "dependency": spec(required="identifierref"),
}

ENUMS = {
    "cardinality": {"single", "multiple", "ordered", "record"},
    "baseType": {"identifier", "boolean", "integer", "float", "string", "point", "pair", "directedPair",
                 "duration", "file", "uri", "intOrIdentifier"},
    "showHide": {"show", "hide"},
    "navigationMode": {"linear", "nonlinear"},
    "submissionMode": {"individual", "simultaneous"},
}
NCNAME_ATTRS = {"identifier", "responseIdentifier", "outcomeIdentifier", "variableIdentifier", "identifierref"}
BOOLEAN_ATTRS = {"adaptive", "timeDependent", "shuffle", "visible", "showFeedback", "caseSensitive", "fixed"}
INT_ATTRS = {"maxChoices", "minChoices", "matchMax", "maxAssociations", "minAssociations", "expectedLength"}
DOUBLE_ATTRS = {"normalMinimum", "normalMaximum", "lowerBound", "upperBound", "defaultValue", "mappedValue"}

# XML Schema's own NCName, applied by lxml: the definition of a QTI identifier and of an IMS CP xsd:ID.
_NCNAME = etree.XMLSchema(etree.XML(
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="n" type="xs:NCName"/></xs:schema>'))
_DOUBLE = etree.XMLSchema(etree.XML(
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="n" type="xs:double"/></xs:schema>'))


def is_ncname(value: str) -> bool:
    # NCName collapses whitespace before checking; an attribute with spaces around it is still wrong.
    return value == value.strip() and _NCNAME.validate(etree.XML(f"<n>{escape(value)}</n>"))


def check_structure(element: etree._Element, namespace: str, table: Mapping[str, Spec], where: str) -> None:
    tag = etree.QName(element)
    assert tag.namespace == namespace, f"{where}: {tag} is not in {namespace}"
    assert tag.localname in table, f"{where}: <{tag.localname}> is not an element this format allows here"
    rule = table[tag.localname]
    attrs = set(element.attrib)
    assert rule.required <= attrs, f"{where}: <{tag.localname}> lacks {sorted(rule.required - attrs)}"
    extra = attrs - rule.required - rule.optional
    assert not extra, f"{where}: <{tag.localname}> has attributes the schema does not allow: {sorted(extra)}"
    for name, value in element.attrib.items():
        if name in ENUMS:
            assert value in ENUMS[name], f"{where}: {name}={value!r}"
        if name in NCNAME_ATTRS:
            assert is_ncname(value), f"{where}: {name}={value!r} is not an NCName"
        if name in BOOLEAN_ATTRS:
            assert value in {"true", "false"}, f"{where}: {name}={value!r}"
        if name in INT_ATTRS:
            assert value.lstrip("-").isdigit(), f"{where}: {name}={value!r}"
        if name in DOUBLE_ATTRS:
            assert _DOUBLE.validate(etree.XML(f"<n>{value}</n>")), f"{where}: {name}={value!r}"
    children = [c for c in element if isinstance(c.tag, str)]  # comments are allowed anywhere
    if not rule.text:
        texts = [element.text, *(c.tail for c in element)]
        assert all(not (t or "").strip() for t in texts), f"{where}: <{tag.localname}> may not hold text"
    position = 0
    for names, low, high in rule.children:
        count = 0
        while position < len(children) and etree.QName(children[position]).localname in names and count < high:
            position += 1
            count += 1
        assert count >= low, f"{where}: <{tag.localname}> needs {low} of {sorted(names)} here"
    rest = [etree.QName(c).localname for c in children[position:]]
    assert not rest, f"{where}: <{tag.localname}> does not allow {rest} there (order or element)"
    for child in children:
        check_structure(child, namespace, table, where)


# -- Reading a package ------------------------------------------------------------------------


@dataclass
class Package:
    path: Path
    infos: list[zipfile.ZipInfo]
    docs: dict[str, etree._Element] = field(default_factory=dict)

    @property
    def manifest(self) -> etree._Element:
        return self.docs["imsmanifest.xml"]


def read(path: Path) -> Package:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        package = Package(path, archive.infolist())
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        for info in package.infos:
            package.docs[info.filename] = etree.parse(io.BytesIO(archive.read(info)), parser).getroot()
    return package


def q(name: str) -> str:
    return f"{{{QTI_NS}}}{name}"


def cp(name: str) -> str:
    return f"{{{CP_NS}}}{name}"


def one(element: etree._Element, path: str) -> etree._Element:
    found = element.findall(path)
    assert len(found) == 1, f"expected one {path}, found {len(found)}"
    return found[0]


def package_test(package: Package) -> tuple[str, etree._Element]:
    (resource,) = [r for r in package.manifest.iter(cp("resource")) if r.get("type") == "imsqti_test_xmlv2p1"]
    return resource.get("href"), package.docs[resource.get("href")]


def item_files(package: Package) -> list[str]:
    """The item files as the test delivers them: its assessmentItemRefs, resolved relative to the test file."""
    href, test = package_test(package)
    base = href.rpartition("/")[0]
    refs = test.iter(q("assessmentItemRef"))
    return [f"{base}/{ref.get('href')}" if base else ref.get("href") for ref in refs]


def items_in_order(package: Package) -> list[etree._Element]:
    return [package.docs[name] for name in item_files(package)]


# -- Fixtures ---------------------------------------------------------------------------------


KEYS = ("seed-A", "seed-B", "seed-C", "seed-bank", "nasty")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Version, Package, list[str]]]:
    versions = {**{f"seed-{v.code}": v for v in seed_versions(count=3)}, "seed-bank": seed_bank(),
                "nasty": nasty_version()}
    assert sorted(versions) == sorted(KEYS)
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        for key, version in versions.items():
            path = tmp_path_factory.mktemp("qti") / f"{key}.zip"
            notes = qti.write(version, path)
            out[key] = (version, read(path), notes)
    return out


@pytest.fixture(params=KEYS)
def package(request: pytest.FixtureRequest,
            packages: dict[str, tuple[Version, Package, list[str]]]) -> tuple[Version, Package, list[str]]:
    return packages[request.param]


# -- The package ------------------------------------------------------------------------------


def test_zip_is_a_content_package_with_sorted_deflated_entries(package: tuple[Version, Package, list[str]]) -> None:
    version, pkg, notes = package
    names = [i.filename for i in pkg.infos]
    assert "imsmanifest.xml" in names
    assert names == sorted(names)
    assert len(set(names)) == len(names)
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in pkg.infos)
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in pkg.infos)
    assert notes == []  # every question of these versions has a QTI interaction
    assert len(names) == len(version.questions) + 2  # manifest, test, one file per item


def test_every_file_follows_its_schema(package: tuple[Version, Package, list[str]]) -> None:
    _, pkg, _ = package
    for name, root in pkg.docs.items():
        if name == "imsmanifest.xml":
            check_structure(root, CP_NS, CP_SPEC, name)
            location = root.get(SCHEMA_LOCATION).split()
            assert location[0] == CP_NS and location[1].endswith("imscp_v1p1.xsd")
        else:
            check_structure(root, QTI_NS, QTI_SPEC, name)
            assert etree.QName(root).localname in {"assessmentItem", "assessmentTest"}
            assert root.get(SCHEMA_LOCATION).split() == [QTI_NS, "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"]


def test_manifest_declares_every_file_and_the_test_depends_on_every_item(
        package: tuple[Version, Package, list[str]]) -> None:
    version, pkg, _ = package
    manifest = pkg.manifest
    assert len(manifest.find(cp("organizations"))) == 0  # QTI packages carry no organization
    resources = list(manifest.iter(cp("resource")))
    ids = [r.get("identifier") for r in resources] + [manifest.get("identifier")]
    assert len(set(ids)) == len(ids)  # xsd:ID: unique in the document
    declared = set()
    for resource in resources:
        files = [f.get("href") for f in resource.findall(cp("file"))]
        assert resource.get("href") in files
        for href in files:
            assert href in pkg.docs, f"{href} is declared but not in the zip"
        declared.update(files)
    assert declared == set(pkg.docs) - {"imsmanifest.xml"}
    tests = [r for r in resources if r.get("type") == "imsqti_test_xmlv2p1"]
    items = [r for r in resources if r.get("type") == "imsqti_item_xmlv2p1"]
    assert len(tests) == 1 and len(items) == len(version.questions) == len(resources) - 1
    by_id = {r.get("identifier"): r for r in items}
    dependencies = [d.get("identifierref") for d in tests[0].findall(cp("dependency"))]
    assert sorted(dependencies) == sorted(by_id)
    # The item resources name their files; each file holds an assessmentItem.
    for resource in items:
        assert etree.QName(pkg.docs[resource.get("href")]).localname == "assessmentItem"
    assert etree.QName(pkg.docs[tests[0].get("href")]).localname == "assessmentTest"
    assert version.label in "".join(c.text for c in manifest.iter(etree.Comment))


def test_test_is_named_after_the_version_and_asks_the_items_in_its_order(
        package: tuple[Version, Package, list[str]]) -> None:
    version, pkg, _ = package
    _, test = package_test(pkg)
    assert test.get("title") == version.name
    assert version.label in test.get("title") and f"seed {version.seed})" in test.get("title")
    refs = list(test.iter(q("assessmentItemRef")))
    items = items_in_order(pkg)
    assert [ref.get("identifier") for ref in refs] == [item.get("identifier") for item in items]
    assert [item.get("label") for item in items] == [public_id(question) for question in version.questions]
    assert set(pkg.docs) == {"imsmanifest.xml", package_test(pkg)[0], *item_files(pkg)}
    part = one(test, q("testPart"))
    assert one(part, q("itemSessionControl")).get("showFeedback") == "true"
    total = one(test, f"{q('outcomeProcessing')}/{q('setOutcomeValue')}")
    assert total.get("identifier") == "SCORE"
    assert one(total, f"{q('sum')}/{q('testVariables')}").get("variableIdentifier") == "SCORE"


# -- The questions ----------------------------------------------------------------------------


def texts_by_id(elements: Iterable[etree._Element]) -> dict[str, str]:
    return {e.get("identifier"): e.text for e in elements}


def response(item: etree._Element) -> etree._Element:
    declaration = one(item, q("responseDeclaration"))
    assert declaration.get("identifier") == "RESPONSE"
    return declaration


def values(element: etree._Element | None) -> list[str]:
    assert element is not None
    return [v.text for v in element.findall(q("value"))]


def check_choice(item: etree._Element, question: Question) -> None:
    interaction = one(item, f"{q('itemBody')}/{q('choiceInteraction')}")
    assert interaction.get("responseIdentifier") == "RESPONSE"
    assert interaction.get("shuffle") == "false"  # the version fixed the order; the sheet's letters match
    assert interaction.get("maxChoices") == "1"
    assert one(interaction, q("prompt")).text == question.stem
    choices = interaction.findall(q("simpleChoice"))
    assert [c.text for c in choices] == list(question.options)
    declaration = response(item)
    assert (declaration.get("cardinality"), declaration.get("baseType")) == ("single", "identifier")
    options = texts_by_id(choices)
    assert len(options) == len(choices)
    assert [options[v] for v in values(declaration.find(q("correctResponse")))] == \
        [question.options[c] for c in question.correct]
    assert one(item, q("responseProcessing")).get("template") == MATCH_CORRECT


def check_matching(item: etree._Element, question: Question) -> None:
    interaction = one(item, f"{q('itemBody')}/{q('matchInteraction')}")
    assert interaction.get("shuffle") == "false"
    assert interaction.get("responseIdentifier") == "RESPONSE"
    assert one(interaction, q("prompt")).text == question.stem
    prompts, options = (s.findall(q("simpleAssociableChoice")) for s in interaction.findall(q("simpleMatchSet")))
    assert [p.text for p in prompts] == list(question.prompts)
    assert [o.text for o in options] == list(question.options)
    # Each prompt takes one option; an option can answer as many prompts as there are.
    assert all(p.get("matchMax") == "1" for p in prompts)
    assert all(int(o.get("matchMax")) in (0, len(prompts)) for o in options)
    assert int(interaction.get("maxAssociations")) == len(prompts)
    prompt_text, option_text = texts_by_id(prompts), texts_by_id(options)
    assert len(prompt_text) + len(option_text) == len({*prompt_text, *option_text}) == len(prompts) + len(options)
    declaration = response(item)
    assert (declaration.get("cardinality"), declaration.get("baseType")) == ("multiple", "directedPair")
    expected = sorted((p, question.options[c]) for p, c in zip(question.prompts, question.correct, strict=True))

    def pairs(keys: Iterable[str]) -> list[tuple[str, str]]:
        split = [key.split() for key in keys]
        assert all(len(s) == 2 for s in split)
        return sorted((prompt_text[source], option_text[target]) for source, target in split)

    assert pairs(values(declaration.find(q("correctResponse")))) == expected
    entries = declaration.findall(f"{q('mapping')}/{q('mapEntry')}")
    assert pairs(e.get("mapKey") for e in entries) == expected
    assert all(float(e.get("mappedValue")) > 0 for e in entries)
    assert one(item, q("responseProcessing")).get("template") == MAP_RESPONSE


def check_fill_blank(item: etree._Element, question: Question) -> None:
    body = one(item, q("itemBody"))
    paragraphs = body.findall(q("p"))
    assert paragraphs[0].text == question.stem
    entry = one(body, f".//{q('textEntryInteraction')}")
    assert entry.get("responseIdentifier") == "RESPONSE"
    declaration = response(item)
    assert (declaration.get("cardinality"), declaration.get("baseType")) == ("single", "string")
    # The correct response is the first accepted name as written; the mapping scores every spelling
    # (QTI compares literally, case aside), the accepted names as written among them.
    assert values(declaration.find(q("correctResponse"))) == [question.accept[0]]
    mapping = one(declaration, q("mapping"))
    entries = mapping.findall(q("mapEntry"))
    assert all(e.get("caseSensitive") == "false" for e in entries)
    assert [e.get("mapKey") for e in entries] == list(question.spelled)
    assert set(question.accept) <= set(question.spelled)
    assert all(float(e.get("mappedValue")) > float(mapping.get("defaultValue", "0")) for e in entries)
    assert one(item, q("responseProcessing")).get("template") == MAP_RESPONSE


def test_every_question_survives_exactly(package: tuple[Version, Package, list[str]]) -> None:
    version, pkg, _ = package
    items = items_in_order(pkg)
    assert len(items) == len(version.questions)
    kinds = set()
    for item, question in zip(items, version.questions, strict=True):
        assert item.get("label") == public_id(question)
        assert item.get("adaptive") == "false"
        # The title is the stem, maybe shortened: candidates may see it, and ids name the facts asked about.
        assert " ".join(question.stem.split()).startswith(item.get("title").removesuffix("…"))
        if question.kind == "matching":
            check_matching(item, question)
        elif question.kind == "fill-blank":
            check_fill_blank(item, question)
        else:
            check_choice(item, question)
        kinds.add(question.kind)
        # The rationale is shown after response processing: the feedback's identifier is FEEDBACK's value
        # whenever the item's outcomes are reset for processing.
        feedback = one(item, q("modalFeedback"))
        assert feedback.text == question.rationale
        assert (feedback.get("outcomeIdentifier"), feedback.get("showHide")) == ("FEEDBACK", "show")
        outcomes = {o.get("identifier"): o for o in item.findall(q("outcomeDeclaration"))}
        assert outcomes["FEEDBACK"].get("baseType") == "identifier"
        assert values(outcomes["FEEDBACK"].find(q("defaultValue"))) == [feedback.get("identifier")]
        assert outcomes["SCORE"].get("baseType") == "float"
        assert version.label in "".join(c.text for c in item.iter(etree.Comment))
    assert {"matching", "fill-blank", "true-false"} <= kinds


def test_special_characters_are_text_not_markup(packages: dict[str, tuple[Version, Package, list[str]]]) -> None:
    _, pkg, _ = packages["nasty"]
    for item in items_in_order(pkg):
        # "<b>not bold</b>" and "<i>" in the data must stay characters: no HTML element was created.
        assert not [e for e in item.iter() if isinstance(e.tag, str) and etree.QName(e).localname in {"b", "i"}]
    assert any("<b>not bold</b>" in (e.text or "") for item in items_in_order(pkg) for e in item.iter())


# -- Identifiers and reproducibility ----------------------------------------------------------


def test_identifiers_are_unique_ncnames_without_periods(package: tuple[Version, Package, list[str]]) -> None:
    _, pkg, _ = package
    items = items_in_order(pkg)
    identifiers = [item.get("identifier") for item in items]
    assert len(set(identifiers)) == len(identifiers)
    # Test-level expressions refer to item variables as ITEM.VARIABLE, so a period would be ambiguous.
    assert all(is_ncname(i) and "." not in i for i in identifiers)
    for item in items:
        choices = [e.get("identifier") for e in item.iter(q("simpleChoice"), q("simpleAssociableChoice"))]
        assert len(set(choices)) == len(choices)
        assert all(is_ncname(c) for c in choices)


def test_identifiers_follow_the_question_not_its_position(
        packages: dict[str, tuple[Version, Package, list[str]]]) -> None:
    a, b = (packages[f"seed-{code}"][1] for code in "AB")
    items_a = {i.get("label"): i for i in items_in_order(a)}
    items_b = {i.get("label"): i for i in items_in_order(b)}
    assert [i.get("label") for i in items_in_order(a)] != [i.get("label") for i in items_in_order(b)]
    assert set(items_a) == set(items_b)
    for question_id, item in items_a.items():
        other = items_b[question_id]
        assert item.get("identifier") == other.get("identifier")
        # The same option text has the same identifier wherever the version put it.
        names = (q("simpleChoice"), q("simpleAssociableChoice"))
        assert {e.text: e.get("identifier") for e in item.iter(*names)} == \
            {e.text: e.get("identifier") for e in other.iter(*names)}


def test_ids_that_differ_only_in_characters_qti_forbids_stay_apart(tmp_path: Path) -> None:
    ids = ["x:y", "x_y", "x-y", "x.y", "X:y", "x::y", "x:_y", "1:x", "-x", "_x", ":x", "x:y ", "x:yα", "x:U000041"]

    def tf(question_id: str) -> Question:
        return Question(id=question_id, kind="true-false", stem=f"Statement {question_id}", options=("True", "False"),
                        correct=(0,), rationale="Because.", cite=(), section="s", draws_on=())

    version = Version(title="Identifiers", code="A", seed=1, questions=tuple(tf(i) for i in ids))
    assert qti.write(version, tmp_path / "ids.zip") == []
    pkg = read(tmp_path / "ids.zip")
    items = items_in_order(pkg)
    assert [item.get("label") for item in items] == [public_id(q) for q in version.questions]
    identifiers = [item.get("identifier") for item in items]
    assert len(set(identifiers)) == len(ids)
    assert len({i.casefold() for i in pkg.docs}) == len(pkg.docs)  # distinct files even where case is ignored
    assert all(is_ncname(i) and "." not in i for i in identifiers)
    for root in pkg.docs.values():
        check_structure(root, etree.QName(root).namespace, CP_SPEC if root is pkg.manifest else QTI_SPEC, "ids")


def test_same_version_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    version = nasty_version()
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    qti.write(version, first)
    qti.write(version, second)
    assert first.read_bytes() == second.read_bytes()
    for code_version in seed_versions(count=2):
        qti.write(code_version, first)
        qti.write(code_version, second)
        assert first.read_bytes() == second.read_bytes()


def test_source_date_epoch_dates_the_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    qti.write(nasty_version(), tmp_path / "dated.zip")
    with zipfile.ZipFile(tmp_path / "dated.zip") as archive:
        # Zip stores even seconds.
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_a_question_without_an_interaction_is_left_out_with_a_note(tmp_path: Path) -> None:
    base = nasty_version()
    odd = Question(id="essay:zeta", kind="essay", stem="Explain.", options=(), correct=(), rationale="R.",
                   cite=(), section="s", draws_on=())
    version = Version(title=base.title, code=base.code, seed=base.seed, questions=(odd, *base.questions))
    notes = qti.write(version, tmp_path / "odd.zip")
    assert len(notes) == 1 and "essay:zeta" in notes[0]
    pkg = read(tmp_path / "odd.zip")
    assert [i.get("label") for i in items_in_order(pkg)] == [public_id(question) for question in base.questions]
    assert len(list(pkg.manifest.iter(cp("resource")))) == len(base.questions) + 1
