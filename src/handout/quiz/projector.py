"""Projector mode: one quiz version as one self-contained HTML page, one question at a time on the wall.

:func:`render` returns the whole page as a string. The instructor opens it from a USB stick, on a
classroom PC that may be offline, so the page carries everything it needs and asks nothing of anyone:

* *Inline, not linked.* ``static/projector.css`` and ``static/projector.js`` are read from the package
  and written into ``<style>`` and ``<script type="module">``. Chromium refuses *external* module
  scripts on ``file://`` (an opaque origin), inline ones run. There are no fonts, images or links to
  fetch, and a Content-Security-Policy (``default-src 'none'``, the style and the script allowed by
  their SHA-256 hashes only) makes the browser refuse any request or any other script, so a question
  text that somehow became markup could still not run anything.
* *Questions as data, not markup.* The questions go into a ``<script type="application/json">`` block
  that the script turns into DOM nodes through ``textContent`` only. In that block every ``<`` is
  written as ``\\u003c`` (valid JSON, the same string once parsed), so no question text can close the
  block (``</script>``) or open an HTML comment (``<!--``) that would change how the page is parsed.
* *Configured by attributes.* The root element's ``data-`` attributes carry what the script needs to
  know: the JSON block's id, the countdown per question (absent when there is none), the version code
  and seed; the wording of the controls comes in the JSON block as ``labels``.
* *Visible without the script.* The start slide (title, version, question count, notice, keys) is
  static HTML, so a page that opens at all shows which version it is.

The page names the version the way every classroom output does (``version.name``: title, code and seed)
in its ``<title>`` and in the header of every slide, and the research-use ``notice`` sits in the footer
of every slide. The labels of the controls exist in English; for a page in another language they stay
English and are marked ``lang="en"``, so a screen reader pronounces them right.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html import escape
from importlib import resources
from typing import Any

from handout.quiz.generator import BLANK, Question
from handout.quiz.versions import Version, public_id

#: The wording of the page itself (not of the questions), per primary language subtag.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "progress": "Question {n} of {total}",
        "count": "{total} questions",
        "per_question": "{seconds} seconds per question",
        "start_hint": "Press → or Space to begin.",
        "keys": "Keys",
        "key_next": "→, Space, Page Down: next question",
        "key_previous": "←, Page Up: previous question",
        "key_ends": "Home, End: start slide, last question",
        "key_reveal": "Enter, R: reveal the answer",
        "key_timer": "T: start or pause the timer",
        "key_fullscreen": "F: fullscreen",
        "controls": "Slide controls",
        "previous": "Previous",
        "next": "Next",
        "reveal": "Reveal answer",
        "start_timer": "Start timer",
        "pause_timer": "Pause timer",
        "fullscreen": "Fullscreen",
        "time": "Time",
        "seconds_left": "{seconds} seconds left",
        "timer_started": "Timer started: {seconds} seconds",
        "timer_paused": "Timer paused: {seconds} seconds left",
        "correct": "Correct",
        "answer": "Answer:",
        "also_accepted": "Also accepted:",
        "why": "Why:",
        "blank": "blank",
        "revealed": "Answer revealed",
        "hidden": "Answer hidden",
        "noscript": "This page needs JavaScript to show the questions.",
    },
}
FALLBACK_LANGUAGE = "en"
DATA_ID = "projector-data"
# A BCP 47 tag as it may come from Sphinx's `language` (which spells regions with "_").
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def render(version: Version, *, notice: str, countdown: int | None = 30, language: str = "en") -> str:
    """The projector page of ``version``: one HTML document with its style, script and questions inline.

    ``countdown`` is the time per question in seconds; ``None`` or 0 shows no timer. ``language`` is
    the language of the questions (``<html lang>``); the page's own labels are English where
    :data:`LABELS` has no translation.
    """
    if not version.questions:
        raise ValueError(f"{version.name}: no questions to project")
    if not notice.strip():
        raise ValueError("the research-use notice must not be empty: it is shown on every slide")
    if countdown is not None and (isinstance(countdown, bool) or not isinstance(countdown, int) or countdown < 0):
        raise ValueError(f"countdown must be a whole number of seconds, 0 or more, or None, not {countdown!r}")
    lang = language.replace("_", "-")
    if not _LANGUAGE_TAG.fullmatch(lang):
        raise ValueError(f"{language!r} is not a language tag such as 'en' or 'pt-BR'")
    primary = lang.split("-")[0].lower()
    ui_lang = primary if primary in LABELS else FALLBACK_LANGUAGE
    labels = LABELS[ui_lang]
    seconds = countdown or 0

    css = _static("projector.css", "</style")
    js = _static("projector.js", "</script")
    payload = {"labels": labels, "blank": BLANK, "questions": [_question(q) for q in version.questions]}
    # "<" as \u003c: nothing inside the block can end it or start a comment, and JSON.parse reads it back.
    data = json.dumps(payload, ensure_ascii=False, indent=None, separators=(",", ":")).replace("<", "\\u003c")

    csp = ("default-src 'none'; base-uri 'none'; form-action 'none'; "
           f"style-src '{_sha256(css)}'; script-src '{_sha256(js)}'")
    # Labels that are not in the page's language say which language they are in.
    ui = f' lang="{ui_lang}"' if ui_lang != primary else ""
    total = len(version.questions)

    def t(key: str, **values: object) -> str:
        return escape(labels[key].format(**values), quote=True)

    timer_attr = f' data-countdown="{seconds}"' if seconds else ""
    per_question = f"<p{ui}>{t('per_question', seconds=seconds)}</p>\n" if seconds else ""
    keys = "".join(f"<li>{t(key)}</li>" for key in
                   ("key_next", "key_previous", "key_ends", "key_reveal", "key_timer", "key_fullscreen")
                   if key != "key_timer" or seconds)
    return f"""<!DOCTYPE html>
<html lang="{escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light">
<title>{escape(version.name)}</title>
<style>{css}</style>
</head>
<body>
<div class="projector" id="projector" data-questions="{DATA_ID}" data-version="{escape(version.code, quote=True)}" \
data-seed="{escape(str(version.seed), quote=True)}" data-ui-lang="{ui_lang}"{timer_attr}>
<header class="projector-header">
<p class="projector-name">{escape(version.name)}</p>
<p class="projector-progress"{ui}>{t('count', total=total)}</p>
<div class="projector-timer" hidden>
<span class="projector-count" role="timer"{ui}></span>
</div>
</header>
<div class="projector-meter" aria-hidden="true" hidden><div class="projector-meter-fill"></div></div>
<main class="projector-slide">
<div class="projector-start">
<h1 class="projector-title">{escape(version.title)}</h1>
<p class="projector-label">{escape(version.label)}</p>
<p{ui}>{t('count', total=total)}</p>
{per_question}<p class="projector-hint"{ui}>{t('start_hint')}</p>
<noscript><p{ui}>{t('noscript')}</p></noscript>
<h2 class="projector-keys-title"{ui}>{t('keys')}</h2>
<ul class="projector-keys"{ui}>{keys}</ul>
</div>
<div class="projector-question" hidden></div>
</main>
<nav class="projector-controls" aria-label="{t('controls')}"{ui}>
<button type="button" data-action="previous" aria-keyshortcuts="ArrowLeft PageUp">\
<span aria-hidden="true">← </span>{t('previous')}</button>
<button type="button" data-action="reveal" aria-pressed="false" aria-keyshortcuts="Enter R">{t('reveal')}</button>
<button type="button" data-action="timer" aria-keyshortcuts="T" hidden>{t('start_timer')}</button>
<button type="button" data-action="fullscreen" aria-pressed="false" aria-keyshortcuts="F">{t('fullscreen')}</button>
<button type="button" data-action="next" aria-keyshortcuts="ArrowRight Space PageDown">{t('next')}\
<span aria-hidden="true"> →</span></button>
</nav>
<footer class="projector-notice"><p>{escape(notice.strip())}</p></footer>
<p class="projector-status" role="status"{ui}></p>
</div>
<script type="application/json" id="{DATA_ID}">{data}</script>
<script type="module">{js}</script>
</body>
</html>
"""


def _question(question: Question) -> dict[str, Any]:
    """What the script shows of one question; the section, citations' keys and draws_on stay behind."""
    return {
        "id": public_id(question),
        "kind": question.kind,
        "stem": question.stem,
        "options": list(question.options),
        "correct": list(question.correct),
        "prompts": list(question.prompts),
        "accept": list(question.accept),
        "rationale": question.rationale,
    }


def _static(name: str, end_tag: str) -> str:
    text = resources.files("handout.quiz").joinpath("static", name).read_text(encoding="utf-8")
    # The file is inlined as raw text: its own end tag would cut it short.
    if end_tag in text.lower():
        raise ValueError(f"static/{name} contains {end_tag!r} and cannot be inlined")
    return text


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
