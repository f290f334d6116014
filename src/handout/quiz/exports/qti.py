"""One quiz version as an IMS QTI 2.1 content package: a zip that learning platforms import as a test.

The package is what the QTI 2.1 packaging rules ask for, and nothing more:

* ``imsmanifest.xml`` (IMS Content Packaging 1.1): no organization (QTI packages need none), one
  ``imsqti_test_xmlv2p1`` resource for the test with a ``dependency`` on every item, and one
  ``imsqti_item_xmlv2p1`` resource per item naming its file.
* ``test.xml``: one ``assessmentTest`` titled with :attr:`Version.name` (the quiz's title, the version's
  code and seed), one test part and one section whose ``assessmentItemRef`` elements follow the
  version's order, and a total ``SCORE`` summed from the items' scores.
* ``items/<identifier>.xml``: one ``assessmentItem`` per question.

Each kind maps to the interaction that asks it the way the printed sheet does:

* options (single-answer choice kinds, true/false): ``choiceInteraction`` with ``maxChoices="1"`` and
  ``shuffle="false"``: the version has already fixed the order, and the sheet's letters must match the
  screen's. A question with several right options would take ``maxChoices="0"``; the generator makes none.
* matching: ``matchInteraction`` with the prompts as the first ``simpleMatchSet`` (each matched once) and
  the options as the second (an option may answer several prompts); the response is a ``multiple``
  set of ``directedPair`` values, prompt then option, and each right pair is worth one point
  (``map_response``), as a teacher marks the sheet pair by pair.
* fill-blank: the stem as written (blank included), then a ``textEntryInteraction``. ``correctResponse``
  holds the first accepted answer (a ``single`` response holds one value); the mapping holds every
  accepted answer, compared without case, and ``map_response`` scores from it.

Scoring uses the standard templates by their URI (``match_correct``, ``map_response``), so an importer that
knows the templates needs no rules from us. The rationale (which already names its source) is a
``modalFeedback`` shown when ``FEEDBACK`` is ``RATIONALE``. ``FEEDBACK`` takes ``RATIONALE`` as its default
value instead of being set by a rule: the templates set only ``SCORE``, outcomes are reset to their defaults
before each response processing, and modal feedback is only ever shown after response processing, so the
rationale appears after every answer, right or wrong, whatever the engine does with the template's rules.
The test part sets ``showFeedback`` so the delivery may show it.

Identifiers are derived from the stable question ids, never from positions, so one question has the
same identifier in every version and every run. QTI identifiers are XML NCNames: the ids' own alphabet
(``a-z``, ``0-9``, ``-``) is kept, ``:`` becomes ``_``, and any other character becomes ``U`` and its six
hex digits; a name that would start with a digit or ``-`` gets an ``N`` in front. Nothing else produces
``_``, ``U`` or a leading ``N``, so the mapping can be undone and two ids never share an identifier. The
ids come from :func:`~handout.quiz.versions.public_id`, a digest of the question's id (which names the
facts asked about, the right answer among them), also kept in the item's ``label``; the ``title`` is
the stem, shortened, because delivery systems may show titles to candidates. Choices are
named after their text (a short ASCII slug and a hash of the text): the same option has the same
identifier in every version whatever its position, so results can be compared across versions.

Text goes into text nodes and attribute values through ElementTree, which escapes it; nothing is parsed as
markup, so ``<b>`` in a stem stays the five characters it was. Characters XML 1.0 cannot hold at all (most
C0 controls) are dropped. The zip is reproducible (:func:`~handout.quiz.exports.common.write_zip`):
entries sorted by name, deflated, dated ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds
convention) and 1980-01-01 otherwise, with fixed permissions, so the same version gives the same bytes.
Only the standard library is used.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from handout.quiz.exports.common import build_time, write_zip, xml_comment, xml_text
from handout.quiz.generator import Question
from handout.quiz.versions import Version, public_id

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

RP_TEMPLATES = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
MATCH_CORRECT = RP_TEMPLATES + "match_correct"
MAP_RESPONSE = RP_TEMPLATES + "map_response"

ITEM_TYPE = "imsqti_item_xmlv2p1"
TEST_TYPE = "imsqti_test_xmlv2p1"
MANIFEST = "imsmanifest.xml"
TEST_FILE = "test.xml"
ITEM_DIR = "items"

RESPONSE = "RESPONSE"
SCORE = "SCORE"
FEEDBACK = "FEEDBACK"
RATIONALE = "RATIONALE"

TITLE_LENGTH = 80

_KEPT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def write(version: Version, path: Path) -> list[str]:
    """Write ``version`` as a QTI 2.1 content package at ``path``; return notes on what was left out or merged."""
    # Read first: a malformed SOURCE_DATE_EPOCH stops the build before anything is written.
    when = build_time()
    notes: list[str] = []
    items: list[_Item] = []
    for question in version.questions:
        item = _item(question, version, notes)
        if item is not None:
            items.append(item)
    _check_unique(items)
    files: dict[str, bytes] = {item.href: item.xml for item in items}
    files[TEST_FILE] = _test(version, items)
    files[MANIFEST] = _manifest(version, items)
    write_zip(path, files, when=when)
    return notes


@dataclass(frozen=True)
class _Item:
    question_id: str
    identifier: str
    href: str
    xml: bytes


def identifier(question_id: str) -> str:
    """The QTI identifier (an NCName) of a question id; one-to-one, see the module's docstring."""
    out = "".join(c if c in _KEPT else "_" if c == ":" else f"U{ord(c):06x}" for c in question_id)
    return out if out[:1].isalpha() or out[:1] == "_" else "N" + out


def choice_identifier(prefix: str, text: str) -> str:
    """``<prefix><slug>-<hash>``: the same text gives the same identifier in any version and position."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:32].rstrip("-")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{prefix}{slug}-{digest}" if slug else f"{prefix}{digest}"


# -- Items -------------------------------------------------------------------------------------


def _item(question: Question, version: Version, notes: list[str]) -> _Item | None:
    shown = public_id(question)
    ident = identifier(shown)
    root = _root("assessmentItem", QTI_NS, QTI_XSD, {
        "identifier": ident,
        "title": _title(question.stem),
        "adaptive": "false",
        "timeDependent": "false",
    })
    root.set("label", shown)
    root.append(ET.Comment(xml_comment(f"{version.name}; question {shown}")))
    if question.kind == "matching" and question.prompts and len(question.correct) == len(question.prompts):
        _matching(root, question)
    elif question.kind == "fill-blank" and question.accept and not question.options:
        _fill_blank(root, question, notes)
    elif question.kind not in ("matching", "fill-blank") and question.options and question.correct:
        _choice(root, question)
    else:
        notes.append(f"{question.id}: left out of the QTI package: a {question.kind} question needs options and "
                     "a right answer, prompts matched to options, or accepted answers")
        return None
    feedback = _el(root, "modalFeedback", {"outcomeIdentifier": FEEDBACK, "showHide": "show",
                                           "identifier": RATIONALE})
    feedback.text = xml_text(question.rationale)
    return _Item(question.id, ident, f"{ITEM_DIR}/{ident}.xml", _serialize(root))


def _choice(root: ET.Element, question: Question) -> None:
    ids = _unique_ids(question, [choice_identifier("c-", o) for o in question.options])
    single = len(question.correct) == 1
    response = _el(root, "responseDeclaration", {"identifier": RESPONSE,
                                                 "cardinality": "single" if single else "multiple",
                                                 "baseType": "identifier"})
    _values(_el(response, "correctResponse"), (ids[c] for c in question.correct))
    _outcomes(root, maximum=1)
    body = _el(root, "itemBody")
    interaction = _el(body, "choiceInteraction", {"responseIdentifier": RESPONSE, "shuffle": "false",
                                                  "maxChoices": "1" if single else "0"})
    _el(interaction, "prompt").text = xml_text(question.stem)
    for choice_id, option in zip(ids, question.options, strict=True):
        _el(interaction, "simpleChoice", {"identifier": choice_id}).text = xml_text(option)
    _el(root, "responseProcessing", {"template": MATCH_CORRECT})


def _matching(root: ET.Element, question: Question) -> None:
    prompt_ids = [choice_identifier("p-", p) for p in question.prompts]
    option_ids = [choice_identifier("c-", o) for o in question.options]
    _unique_ids(question, prompt_ids + option_ids)
    pairs = [f"{prompt_ids[i]} {option_ids[c]}" for i, c in enumerate(question.correct)]
    response = _el(root, "responseDeclaration", {"identifier": RESPONSE, "cardinality": "multiple",
                                                 "baseType": "directedPair"})
    _values(_el(response, "correctResponse"), pairs)
    mapping = _el(response, "mapping", {"lowerBound": "0", "upperBound": str(len(pairs)), "defaultValue": "0"})
    for pair in pairs:
        _el(mapping, "mapEntry", {"mapKey": pair, "mappedValue": "1"})
    _outcomes(root, maximum=len(pairs))
    body = _el(root, "itemBody")
    interaction = _el(body, "matchInteraction", {"responseIdentifier": RESPONSE, "shuffle": "false",
                                                 "maxAssociations": str(len(prompt_ids))})
    _el(interaction, "prompt").text = xml_text(question.stem)
    # Each prompt takes one option; an option may answer every prompt (several items share a group).
    prompts = _el(interaction, "simpleMatchSet")
    for prompt_id, text in zip(prompt_ids, question.prompts, strict=True):
        _el(prompts, "simpleAssociableChoice", {"identifier": prompt_id, "matchMax": "1"}).text = xml_text(text)
    options = _el(interaction, "simpleMatchSet")
    for option_id, text in zip(option_ids, question.options, strict=True):
        _el(options, "simpleAssociableChoice", {"identifier": option_id,
                                                "matchMax": str(len(prompt_ids))}).text = xml_text(text)
    _el(root, "responseProcessing", {"template": MAP_RESPONSE})


def _fill_blank(root: ET.Element, question: Question, notes: list[str]) -> None:
    accepted: dict[str, str] = {}
    for answer in question.spelled:
        if answer.casefold() in accepted:
            notes.append(f"{question.id}: accepted answers {accepted[answer.casefold()]!r} and {answer!r} are "
                         "one answer in QTI, which compares them without case")
        else:
            accepted[answer.casefold()] = answer
    answers = [xml_text(a) for a in accepted.values()]
    response = _el(root, "responseDeclaration", {"identifier": RESPONSE, "cardinality": "single",
                                                 "baseType": "string"})
    _values(_el(response, "correctResponse"), answers[:1])
    mapping = _el(response, "mapping", {"lowerBound": "0", "upperBound": "1", "defaultValue": "0"})
    for answer in answers:
        _el(mapping, "mapEntry", {"mapKey": answer, "mappedValue": "1", "caseSensitive": "false"})
    _outcomes(root, maximum=1)
    body = _el(root, "itemBody")
    _el(body, "p").text = xml_text(question.stem)
    # textEntryInteraction is inline: it needs a block around it.
    _el(_el(body, "p"), "textEntryInteraction", {"responseIdentifier": RESPONSE,
                                                 "expectedLength": str(max(map(len, answers), default=10))})
    _el(root, "responseProcessing", {"template": MAP_RESPONSE})


def _outcomes(root: ET.Element, *, maximum: int) -> None:
    score = _el(root, "outcomeDeclaration", {"identifier": SCORE, "cardinality": "single", "baseType": "float",
                                             "normalMinimum": "0", "normalMaximum": str(maximum)})
    _values(_el(score, "defaultValue"), ["0"])
    feedback = _el(root, "outcomeDeclaration", {"identifier": FEEDBACK, "cardinality": "single",
                                                "baseType": "identifier"})
    _values(_el(feedback, "defaultValue"), [RATIONALE])


def _values(parent: ET.Element, values: Iterable[str]) -> None:
    for value in values:
        _el(parent, "value").text = value


def _unique_ids(question: Question, ids: list[str]) -> list[str]:
    if len(set(ids)) != len(ids):
        raise ValueError(f"{question.id}: two choices have the same text, so QTI cannot tell them apart")
    return ids


# -- Test and manifest -------------------------------------------------------------------------


def _test(version: Version, items: list[_Item]) -> bytes:
    root = _root("assessmentTest", QTI_NS, QTI_XSD, {"identifier": _version_id("test", version),
                                                     "title": _title(version.name, limit=None),
                                                     "toolName": "handout"})
    root.append(ET.Comment(xml_comment(version.name)))
    score = _el(root, "outcomeDeclaration", {"identifier": SCORE, "cardinality": "single", "baseType": "float"})
    _values(_el(score, "defaultValue"), ["0"])
    part = _el(root, "testPart", {"identifier": "part-1", "navigationMode": "nonlinear",
                                  "submissionMode": "individual"})
    _el(part, "itemSessionControl", {"showFeedback": "true"})
    section = _el(part, "assessmentSection", {"identifier": _version_id("section", version),
                                              "title": _title(version.label, limit=None), "visible": "true"})
    for item in items:
        _el(section, "assessmentItemRef", {"identifier": item.identifier, "href": item.href})
    processing = _el(root, "outcomeProcessing")
    total = _el(_el(processing, "setOutcomeValue", {"identifier": SCORE}), "sum")
    _el(total, "testVariables", {"variableIdentifier": SCORE})
    return _serialize(root)


def _manifest(version: Version, items: list[_Item]) -> bytes:
    root = _root("manifest", CP_NS, CP_XSD, {"identifier": _version_id("manifest", version)})
    root.append(ET.Comment(xml_comment(version.name)))
    metadata = _el(root, "metadata")
    _el(metadata, "schema").text = "QTIv2.1 Package"
    _el(metadata, "schemaversion").text = "1.0.0"
    _el(root, "organizations")
    resources = _el(root, "resources")
    test = _el(resources, "resource", {"identifier": _version_id("test", version), "type": TEST_TYPE,
                                       "href": TEST_FILE})
    _el(test, "file", {"href": TEST_FILE})
    for item in items:
        _el(test, "dependency", {"identifierref": f"item-{item.identifier}"})
    for item in items:
        resource = _el(resources, "resource", {"identifier": f"item-{item.identifier}", "type": ITEM_TYPE,
                                               "href": item.href})
        _el(resource, "file", {"href": item.href})
    return _serialize(root)


def _version_id(kind: str, version: Version) -> str:
    # Codes are capital letters and seeds integers, so this is an NCName as it stands.
    return f"{kind}-{version.code}-seed-{version.seed}"


def _check_unique(items: list[_Item]) -> None:
    # Identifiers differ by construction; file names must also differ on file systems that ignore case.
    seen: dict[str, str] = {}
    for item in items:
        other = seen.setdefault(item.href.casefold(), item.question_id)
        if other != item.question_id:
            raise ValueError(f"questions {other} and {item.question_id} would share the file {item.href}")


# -- XML and zip -------------------------------------------------------------------------------


def _root(tag: str, namespace: str, schema: str, attrs: Mapping[str, str]) -> ET.Element:
    # ElementTree's default_namespace option rejects unprefixed attributes, so the namespace declarations
    # are written as the attributes they are in the document; the tree itself stays unqualified.
    root = ET.Element(tag, {"xmlns": namespace, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": f"{namespace} {schema}"})
    for key, value in attrs.items():
        root.set(key, value)
    return root


def _el(parent: ET.Element, tag: str, attrs: Mapping[str, str] | None = None) -> ET.Element:
    return ET.SubElement(parent, tag, dict(attrs or {}))


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return data + b"\n"


def _title(text: str, limit: int | None = TITLE_LENGTH) -> str:
    # Titles are normalizedString: no line breaks or tabs.
    title = " ".join(xml_text(text).split())
    if limit is not None and len(title) > limit:
        title = title[:limit - 1].rstrip() + "…"
    return title

