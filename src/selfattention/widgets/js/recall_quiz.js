// The recall quiz (selfattention.widgets.recall_quiz.RecallQuiz), live in the browser.
//
// The whole deck (questions, answers, and for the cards with an answer box what counts
// as right) comes in the page state. Picking a card, showing its answer, marking it,
// checking a typed answer and starting again all run here; in JupyterLab each change
// also reaches the kernel, whose RecallQuiz keeps the reference state (status, score).
// Typed answers are read by the rules of recall_quiz.read_answer, character for
// character, so the two give the same verdicts and the same messages.

import { bindState, createFrame, formatG, h, uid } from "./frame.js";
import { cellColour } from "./tables.js";

function fail(message) {
  throw new Error(message);
}

// -- reading a typed answer (recall_quiz.read_answer) --------------------------------------

export const MAX_ANSWER = 60;
export const MAX_DIGITS = 9;
const EDGES = /^[ \t\n\r\f\v\u00a0\u2009\u202f\u3000]+|[ \t\n\r\f\v\u00a0\u2009\u202f\u3000]+$/g;
const NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const BRACKETS = /^(?:torch\.size\(\[([^()[\]]*)\]\)|\(([^()[\]]*)\)|\[([^()[\]]*)\])$/;
const SEPARATOR = /[ \t\n\r\f\v\u00a0\u2009\u202f\u3000]*(?:×|✕|x|\*|,|by)[ \t\n\r\f\v\u00a0\u2009\u202f\u3000]*/;
const WHOLE = /^[0-9]+$/;
const TRUE = ["true", "t", "yes", "y"];
const FALSE = ["false", "f", "no", "n"];
const HINTS = {
  bool: ["true or false", "type true or false"],
  number: ["a number", "type a number such as 0.5 or 1e-3"],
  shape: ["a shape", "type whole numbers such as 3 × 4, 3x4 or (3, 4)"],
};

const strip = (text) => text.replace(EDGES, "");
const lowerAscii = (text) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * What a typed answer says, by the card's kind: a boolean, a number or an array of whole
 * numbers. Throws (naming card `card`, counted from 1) for an empty answer, one too long,
 * or text that does not read as `kind`.
 */
export function readAnswer(kind, text, card = 1) {
  if (!Object.hasOwn(HINTS, kind)) fail(`card ${card} has no answer box (its kind is '${kind}')`);
  if (typeof text !== "string") fail(`card ${card}: the answer must be a str, got ${text === null ? "null" : typeof text}`);
  const [what, hint] = HINTS[kind];
  const length = Array.from(text).length; // code points, as Python counts them
  if (length > MAX_ANSWER) fail(`card ${card}: the answer is ${length} characters long; type at most ${MAX_ANSWER}`);
  const typed = strip(text);
  if (typed === "") fail(`card ${card}: the answer box is empty; ${hint}`);
  const nonsense = () => fail(`card ${card}: could not read "${typed}" as ${what}; ${hint}`);
  if (kind === "bool") {
    const word = lowerAscii(typed).replace(/[.!]+$/, "");
    if (TRUE.includes(word)) return true;
    if (FALSE.includes(word)) return false;
    return nonsense();
  }
  if (kind === "number") {
    if (!NUMBER.test(typed)) return nonsense();
    const value = Number(typed);
    if (!Number.isFinite(value)) fail(`card ${card}: "${typed}" is too large to be a number here`);
    return value;
  }
  let shape = strip(lowerAscii(typed).replace(/\.+$/, ""));
  const inside = BRACKETS.exec(shape);
  if (inside) {
    shape = strip(inside.slice(1).find((group) => group !== undefined));
    if (shape.endsWith(",")) shape = strip(shape.slice(0, -1)); // (100,)
  }
  const parts = shape.split(SEPARATOR);
  if (!parts.every((part) => WHOLE.test(part))) return nonsense();
  if (parts.some((part) => part.length > MAX_DIGITS)) {
    fail(`card ${card}: "${typed}" has a dimension of more than ${MAX_DIGITS} digits`);
  }
  return parts.map(Number);
}

function showValue(kind, value) {
  if (kind === "bool") return value ? "true" : "false";
  if (kind === "number") return formatG(value, 6);
  return value.join(" × ");
}

/** Check a typed answer to a card of the deck: {correct, read} (recall_quiz.check_answer). */
export function checkAnswer(card, text, number = 1) {
  const value = readAnswer(card.kind, text, number);
  let correct;
  if (card.kind === "bool") correct = value === card.expected;
  else if (card.kind === "number") correct = Math.abs(value - card.expected) <= card.tolerance;
  else correct = value.length === card.expected.length && value.every((n, k) => n === card.expected[k]);
  return { correct, read: showValue(card.kind, value) };
}

// -- the state and what it shows ---------------------------------------------------------

const STATUS_TEXT = (s) => (s === null ? "?" : s ? "knew" : "again");

function perCard(value, name, n) {
  if (!Array.isArray(value)) fail(`${name} must be a list with one entry per card, got ${typeof value}`);
  if (value.length !== n) fail(`${name} must hold one entry per card (${n}), got ${value.length}`);
  return value;
}

/** Everything the quiz shows for a state {card, revealed, marks, attempts}; throws if unusable. */
export function computeView(state, deck) {
  const n = deck.length;
  const { card, revealed } = state;
  if (typeof card !== "number" || !Number.isInteger(card) || card < 0 || card > n - 1) {
    fail(`card must be a whole number from 0 to ${n - 1}, got ${typeof card === "number" ? formatG(card) : typeof card}`);
  }
  if (typeof revealed !== "boolean") fail(`revealed must be true or false, got ${typeof revealed}`);
  const marks = perCard(state.marks, "marks", n);
  marks.forEach((mark, i) => {
    if (mark !== null && typeof mark !== "boolean") fail(`marks[${i}] must be true, false or null, got ${typeof mark}`);
    if (mark !== null && deck[i].kind !== "recall") {
      fail(`marks[${i}]: card ${i + 1} is marked from its answer box, not by hand`);
    }
  });
  const attempts = perCard(state.attempts, "attempts", n);
  const verdicts = attempts.map((text, i) => {
    if (text === null) return null;
    if (deck[i].kind === "recall") fail(`attempts[${i}]: card ${i + 1} has no answer box`);
    return checkAnswer(deck[i], text, i + 1);
  });
  const status = deck.map((c, i) => (c.kind === "recall" ? marks[i]
    : verdicts[i] === null ? null : verdicts[i].correct));
  const known = status.filter((s) => s === true).length;
  const again = status.filter((s) => s === false).length;
  return { card, revealed, status, verdicts, attempts, n,
           score: { known, again, not_tried: n - known - again } };
}

/** The score line (RecallQuiz.summary). */
export function summary(view) {
  const { known, again, not_tried: notTried } = view.score;
  return `Score: ${known} known, ${again} to practise again, ${notTried} not tried, of ${view.n} cards.`;
}

/** The strip in one sentence (RecallQuiz.describe, the snapshot's alt text). */
export function describe(view) {
  const marks = view.status.map((s, i) => `${i + 1} ${s === null ? "not tried" : STATUS_TEXT(s)}`).join(", ");
  return `A strip of ${view.n} cells, one per card, showing how the reader marked each: ` +
    `${marks}. Card ${view.card + 1} is shown now.`;
}

/** The line under an answer box once an answer was checked (RecallQuiz.verdict_text). */
export function verdictText(verdict, typed) {
  const said = `you answered “${strip(typed)}”, read as ${verdict.read}`;
  return verdict.correct ? `Right: ${said}.` : `Not right: ${said}. The answer is shown below.`;
}

// -- drawing -------------------------------------------------------------------------------

const CSS = `
.sa-live .sa-quiz-strip { display: flex; flex-wrap: wrap; gap: 0.2rem; margin: 0 0 0.6rem; padding: 0;
  border: 0; min-width: 0; }
.sa-live .sa-quiz-strip legend { font: inherit; font-weight: bold; float: none; width: auto; padding: 0;
  margin: 0 0 0.2rem; }
.sa-live button.sa-quiz-cell { font: inherit; font-size: 14px; line-height: 1.15; min-width: 2.45rem;
  padding: 0.15rem 0.1rem; border: 1px solid #666; border-radius: 3px; cursor: pointer;
  display: flex; flex-direction: column; align-items: center; }
.sa-live button.sa-quiz-cell .sa-quiz-mark { font-size: 12px; }
.sa-live button.sa-quiz-cell[aria-current=true] { outline: 3px solid #222; outline-offset: 1px;
  font-weight: bold; }
.sa-live .sa-quiz-heading { font-weight: bold; margin: 0 0 0.25rem; overflow-wrap: anywhere; }
.sa-live .sa-quiz-question { margin: 0 0 0.5rem; overflow-wrap: anywhere; }
.sa-live .sa-quiz-row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem 0.45rem;
  margin: 0 0 0.5rem; }
.sa-live .sa-quiz-row[hidden] { display: none; }
.sa-live button.sa-quiz-button { font: inherit; padding: 0.2rem 0.6rem; background: #fff; color: #222;
  border: 1px solid #888; border-radius: 3px; cursor: pointer; white-space: normal;
  overflow-wrap: anywhere; text-align: center; }
.sa-live button.sa-quiz-button[aria-pressed=true] { background: #2f6c8e; color: #fff; border-color: #2f6c8e; }
.sa-live button.sa-quiz-button[hidden] { display: none; }
.sa-live input.sa-answer-box { font: inherit; flex: 1 1 12em; min-width: 8em; padding: 0.1rem 0.3rem;
  border: 1px solid #888; border-radius: 3px; background: #fff; color: #222; }
.sa-live input.sa-answer-box[aria-invalid=true] { border-color: #a00000; outline: 1px solid #a00000; }
.sa-live .sa-quiz-verdict { margin: 0 0 0.5rem; font-weight: bold; }
.sa-live .sa-quiz-verdict:empty { display: none; }
.sa-live .sa-quiz-verdict.sa-right { color: #1d6b2f; }
.sa-live .sa-quiz-verdict.sa-wrong { color: #8a3b00; }
.sa-live .sa-quiz-answer { margin: 0 0 0.4rem; padding: 0.4rem 0.6rem; background: #f4f6f8;
  border-left: 4px solid #2f6c8e; overflow-wrap: anywhere; }
.sa-live .sa-quiz-score { margin: 0.3rem 0 0; font-weight: bold; }
`;

function injectQuizStyle(doc) {
  if (doc.getElementById("sa-quiz-style")) return;
  const style = doc.createElement("style");
  style.id = "sa-quiz-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
}

const FILLS = { null: ["#eeeeee", "black"], true: cellColour(0.85, 0, 1), false: cellColour(0.15, 0, 1) };
const STATUS_WORDS = (s) => (s === null ? "not tried" : s ? "knew it" : "to practise again");

function button(text, onClick, attrs = {}) {
  const node = h("button", { type: "button", class: "sa-quiz-button", ...attrs }, text);
  node.addEventListener("click", (event) => {
    // the page's own click handlers (the theme's) need not see the widget's buttons
    event.stopPropagation();
    onClick();
  });
  return node;
}

function render({ model, el }) {
  injectQuizStyle(el.ownerDocument);
  const frame = createFrame(el, model);
  frame.controls.style.display = "none"; // the quiz has no number controls
  const deck = model.get("deck");
  const labels = model.get("labels");
  const n = deck.length;
  const empty = () => Array(n).fill(null);

  // the strip: one button per card, showing its mark; the reader picks a card with it
  const strip = h("fieldset", { class: "sa-quiz-strip" }, [h("legend", {}, labels.cards)]);
  const cells = deck.map((card, i) => {
    const mark = h("span", { class: "sa-quiz-mark" }, "?");
    const cell = h("button", { type: "button", class: "sa-quiz-cell", "data-card": String(i) },
                   [h("span", {}, String(i + 1)), mark]);
    cell.addEventListener("click", (event) => {
      event.stopPropagation();
      pick(i);
    });
    strip.append(cell);
    return { cell, mark };
  });
  frame.root.insertBefore(strip, frame.controls);

  const heading = h("p", { class: "sa-quiz-heading" });
  const question = h("p", { class: "sa-quiz-question" });
  const boxId = uid("sa-quiz-answer");
  const box = h("input", { type: "text", id: boxId, class: "sa-answer-box", autocomplete: "off",
                           spellcheck: "false", maxlength: String(4 * MAX_ANSWER) });
  const checkButton = button(labels.check, () => checkTyped());
  const answerRow = h("div", { class: "sa-quiz-row sa-quiz-answer-row" }, [
    h("label", { for: boxId }, labels.answer), box, checkButton]);
  const verdict = h("p", { class: "sa-quiz-verdict", "aria-live": "polite" });
  const revealButton = button(labels.reveal, () => binding.apply({ revealed: !binding.state.revealed }),
                              { "aria-pressed": "false", "data-action": "reveal" });
  const knewButton = button(labels.knew, () => markCard(true), { "data-action": "knew" });
  const againButton = button(labels.again, () => markCard(false), { "data-action": "again" });
  const actions = h("div", { class: "sa-quiz-row" }, [revealButton, knewButton, againButton]);
  const answer = h("p", { class: "sa-quiz-answer", "aria-live": "polite" });
  const previous = button(labels.previous, () => pick((binding.state.card + n - 1) % n),
                          { "data-action": "previous" });
  const next = button(labels.next, () => pick((binding.state.card + 1) % n), { "data-action": "next" });
  const reset = button(labels.reset, () => binding.apply(
    { card: 0, revealed: false, marks: empty(), attempts: empty() }), { "data-action": "reset" });
  const moves = h("div", { class: "sa-quiz-row" }, [previous, next, reset]);
  frame.figure.append(heading, question, answerRow, verdict, actions, answer, moves);
  const score = h("p", { class: "sa-quiz-score", "aria-live": "polite" });
  frame.table.append(score);

  const pick = (i) => binding.apply({ card: i, revealed: false });
  const markCard = (knew) => {
    const marks = [...binding.state.marks];
    marks[binding.state.card] = knew;
    binding.apply({ marks });
  };
  const checkTyped = () => {
    const attempts = [...binding.state.attempts];
    attempts[binding.state.card] = box.value;
    if (!binding.apply({ attempts, revealed: true }, box)) box.setAttribute("aria-invalid", "true");
  };
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") checkTyped(); });

  const draw = (state) => {
    const view = computeView(state, deck); // throws before anything is drawn
    const card = deck[view.card];
    view.status.forEach((s, i) => {
      const [background, colour] = FILLS[String(s)];
      const { cell, mark } = cells[i];
      cell.style.background = background;
      cell.style.color = colour;
      mark.textContent = STATUS_TEXT(s);
      cell.setAttribute("aria-label", `card ${i + 1}, ${deck[i].label}: ${STATUS_WORDS(s)}`);
      cell.setAttribute("aria-current", String(i === view.card));
    });
    strip.setAttribute("aria-description", describe(view));
    heading.textContent = `Card ${view.card + 1} of ${n}: ${card.label}`;
    question.textContent = card.question;
    const checked = card.kind !== "recall";
    answerRow.hidden = !checked;
    if (checked) box.placeholder = HINTS[card.kind][0];
    knewButton.hidden = checked;
    againButton.hidden = checked;
    const result = view.verdicts[view.card];
    verdict.textContent = result ? verdictText(result, view.attempts[view.card]) : "";
    verdict.className = `sa-quiz-verdict${result ? (result.correct ? " sa-right" : " sa-wrong") : ""}`;
    revealButton.textContent = view.revealed ? labels.hide : labels.reveal;
    revealButton.setAttribute("aria-pressed", String(view.revealed));
    answer.textContent = view.revealed ? `Answer. ${card.answer}`
      : checked ? "Answer hidden: type your answer and check it, or show it."
        : "Answer hidden: say it to yourself first, then show it.";
    score.textContent = summary(view);
    return view;
  };
  const shown = (view, state, source) => {
    if (source !== box) box.value = view.attempts[view.card] ?? "";
    box.setAttribute("aria-invalid", "false"); // no control keeps showing text that is not in use
  };
  const binding = bindState(model, frame, { keys: ["card", "revealed", "marks", "attempts"], draw, shown });
  return () => binding.dispose();
}

export default { render };
