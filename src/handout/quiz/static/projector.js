// Projector mode: one quiz version, one question at a time, in type large enough for the back row.
// Inlined by handout.quiz.projector into a page that must work from file:// and offline. It reads the
// questions from the JSON block the root's data-questions names and its settings from the root's
// data- attributes; it builds every node with textContent (never markup from strings) and asks no
// host for anything. Slide 0 is the start slide (static HTML), slides 1..n are the questions; the
// URL hash holds the slide number, so a reload stays where the class is.

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
// Options this short (in characters) fit two to a row; longer ones get a row each.
const GRID_CHARS = 42;
// A countdown longer than this warns once, politely, when this much is left.
const WARN_MS = 10000;
const LOW_MS = 5000;

const root = document.getElementById("projector");
const data = JSON.parse(document.getElementById(root.dataset.questions).textContent);
const { labels, questions, blank } = data;
const total = questions.length;
const countdownMs = Math.max(0, Number.parseInt(root.dataset.countdown ?? "0", 10) || 0) * 1000;
const uiLang = root.dataset.uiLang;
const foreignUi = uiLang !== document.documentElement.lang.split("-")[0].toLowerCase();
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

const $ = (selector) => root.querySelector(selector);
const slide = $(".projector-slide");
const start = $(".projector-start");
const view = $(".projector-question");
const progress = $(".projector-progress");
const timerBox = $(".projector-timer");
const count = $(".projector-count");
const meter = $(".projector-meter");
const fill = $(".projector-meter-fill");
const status = $(".projector-status");
const buttons = Object.fromEntries(
  Array.from(root.querySelectorAll("button[data-action]"), (button) => [button.dataset.action, button]),
);

const state = { slide: -1, revealed: new Set(), left: new Map() };
const timer = { running: false, deadline: 0, left: 0, handle: 0, warned: false };

const format = (key, values = {}) => labels[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
const clamp = (n) => Math.min(Math.max(Number.isFinite(n) ? n : 0, 0), total);
const seconds = (ms) => Math.ceil(ms / 1000);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A node holding one of the page's own labels, marked with their language when the page's differs. */
function label(tag, className, key, values) {
  const node = el(tag, className, format(key, values));
  if (foreignUi) node.lang = uiLang;
  return node;
}

/** Shown only once the answer is revealed ("show") or only until then ("hide"). */
function onReveal(node, when) {
  node.dataset.reveal = when;
  node.hidden = when === "show";
  return node;
}

function decoration(text) {
  const node = el("span", "projector-deco", text);
  node.setAttribute("aria-hidden", "true");
  return node;
}

function say(text) {
  // The same words twice in a row are not announced again unless the text changes.
  status.textContent = status.textContent === text ? `${text}\u00a0` : text;
}

// --- one question's slide --------------------------------------------------------------------------

function stem(q) {
  const heading = el("h1", "projector-stem");
  if (q.kind !== "fill-blank" || !q.stem.includes(blank)) {
    heading.textContent = q.stem;
    return heading;
  }
  q.stem.split(blank).forEach((part, i) => {
    if (i > 0) {
      const gap = el("span", "projector-blank");
      gap.append(onReveal(label("span", "projector-hidden", "blank"), "hide"),
        onReveal(el("span", "projector-blank-answer", q.accept[0] ?? ""), "show"));
      heading.append(gap);
    }
    if (part) heading.append(part);
  });
  return heading;
}

function optionList(q) {
  const pair = q.kind === "true-false";
  const list = el("ol", "projector-options");
  if (pair) list.classList.add("projector-options--pair");
  else if (q.kind !== "matching" && q.options.every((o) => [...o].length <= GRID_CHARS)) {
    list.classList.add("projector-options--grid");
  }
  q.options.forEach((text, i) => {
    const item = el("li", "projector-option");
    if (!pair) item.append(el("span", "projector-letter", LETTERS[i]));
    item.append(el("span", "projector-text", text));
    if (q.kind !== "matching" && q.correct.includes(i)) {
      item.dataset.correct = "";
      const mark = label("span", "projector-mark", "correct");
      mark.prepend(decoration("✓ "));
      item.append(onReveal(mark, "show"));
    }
    list.append(item);
  });
  return list;
}

function matching(q) {
  const box = el("div", "projector-match");
  const prompts = el("ol", "projector-prompts");
  q.prompts.forEach((text, i) => {
    const item = el("li", "projector-prompt");
    item.append(el("span", "projector-number", String(i + 1)), el("span", "projector-text", text));
    const c = q.correct[i];
    const pair = el("span", "projector-pair");
    pair.append(decoration("→ "), el("span", "projector-letter", LETTERS[c]), el("span", "projector-text", q.options[c]));
    item.append(onReveal(pair, "show"));
    prompts.append(item);
  });
  box.append(prompts, optionList(q));
  return box;
}

function answerPanel(q) {
  const panel = onReveal(el("div", "projector-answer"), "show");
  if (q.kind === "fill-blank") {
    const line = el("p", "projector-accepted");
    line.append(label("strong", "", "answer"), " ", el("span", "", q.accept[0] ?? ""));
    panel.append(line);
    if (q.accept.length > 1) {
      const also = el("p", "projector-accepted");
      also.append(label("strong", "", "also_accepted"), " ", el("span", "", q.accept.slice(1).join(" / ")));
      panel.append(also);
    }
  }
  const why = el("p", "projector-rationale");
  why.append(label("strong", "", "why"), " ", q.rationale);
  panel.append(why);
  return panel;
}

/** The answer in words, for the announcement that it was revealed. */
function answerText(q) {
  if (q.kind === "matching") return q.prompts.map((p, i) => `${p} → ${q.options[q.correct[i]]}`).join("; ");
  if (q.options.length) return q.correct.map((c) => q.options[c]).join(" / ");
  return q.accept.join(" / ");
}

function build(q) {
  view.className = `projector-question projector-question--${q.kind}`;
  const parts = [stem(q)];
  if (q.kind === "matching") parts.push(matching(q));
  else if (q.options.length) parts.push(optionList(q));
  parts.push(answerPanel(q));
  view.replaceChildren(...parts);
}

// --- moving between slides -------------------------------------------------------------------------

function writeHash(n) {
  const hash = `#${n}`;
  if (location.hash === hash) return;
  try {
    history.replaceState(null, "", hash);
  } catch {
    location.replace(hash);
  }
}

function slideFromHash() {
  const match = /^#(\d+)$/.exec(location.hash);
  return match ? clamp(Number(match[1])) : 0;
}

function disable(button, off) {
  // aria-disabled, not disabled: a focused button keeps its focus at either end of the deck.
  button.setAttribute("aria-disabled", String(off));
}

function show(n) {
  n = clamp(n);
  pauseTimer(false);
  state.slide = n;
  writeHash(n);
  const onQuestion = n > 0;
  if (onQuestion) build(questions[n - 1]);
  else view.replaceChildren();
  start.hidden = onQuestion;
  view.hidden = !onQuestion;
  progress.textContent = onQuestion ? format("progress", { n, total }) : format("count", { total });
  disable(buttons.previous, n === 0);
  disable(buttons.next, n === total);
  disable(buttons.reveal, !onQuestion);
  disable(buttons.timer, !onQuestion);
  applyReveal();
  timer.left = state.left.get(n) ?? countdownMs;
  timer.warned = timer.left <= WARN_MS;
  // A question's countdown starts when it is shown, unless its answer is out or its time is up.
  if (onQuestion && countdownMs && timer.left > 0 && !state.revealed.has(n)) startTimer(false);
  drawTimer();
  // The new question is announced with its place, for anyone following with a screen reader.
  say(onQuestion ? `${progress.textContent}: ${questions[n - 1].stem}` : progress.textContent);
  fit();
}

function applyReveal() {
  const on = state.slide > 0 && state.revealed.has(state.slide);
  view.classList.toggle("is-revealed", on);
  for (const node of view.querySelectorAll("[data-reveal]")) node.hidden = (node.dataset.reveal === "show") !== on;
  buttons.reveal.setAttribute("aria-pressed", String(on));
}

function toggleReveal() {
  if (state.slide === 0) return;
  const on = !state.revealed.has(state.slide);
  if (on) {
    state.revealed.add(state.slide);
    pauseTimer(false);
  } else {
    state.revealed.delete(state.slide);
  }
  applyReveal();
  say(on ? `${labels.revealed}: ${answerText(questions[state.slide - 1])}` : labels.hidden);
  fit();
}

/** Shrinks the slide's type step by step until the question (and its answer) fits the screen. */
function fit() {
  let scale = 1;
  slide.style.setProperty("--fit", "1");
  // Small steps: the largest type that fits, not the first multiple of a coarse step below it.
  while (slide.scrollHeight > slide.clientHeight + 1 && scale > 0.45) {
    scale -= 0.01;
    slide.style.setProperty("--fit", scale.toFixed(2));
  }
}

// --- the countdown ---------------------------------------------------------------------------------

const timeLeft = () => (timer.running ? Math.max(0, timer.deadline - performance.now()) : timer.left);

function startTimer(announce) {
  if (!countdownMs || state.slide === 0 || timer.running) return;
  // A finished countdown starts again from the top.
  if (timer.left <= 0) {
    timer.left = countdownMs;
    timer.warned = timer.left <= WARN_MS;
  }
  timer.running = true;
  timer.deadline = performance.now() + timer.left;
  timer.handle = window.setInterval(tick, 100);
  if (announce) say(format("timer_started", { seconds: seconds(timer.left) }));
  drawTimer();
}

function pauseTimer(announce) {
  if (!timer.running) return;
  timer.left = timeLeft();
  timer.running = false;
  window.clearInterval(timer.handle);
  state.left.set(state.slide, timer.left);
  if (announce) say(format("timer_paused", { seconds: seconds(timer.left) }));
  drawTimer();
}

function toggleTimer() {
  if (timer.running) pauseTimer(true);
  else startTimer(true);
}

function tick() {
  const left = timeLeft();
  if (left <= 0) {
    timer.running = false;
    timer.left = 0;
    window.clearInterval(timer.handle);
    state.left.set(state.slide, 0);
    say(labels.time);
  } else if (!timer.warned && left <= WARN_MS) {
    timer.warned = true;
    say(format("seconds_left", { seconds: seconds(left) }));
  }
  drawTimer();
}

function drawTimer() {
  const on = countdownMs > 0 && state.slide > 0;
  timerBox.hidden = !on;
  meter.hidden = !on;
  buttons.timer.hidden = !countdownMs;
  buttons.timer.textContent = format(timer.running ? "pause_timer" : "start_timer");
  if (!on) return;
  const left = timeLeft();
  const done = left <= 0;
  count.textContent = done ? labels.time : String(seconds(left));
  // With reduced motion the bar moves once a second, with the number, not continuously.
  const shown = reducedMotion.matches ? seconds(left) * 1000 : left;
  fill.style.setProperty("--left", String(Math.min(1, shown / countdownMs)));
  for (const node of [timerBox, meter]) {
    node.classList.toggle("is-low", !done && left <= LOW_MS);
    node.classList.toggle("is-done", done);
  }
}

// --- fullscreen, keys and buttons ------------------------------------------------------------------

function toggleFullscreen() {
  // Refused (no user gesture, a kiosk, an iframe): the page simply stays as it is.
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else document.documentElement.requestFullscreen?.().catch(() => {});
}

const actions = {
  previous: () => show(state.slide - 1),
  next: () => show(state.slide + 1),
  reveal: toggleReveal,
  timer: toggleTimer,
  fullscreen: toggleFullscreen,
};

// Toggles do not repeat while a key is held; moving does.
const KEYS = {
  ArrowRight: ["next", true], PageDown: ["next", true], " ": ["next", true],
  ArrowLeft: ["previous", true], PageUp: ["previous", true],
  Home: ["first", false], End: ["last", false],
  Enter: ["reveal", false], r: ["reveal", false], R: ["reveal", false],
  t: ["timer", false], T: ["timer", false], f: ["fullscreen", false], F: ["fullscreen", false],
};
actions.first = () => show(0);
actions.last = () => show(total);

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  // Space and Enter on a focused button press that button, as everywhere else.
  const onControl = event.target instanceof Element && event.target.closest("button, a[href], input, select, textarea");
  if (onControl && (event.key === " " || event.key === "Enter")) return;
  const binding = KEYS[event.key];
  if (!binding) return;
  event.preventDefault();
  let [action, repeats] = binding;
  if (event.repeat && !repeats) return;
  if (action === "next" && event.key === " " && event.shiftKey) action = "previous";
  actions[action]();
});

root.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("button[data-action]");
  if (!button || button.getAttribute("aria-disabled") === "true") return;
  actions[button.dataset.action]();
});

document.addEventListener("fullscreenchange", () => {
  buttons.fullscreen.setAttribute("aria-pressed", String(Boolean(document.fullscreenElement)));
});

let fitting = 0;
window.addEventListener("resize", () => {
  cancelAnimationFrame(fitting);
  fitting = requestAnimationFrame(fit);
});

window.addEventListener("hashchange", () => {
  const n = slideFromHash();
  if (n !== state.slide) show(n);
});

root.classList.add("projector--active");
show(slideFromHash());
