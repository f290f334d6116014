// Review quizzes: checks answers in the page, keeps a first-try score and reshuffles on retry.
// Works on the markup the `handout` Sphinx extension emits (section.handout-quiz); configured only
// through its data- attributes. Without this script the page still works: every answer is in its
// <details>. Nothing here builds HTML from strings or asks another host for anything.
//
// A classic deferred script, not an ES module: Chromium refuses module scripts on pages opened from
// disk (file://), and a teacher may well double-click the built page. The function keeps every name
// out of the page's global scope, as a module would; `defer` runs it once the document is parsed.
(() => {
"use strict";

const SINGLE = new Set([
  "term-definition", "definition-term", "item-group", "item-target", "group-item",
  "finding-evidence", "finding-study", "true-false",
]);
// True/False keep their conventional order when the options are reshuffled.
const FIXED_ORDER = new Set(["true-false"]);
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

const $ = (root, selector) => root.querySelector(selector);
const $$ = (root, selector) => Array.from(root.querySelectorAll(selector));
const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/** A small seeded generator (mulberry32) so a given seed and round always give the same order. */
function generator(text) {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0), 16777619);
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A new order for `items`, never the one they are in when there is more than one. */
function reorder(items, random) {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  if (out.length > 1 && out.every((item, i) => item === items[i])) out.push(out.shift());
  return out;
}

// Typed answers are compared without case, spacing, hyphens, punctuation or accents, as the generator's
// answer_key does: "growth hormone secretagogue" is "Growth-hormone secretagogue".
const normalise = (text) =>
  text.normalize("NFKD").toLowerCase().replace(/[\u0300-\u036f]/g, "").replace(/[^\p{L}\p{N}]/gu, "");

function parseList(text) {
  try {
    const value = JSON.parse(text || "[]");
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

/** Copies of the rationale and review paragraphs, without ids that would be duplicated. */
function explanation(details) {
  const parts = [];
  for (const node of $$(details, ".handout-quiz-rationale, .handout-quiz-review")) {
    const copy = node.cloneNode(true);
    copy.removeAttribute("id");
    for (const el of $$(copy, "[id]")) el.removeAttribute("id");
    parts.push(copy);
  }
  return parts;
}

class Question {
  constructor(li, quiz) {
    this.li = li;
    this.quiz = quiz;
    this.kind = li.dataset.kind || "";
    // Option values are the indices the page was built with; reordering moves elements but never
    // changes a value, so this mapping stays right after any reshuffle.
    this.correct = (li.dataset.correct || "").split(",").map((s) => s.trim()).filter(Boolean);
    this.feedback = $(li, ".handout-quiz-feedback");
    this.details = $(li, ".handout-quiz-answer");
    this.key = this.details && $(this.details, ".handout-quiz-key");
    this.text = $(li, 'input[type="text"]');
    this.selects = $$(li, "select");
    this.first = null; // true/false once the first attempt is made
    this.pending = false; // a keyboard choice not judged yet
    this.bind();
  }

  bind() {
    const li = this.li;
    if (this.text) {
      // The markup labels the text box only through the fieldset's legend; name it after the stem.
      const legend = $(li, "legend");
      if (!this.text.labels.length && !this.text.hasAttribute("aria-label") && legend) {
        this.text.setAttribute("aria-label", legend.textContent.trim());
      }
      this.accept = new Set(parseList(this.text.dataset.accept).map(normalise));
      const button = $(li, ".handout-quiz-check");
      if (button) button.addEventListener("click", () => this.checkText());
      this.text.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          this.checkText();
        }
      });
    } else {
      this.watchChoices();
    }
  }

  /**
   * Radios and selects are judged when chosen with the pointer or Space. A choice made by moving
   * through them with arrow keys (or typing in a select) is held until Enter, Space on the radio,
   * or focus leaving the group, so browsing the options by keyboard is not counted as an attempt.
   */
  watchChoices() {
    const li = this.li;
    const choice = (el) => el.matches('input[type="radio"], select');
    let keying = false;
    li.addEventListener("keydown", (event) => {
      if (!choice(event.target)) return;
      const commitKey = event.key === "Enter" || (event.key === " " && event.target.type === "radio");
      if (commitKey && this.pending) {
        event.preventDefault();
        this.commit();
      } else if (event.key !== "Tab") {
        keying = true;
      }
    });
    li.addEventListener("keyup", () => {
      keying = false;
    });
    li.addEventListener("change", (event) => {
      if (!choice(event.target)) return;
      if (keying) this.pending = true;
      else this.commit();
    });
    li.addEventListener("focusout", (event) => {
      if (!this.pending) return;
      const group = event.target.type === "radio" ? event.target.closest(".handout-quiz-options") : event.target;
      if (group && event.relatedTarget && group.contains(event.relatedTarget)) return;
      this.commit();
    });
  }

  commit() {
    this.pending = false;
    if (this.selects.length) {
      this.checkMatch();
      return;
    }
    const checked = $(this.li, 'input[type="radio"]:checked');
    if (checked) this.judge(this.correct.includes(checked.value));
  }

  checkText() {
    const given = normalise(this.text.value);
    if (!given) {
      this.say(null, "Type an answer first.");
      return;
    }
    this.judge(this.accept.has(given));
  }

  checkMatch() {
    if (this.selects.some((s) => s.value === "")) return;
    this.judge(this.selects.every((s) => s.value === this.correct[Number(s.dataset.prompt)]));
  }

  judge(right) {
    if (this.first === null) this.first = right;
    this.li.dataset.result = right ? "correct" : "incorrect";
    this.say(right, right ? "Correct." : "Not quite.");
    if (this.details) this.details.hidden = true;
    this.quiz.update();
  }

  /** Fills the feedback region: a symbol and a word (never colour alone), then the explanation. */
  say(right, words) {
    const box = this.feedback;
    if (!box) return;
    const verdict = document.createElement("p");
    verdict.className = "handout-quiz-verdict";
    const mark = document.createElement("span");
    mark.className = "handout-quiz-mark";
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = right === null ? "?" : right ? "✓" : "✗";
    verdict.append(mark, " ", words);
    const parts = right === null || !this.details ? [] : explanation(this.details);
    box.dataset.result = right === null ? "" : right ? "correct" : "incorrect";
    box.replaceChildren(verdict, ...parts);
  }

  reset(random) {
    this.first = null;
    this.pending = false;
    delete this.li.dataset.result;
    if (this.feedback) {
      this.feedback.replaceChildren();
      delete this.feedback.dataset.result;
    }
    if (this.details) {
      this.details.hidden = false;
      this.details.open = false;
    }
    for (const input of $$(this.li, "input")) {
      if (input.type === "radio") input.checked = false;
      else input.value = "";
    }
    for (const select of this.selects) select.value = "";
    this.shuffle(random);
  }

  shuffle(random) {
    const options = $$(this.li, ".handout-quiz-option");
    if (options.length && !FIXED_ORDER.has(this.kind)) {
      const parent = options[0].parentElement;
      parent.append(...reorder(options, random));
    }
    const prompts = $$(this.li, ".handout-quiz-match");
    if (prompts.length) {
      const parent = prompts[0].parentElement;
      const anchor = prompts[prompts.length - 1].nextSibling;
      for (const prompt of reorder(prompts, random)) parent.insertBefore(prompt, anchor);
      for (const select of this.selects) {
        const choices = $$(select, "option").filter((o) => o.value !== "");
        select.append(...reorder(choices, random));
        select.value = "";
      }
    }
    this.letter();
  }

  /** Letters follow the visual order; the answer key's letter is kept in step with them. */
  letter() {
    const options = $$(this.li, ".handout-quiz-option");
    options.forEach((option, i) => {
      const span = $(option, ".handout-quiz-letter");
      if (span) span.textContent = `${LETTERS[i] || i + 1}.`;
    });
    if (!this.key || !SINGLE.has(this.kind)) return;
    const letters = options
      .map((option, i) => ($(option, "input") && this.correct.includes($(option, "input").value) ? LETTERS[i] : null))
      .filter(Boolean);
    if (!letters.length) return;
    const walker = document.createTreeWalker(this.key, NodeFilter.SHOW_TEXT);
    const pattern = /^(\s*(?:Answer:)?\s*)[A-Z](?:\s*,\s*[A-Z])*\.(?=\s|$)/;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (pattern.test(node.data)) {
        node.data = node.data.replace(pattern, (_, lead) => `${lead}${letters.join(", ")}.`);
        return;
      }
    }
  }
}

class Quiz {
  constructor(section) {
    this.section = section;
    this.seed = section.dataset.quizSeed || section.id || "quiz";
    this.round = 0;
    this.list = $(section, ".handout-quiz-questions");
    this.score = $(section, ".handout-quiz-score");
    this.retry = $(section, ".handout-quiz-retry");
    this.questions = $$(section, ".handout-quiz-question").map((li) => new Question(li, this));
    if (this.retry) this.retry.addEventListener("click", () => this.again());
    section.classList.add("handout-quiz--active");
  }

  update() {
    if (this.questions.some((q) => q.first === null)) return;
    const right = this.questions.filter((q) => q.first).length;
    if (this.score) this.score.textContent = `You got ${right} of ${this.questions.length} right on the first try.`;
    if (this.retry) this.retry.hidden = false;
  }

  again() {
    this.round += 1;
    const random = generator(`${this.seed}:${this.round}`);
    if (this.list) {
      const items = $$(this.list, ":scope > .handout-quiz-question");
      this.list.append(...reorder(items, random));
    }
    for (const question of this.questions) question.reset(random);
    if (this.score) this.score.textContent = "";
    if (this.retry) this.retry.hidden = true;
    const first = this.list && $(this.list, ".handout-quiz-question");
    if (first) {
      first.tabIndex = -1;
      first.focus({ preventScroll: true });
      first.scrollIntoView({ block: "start", behavior: reducedMotion() ? "auto" : "smooth" });
    }
  }
}

for (const section of document.querySelectorAll("section.handout-quiz")) new Quiz(section);
})();
