// The first-attention explorer's front end: a choice of sentence and of a word in it, one
// number box (and slider) per feature of that word's vector, a button that restores the
// static vectors; the scores S = X Xᵀ and the weights softmax(S) as heatmaps with the
// numbers in their cells, the line saying S equals its transpose, the line naming the
// words that attend most to themselves, and the chosen word's vector before and after.
//
// Everything shown is computed here (attention_math.js) from the static vectors the page
// ships and the reader's edits; in JupyterLab the state also goes to the kernel, where
// the package computes `.result` (the reference). State (the model's keys): sentence,
// word, vectors (word -> its edited features); fixed: sentences, features, static, limit;
// plus title and error from the shared base.

import { scaledDotProductAttention } from "./attention_math.js";
import { bindState, createFrame, formatG, h, numberControl } from "./frame.js";
import { formatFixed, heatmapTable, numberTable, showTables } from "./tables.js";

const SYMMETRY_LEAD = "S equals its transpose";
const SYMMETRY_NOTE = "The score of word i with word j is always the score of j with i.";
const CSS = `
.sa-first .sa-pick { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; align-items: center; margin: 0 0 0.5rem; }
.sa-first .sa-pick select { font: inherit; max-width: 100%; padding: 0.1rem 0.2rem; color: #222; background: #fff;
  border: 1px solid #888; border-radius: 3px; }
.sa-first .sa-maps { display: flex; flex-wrap: wrap; gap: 0 1.2rem; align-items: flex-start; }
.sa-first .sa-maps.sa-compact table.sa-heatmap { font-size: 13px; }
.sa-first .sa-maps.sa-compact table.sa-heatmap th, .sa-first .sa-maps.sa-compact table.sa-heatmap td {
  padding: 0.1rem 0.2rem; min-width: 3em; }
.sa-first .sa-lines { margin: 0.5rem 0 0; }
.sa-first .sa-restore { font: inherit; margin: 0 0 0.4rem; padding: 0.2rem 0.6rem; background: #fff; color: #222;
  border: 1px solid #888; border-radius: 3px; }
`;

function fail(message) {
  throw new Error(message);
}

function injectCss(doc) {
  if (doc.getElementById("sa-first-style")) return;
  const style = doc.createElement("style");
  style.id = "sa-first-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
}

/** The word to edit in a sentence: `keep` if it has it, else "apple", else its first word. */
export function defaultWord(words, keep = null) {
  if (keep !== null && words.includes(keep)) return keep;
  return words.includes("apple") ? "apple" : words[0];
}

/** The largest |S[i][j] - S[j][i]|: 0 for a symmetric matrix (first_attention.max_asymmetry). */
export function maxAsymmetry(matrix) {
  let largest = 0;
  matrix.forEach((row, i) => row.forEach((v, j) => {
    largest = Math.max(largest, Math.abs(v - matrix[j][i]));
  }));
  return largest;
}

/**
 * For each row, whether its diagonal entry is strictly larger than every other entry
 * (first_attention.attends_most_to_itself): a tie does not count; one word alone does.
 */
export function attendsMostToItself(weights) {
  return weights.map((row, i) => row.every((v, j) => j === i || row[i] > v));
}

/** The line under the maps, as the Python side writes it. */
export function symmetryText(asymmetry) {
  return `${SYMMETRY_LEAD}: max |S − Sᵀ| = ${formatG(asymmetry, 3)}. ${SYMMETRY_NOTE}`;
}

/** The line naming the words whose largest weight is on themselves. */
export function selfText(tokens, own) {
  const names = tokens.filter((_, i) => own[i]);
  return `${names.length} of ${tokens.length} words give their largest weight to themselves ` +
    `(the diagonal): ${names.length ? names.join(", ") : "none"}.`;
}

function checkVectors(vectors, staticVectors, features, limit) {
  if (vectors === null || typeof vectors !== "object" || Array.isArray(vectors)) {
    fail(`vectors must map words to lists of ${features.length} numbers`);
  }
  for (const [word, vector] of Object.entries(vectors)) {
    if (!(word in staticVectors)) fail(`vectors: "${word}" is not a word of the book's sentences`);
    if (!Array.isArray(vector) || vector.length !== features.length) {
      fail(`vectors["${word}"] must have ${features.length} features (${features.join(", ")})`);
    }
    vector.forEach((v, k) => {
      if (typeof v !== "number" || Number.isNaN(v)) {
        fail(`vectors["${word}"]: ${features[k]} must be a real number, got ${typeof v === "number" ? v : JSON.stringify(v)}`);
      }
      if (!(v >= -limit && v <= limit)) {
        fail(`vectors["${word}"]: ${features[k]} must lie in [${formatG(-limit)}, ${formatG(limit)}], got ${formatG(v)}`);
      }
    });
  }
}

/**
 * Everything the widget shows for a state {sentence, word, vectors}: the sentence (from
 * `sentences`), its tokens, the vectors in use x (T, d_model), the scores S = X Xᵀ, the
 * weights softmax(S), the output weights @ X, the largest asymmetry of S, which words
 * attend most to themselves, the chosen word's row and the two lines of text.
 * Throws, naming what is wrong, for an unknown sentence or word or an unusable vector.
 */
export function computeView(state, sentences, staticVectors, features, limit = 10) {
  const sentence = sentences.find((candidate) => candidate.key === state.sentence);
  if (!sentence) fail(`sentence must be one of ${sentences.map((c) => c.key).join(", ")}, got ${state.sentence}`);
  if (!sentence.words.includes(state.word)) {
    fail(`word must be one of the sentence's words (${sentence.words.join(", ")}), got ${state.word}`);
  }
  checkVectors(state.vectors, staticVectors, features, limit);
  const tokens = sentence.tokens;
  const inUse = (word) => state.vectors[word] ?? staticVectors[word];
  const x = tokens.map((token) => {
    const vector = inUse(token.toLowerCase());
    if (!vector) fail(`no vector for "${token}"`);
    return [...vector];
  });
  // identity W_Q = W_K = W_V and no scaling: S = X Xᵀ, A = softmax(S), Y = A X
  const { scores, weights, output } = scaledDotProductAttention(x, x, x, { scale: 1 });
  const asymmetry = maxAsymmetry(scores);
  const own = attendsMostToItself(weights);
  const index = tokens.map((token) => token.toLowerCase()).indexOf(state.word);
  return {
    sentence, tokens, x, scores, weights, output, asymmetry, own, index,
    vector: inUse(state.word),
    static: staticVectors[state.word],
    after: output[index],
    symmetry: symmetryText(asymmetry),
    selfLine: selfText(tokens, own),
  };
}

/** The sentence describing the two maps (the live view's counterpart of describe()). */
export function describe(view) {
  const favourites = view.tokens.map((token, i) => {
    const row = view.weights[i];
    const best = row.indexOf(Math.max(...row));
    return `${token} → ${view.tokens[best]} (${formatFixed(row[best], 2)})`;
  }).join("; ");
  return `Two heatmaps for the sentence “${view.sentence.text}”: the raw scores S = X Xᵀ, ` +
    `a symmetric matrix (largest |S − Sᵀ| is ${formatG(view.asymmetry, 3)}), and the ` +
    `attention weights, each row summing to 1. Each word's largest weight: ${favourites}.`;
}

const CAPTIONS = ["Scores S = X Xᵀ (symmetric).", "Weights: softmax of each row."];

function render({ model, el }) {
  injectCss(el.ownerDocument);
  const frame = createFrame(el, model);
  frame.root.classList.add("sa-first");
  const sentences = model.get("sentences");
  const features = model.get("features");
  const staticVectors = model.get("static");
  const limit = model.get("limit");

  const sentenceSelect = h("select", { class: "sa-sentence", "aria-label": "sentence" },
    sentences.map((sentence) => h("option", { value: sentence.key }, sentence.text)));
  const wordSelect = h("select", { class: "sa-word", "aria-label": "the word to edit" });
  const pick = h("div", { class: "sa-pick" }, [
    h("label", {}, ["sentence ", sentenceSelect]),
    h("label", {}, ["edit the word ", wordSelect]),
  ]);
  const hint = h("p", { class: "sa-hint" },
    `The vector of the chosen word, one box per feature (each from ${formatG(-limit)} to ${formatG(limit)}):`);
  const restore = h("button", { type: "button", class: "sa-restore" }, "restore static vectors");
  frame.root.insertBefore(pick, frame.controls);
  frame.root.insertBefore(hint, frame.controls);
  frame.root.insertBefore(restore, frame.message);

  const maps = h("div", { class: "sa-maps", role: "group" });
  const symmetryRest = document.createTextNode("");
  const symmetryLine = h("p", { class: "sa-lines sa-symmetry" }, [h("b", {}, SYMMETRY_LEAD), symmetryRest]);
  const selfLine = h("p", { class: "sa-lines sa-self" });
  frame.figure.append(maps, symmetryLine, selfLine);

  const controls = features.map((feature, k) => numberControl({
    label: feature, min: -limit, max: limit, step: 0.1, value: 0,
    onValue: (v) => {
      const { word, vectors } = binding.state;
      const vector = [...(vectors[word] ?? staticVectors[word])];
      vector[k] = v;
      return binding.apply({ vectors: { ...vectors, [word]: vector } }, controls[k]);
    },
    onError: (text) => frame.showMessage(text),
  }));
  controls.forEach((control) => control.mount(frame.controls));

  let wordsFor = null;
  let tableFor = null;
  const drawMaps = (view) => {
    maps.classList.toggle("sa-compact", view.tokens.length > 6);
    showTables(maps, [view.scores, view.weights].map((matrix, k) => heatmapTable({
      matrix, rows: view.tokens, cols: view.tokens, caption: CAPTIONS[k], corner: "word i \\ j" })));
  };
  const drawTable = (view) => {
    const columns = features.map((_, k) => [view.static[k], view.vector[k], view.after[k]]);
    const key = `${view.sentence.key}/${view.index}`;
    if (tableFor === key) {
      const rows = frame.table.querySelector("tbody").rows;
      columns.forEach((values, k) => values.forEach((v, j) => {
        const cell = rows[k].cells[j + 1];
        const target = j === 2 ? cell.firstChild : cell;
        const text = formatFixed(v, j === 2 ? 3 : 2);
        if (target.textContent !== text) target.textContent = text;
      }));
      return;
    }
    frame.table.replaceChildren(numberTable({
      matrix: columns, rows: features, cols: ["static vector", "vector in use", "after attention"],
      caption: `“${view.tokens[view.index]}”: its vector before and after attention`,
      corner: "feature", digits: [2, 2, 3], boldCols: [2],
    }));
    tableFor = key;
  };
  const draw = (next) => {
    const view = computeView(next, sentences, staticVectors, features, limit); // throws before drawing
    if (wordsFor !== view.sentence.key) {
      wordSelect.replaceChildren(...view.sentence.words.map((word) => h("option", { value: word }, word)));
      wordsFor = view.sentence.key;
    }
    sentenceSelect.value = view.sentence.key;
    wordSelect.value = next.word;
    maps.setAttribute("aria-label", describe(view));
    drawMaps(view);
    const rest = view.symmetry.slice(SYMMETRY_LEAD.length);
    if (symmetryRest.textContent !== rest) symmetryRest.textContent = rest;
    if (selfLine.textContent !== view.selfLine) selfLine.textContent = view.selfLine;
    drawTable(view);
    return view;
  };
  const shown = (view, next, source) => {
    controls.forEach((control, k) => { if (control !== source) control.set(view.vector[k]); });
  };

  sentenceSelect.addEventListener("change", () => {
    const sentence = sentences.find((candidate) => candidate.key === sentenceSelect.value);
    if (!binding.apply({ sentence: sentence.key, word: defaultWord(sentence.words, binding.state.word) })) {
      sentenceSelect.value = binding.state.sentence;
    }
  });
  wordSelect.addEventListener("change", () => {
    if (!binding.apply({ word: wordSelect.value })) wordSelect.value = binding.state.word;
  });
  restore.addEventListener("click", () => binding.apply({ vectors: {} }));

  const binding = bindState(model, frame, { keys: ["sentence", "word", "vectors"], draw, shown });
  return () => binding.dispose();
}

export default { render };
