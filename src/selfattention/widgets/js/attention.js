// The attention explorer's front end: a preset, a typed sentence, the "divide scores by
// √d_k" switch, a temperature, and the four matrices X, W_Q, W_K, W_V in boxes the reader
// edits; the scores Q Kᵀ and the weights as heatmaps with the numbers in their cells, the
// queries, keys and values, the output, and a line naming each token's largest weight.
//
// Everything shown is computed here (attention_math.js's selfAttention) from the state;
// a typed sentence is tokenized and embedded by the package's rule with the toy
// vocabulary the page ships (as mask.js does). In JupyterLab the state also goes to the
// kernel, where the package computes `.result` (the reference; tests/test_js_attention.py
// checks the two agree to 1e-6). State (the model's keys): tokens, x, w_q, w_k, w_v,
// scaling, temperature, note; fixed: presets, vocabulary, features, toy, limits; plus
// title and error from the shared base.

import { selfAttention } from "./attention_math.js";
import { bindState, createFrame, formatG, h, numberControl, uid } from "./frame.js";
import { embedKnown as embedSentence, tokenize } from "./embeddings.js";
import { formatFixed, heatmapTable, numberTable, showTables } from "./tables.js";

export const KEYS = ["tokens", "x", "w_q", "w_k", "w_v", "scaling", "temperature", "note"];
const MATRICES = { x: "X", w_q: "W_Q", w_k: "W_K", w_v: "W_V" };

function fail(message) {
  throw new Error(message);
}

/**
 * The change that embedding a typed sentence makes (AttentionExplorer.embed): its tokens
 * and X; the weights stay if they fit the toy space, else the toy weights come in, and
 * the note says so.
 */
export function embedChange(sentence, state, fixed) {
  const { tokens, x } = embedSentence(sentence, fixed.vocabulary, fixed.limits.max_tokens);
  const change = { tokens, x, note: "" };
  if (state.w_q.length !== fixed.features.length) {
    const { w_q: wQ, w_k: wK, w_v: wV, note } = fixed.toy;
    Object.assign(change, {
      w_q: wQ.map((row) => [...row]), w_k: wK.map((row) => [...row]), w_v: wV.map((row) => [...row]),
      note: note.replace("{rows}", String(state.w_q.length))
        .replace("{features}", String(fixed.features.length)),
    });
  }
  return change;
}

// -- matrices as text (attention_explorer.parse_matrix, format_matrix) ---------------------

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SEPARATORS = /[\s,;\[\]()]+/;
const count = (n, what = "number") => (n === 1 ? `${n} ${what}` : `${n} ${what}s`);

/** A matrix typed as text: one row per line, numbers split by spaces or commas. */
export function parseMatrix(text, name) {
  if (typeof text !== "string") fail(`${name} must be text, got ${typeof text}`);
  const rows = [];
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    const words = line.split(SEPARATORS).filter((w) => w);
    if (words.length === 0) return;
    const row = words.map((word) => {
      if (!NUMBER.test(word)) fail(`${name}, line ${index + 1}: could not read '${word}' as a number`);
      const value = Number(word);
      if (!Number.isFinite(value)) fail(`${name}, line ${index + 1}: ${word} is too large to be a number here`);
      return value;
    });
    if (rows.length && row.length !== rows[0].length) {
      fail(`${name}, line ${index + 1}: this row has ${count(row.length)} but the first row has ` +
           `${count(rows[0].length)}; every row needs the same number`);
    }
    rows.push(row);
  });
  if (rows.length === 0) fail(`${name} is empty: write one row of numbers per line`);
  return rows;
}

/**
 * The text form parseMatrix reads (attention_explorer.format_matrix): one line per row,
 * each number as the shortest of Python's .4g ... .17g that reads back exactly.
 */
export function formatMatrix(matrix) {
  const number = (v) => {
    let text;
    for (let digits = 4; digits <= 17; digits++) {
      text = formatG(v, digits);
      if (Number(text) === v) break;
    }
    return text === "-0" ? "0" : text;
  };
  return matrix.map((row) => row.map(number).join(" ")).join("\n");
}

// -- checking a state (attention_explorer._check_trait, _check_shapes) --------------------

// Python's names for the JSON types, as the package's messages write them
const PY_TYPES = { string: "str", boolean: "bool", number: "float", object: "dict", undefined: "NoneType" };
const typeName = (v) => (v === null ? "NoneType" : Array.isArray(v) ? "list" : PY_TYPES[typeof v] ?? typeof v);

function checkNumber(value, name, low, high) {
  if (typeof value !== "number") {
    const shown = typeof value === "string" ? `str '${value}'` : typeName(value);
    fail(`${name} must be a real number, got ${shown}`);
  }
  if (!Number.isFinite(value)) fail(`${name} must be a finite number, got ${formatG(value)}`);
  if (value < low || value > high) {
    fail(`${name} must lie in [${formatG(low, 6)}, ${formatG(high, 6)}], got ${formatG(value, 6)}`);
  }
  return value;
}

function checkMatrix(value, name, { max_dim: maxDim, max_abs: maxAbs }) {
  if (!Array.isArray(value)) {
    fail(`${name} must be a list of rows of numbers, such as [[1, 0], [0, 1]], got ${typeName(value)}`);
  }
  if (value.length === 0) fail(`${name} is empty: it needs at least one row`);
  value.forEach((row, i) => {
    if (!Array.isArray(row)) fail(`${name} row ${i + 1} must be a list of numbers, got ${typeName(row)}`);
    row.forEach((v, j) => checkNumber(v, `${name} (row ${i + 1}, column ${j + 1})`, -maxAbs, maxAbs));
  });
  const width = value[0].length;
  value.forEach((row, i) => {
    if (row.length !== width) {
      fail(`${name}, row ${i + 1}: this row has ${count(row.length)} but the first row has ` +
           `${count(width)}; every row needs the same number`);
    }
  });
  if (width < 1 || width > maxDim) fail(`${name} must have 1 to ${maxDim} columns, got ${width}`);
}

function checkTokens(tokens, most) {
  if (!Array.isArray(tokens)) {
    fail(`tokens must be a sequence of words, such as ['love', 'Apple'], got ${typeName(tokens)}`);
  }
  tokens.forEach((word, i) => {
    if (typeof word !== "string") fail(`tokens[${i}] must be a str, got ${typeName(word)}`);
    if (!word.trim()) fail(`tokens[${i}] is empty: every token needs a word`);
  });
  if (tokens.length < 1 || tokens.length > most) fail(`tokens must hold 1 to ${most} words, got ${tokens.length}`);
}

/** Throw, naming what is wrong, unless `state` can be shown. */
export function checkState(state, limits) {
  checkTokens(state.tokens, limits.max_tokens);
  for (const [key, name] of Object.entries(MATRICES)) checkMatrix(state[key], name, limits);
  if (typeof state.scaling !== "boolean") {
    fail(`scaling must be True or False, got ${typeName(state.scaling)}`);
  }
  checkNumber(state.temperature, "temperature", ...limits.temperature);
  if (typeof state.note !== "string") fail(`note must be a str, got ${typeName(state.note)}`);
  const { tokens, x } = state;
  if (x.length !== tokens.length) {
    fail(`X has ${count(x.length, "row")} but there are ${count(tokens.length, "token")} (${tokens.join(", ")}); ` +
         "write one row per token");
  }
  const dModel = x[0].length;
  for (const key of ["w_q", "w_k", "w_v"]) {
    if (state[key].length !== dModel) {
      fail(`${MATRICES[key]} has ${count(state[key].length, "row")} but X has ${count(dModel, "column")} (d_model); ` +
           "write one row per column of X");
    }
  }
  if (state.w_q[0].length !== state.w_k[0].length) {
    fail(`W_Q has ${count(state.w_q[0].length, "column")} but W_K has ${state.w_k[0].length}; ` +
         "queries and keys need the same size d_k");
  }
}

// -- what is shown ---------------------------------------------------------------------------

/** The names of the embedding dimensions (attention_explorer.axis_names). */
export function axisNames(dModel, features) {
  return dModel === features.length ? [...features] : Array.from({ length: dModel }, (_, i) => `dim ${i + 1}`);
}

/** A projection's column names (attention_explorer._column_names): axis names if W selects axes. */
export function columnNames(weight, axes, prefix) {
  const width = weight[0].length;
  const copied = [];
  for (let j = 0; j < width; j++) {
    const column = weight.map((row) => row[j]);
    const nonzero = column.map((v, i) => (v !== 0 ? i : -1)).filter((i) => i >= 0);
    if (nonzero.length !== 1 || column[nonzero[0]] !== 1 || axes.length !== column.length) {
      return Array.from({ length: width }, (_, k) => `${prefix}${k + 1}`);
    }
    copied.push(axes[nonzero[0]]);
  }
  return copied;
}

/**
 * One token's largest weight in words, by chapter 5's rule (attention_explorer.strongest):
 * words tied for the largest share it and are all named; only a word strictly ahead
 * "attends most", with enough decimals (up to 6) to tell it from the runner-up.
 */
export function strongest(token, tokens, row, tie) {
  const top = Math.max(...row);
  const tied = row.map((w, j) => (top - w <= tie ? j : -1)).filter((j) => j >= 0);
  if (tied.length > 1) {
    const names = tied.slice(0, -1).map((j) => tokens[j]).join(", ") + ` and ${tokens[tied[tied.length - 1]]}`;
    return `${token} splits its largest weight between ${names} (${formatFixed(top, 2)} each)`;
  }
  const best = tied[0];
  if (row.length === 1) return `${token} attends only to ${tokens[best]} (1.00)`;
  let second = -1;
  row.forEach((w, j) => { if (j !== best && (second < 0 || w > row[second])) second = j; });
  let digits = 2;
  while (digits < 6 && formatFixed(top, digits) === formatFixed(row[second], digits)) digits += 1;
  if (digits === 2) return `${token} attends most to ${tokens[best]} (${formatFixed(top, 2)})`;
  return `${token} attends most to ${tokens[best]} (${formatFixed(top, digits)}), just ahead of ` +
    `${tokens[second]} (${formatFixed(row[second], digits)})`;
}

/** Everything the explorer shows for one state; throws, naming the problem, if unusable. */
export function computeView(state, fixed) {
  checkState(state, fixed.limits);
  const dK = state.w_q[0].length;
  const scale = (state.scaling ? 1 / Math.sqrt(dK) : 1) / state.temperature;
  const result = selfAttention(state.x, state.w_q, state.w_k, state.w_v, { scale });
  const axes = axisNames(state.x[0].length, fixed.features);
  const largest = state.tokens.map((token, i) => strongest(token, state.tokens, result.weights[i], fixed.limits.tie));
  const how = state.scaling ? `scores divided by √${dK}` : "no scaling";
  const describe = `Self-attention over ${state.tokens.length} tokens (${state.tokens.join(", ")}), ` +
    `d_k = ${dK}, ${how}, temperature ${formatG(state.temperature, 3)}. ${largest.join("; ")}.`;
  return {
    tokens: state.tokens, axes, dK, scale: result.scale, queries: result.queries, keys: result.keys,
    values: result.values, scores: result.scores, weights: result.weights, output: result.output,
    names: { q: columnNames(state.w_q, axes, "q"), k: columnNames(state.w_k, axes, "k"),
             v: columnNames(state.w_v, axes, "v") },
    describe, scaling: state.scaling, temperature: state.temperature,
  };
}

/** The caption of the score table (AttentionExplorer.tables_html). */
export function scoresCaption(view) {
  const how = view.scaling ? `÷ √${view.dK}` : "not scaled";
  return `Scores Q Kᵀ, before scaling. Softmax gets each × ${formatFixed(view.scale, 3)} ` +
    `(${how}, temperature ${formatG(view.temperature, 3)}).`;
}

/** The name of the preset the state equals (tokens and matrices), or "" (the reader's own). */
export function presetName(state, presets) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const found = presets.find((p) => ["tokens", ...Object.keys(MATRICES)].every((k) => same(p[k], state[k])));
  return found ? found.name : "";
}

// -- drawing -------------------------------------------------------------------------------

const CSS = `
.sa-live .sa-att-row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem 0.5rem; margin: 0 0 0.45rem; }
.sa-live .sa-att-row > label.sa-att-label { min-width: 7.5em; font-weight: bold; }
.sa-live .sa-att-row select, .sa-live .sa-att-row input[type=text] { font: inherit; padding: 0.1rem 0.3rem;
  border: 1px solid #888; border-radius: 3px; background: #fff; color: #222; max-width: 100%; }
.sa-live .sa-att-row input[type=text] { flex: 1 1 16em; min-width: 10em; }
.sa-live .sa-att-row input[aria-invalid=true], .sa-live textarea[aria-invalid=true] { border-color: #a00000;
  outline: 1px solid #a00000; }
.sa-live button.sa-att-button { font: inherit; padding: 0.15rem 0.55rem; background: #fff; color: #222;
  border: 1px solid #888; border-radius: 3px; cursor: pointer; }
.sa-live .sa-att-help { font-size: 13px; margin: 0.2rem 0 0.3rem; color: #333; }
.sa-live .sa-att-boxes { display: flex; flex-wrap: wrap; gap: 0.4rem 0.9rem; align-items: flex-start; margin-bottom: 0.4rem; }
.sa-live .sa-att-box { display: flex; flex-direction: column; align-items: flex-start; max-width: 100%; }
.sa-live .sa-att-box label { font-weight: bold; font-family: ui-monospace, monospace; }
.sa-live textarea.sa-matrix { font: 13px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  white-space: pre; overflow-wrap: normal; word-break: normal; overflow-x: auto; overflow-y: hidden;
  resize: none; max-width: 100%; padding: 0.2rem 0.35rem; border: 1px solid #888; border-radius: 3px;
  background: #fff; color: #222; }
.sa-live .sa-att-tables { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: flex-start; }
.sa-live .sa-att-tables table.sa-table { font-size: 13px; margin: 0.5rem 0 0; }
.sa-live .sa-att-tables table.sa-table th, .sa-live .sa-att-tables table.sa-table td { padding: 0.1rem 0.3rem; }
.sa-live .sa-att-tables table.sa-heatmap td { min-width: 3em; }
.sa-live .sa-att-tables table.sa-table caption { font-size: 13px; max-width: 30em; }
.sa-live .sa-att-tables th { overflow-wrap: anywhere; }
.sa-live p.sa-att-summary, .sa-live p.sa-att-note { margin: 0.5rem 0 0; overflow-wrap: anywhere; }
.sa-live p.sa-att-note:empty { display: none; }
`;

function injectCss(doc) {
  if (doc.getElementById("sa-attention-style")) return;
  const style = doc.createElement("style");
  style.id = "sa-attention-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
}

function fitBox(area) {
  const lines = area.value.split("\n");
  area.rows = Math.max(2, lines.length);
  area.cols = Math.max(8, ...lines.map((line) => line.length + 1));
}

function render({ model, el }) {
  injectCss(el.ownerDocument);
  const frame = createFrame(el, model);
  const fixed = {
    presets: model.get("presets"), vocabulary: model.get("vocabulary"),
    features: model.get("features"), toy: model.get("toy"), limits: model.get("limits"),
  };
  const { limits } = fixed;

  // preset
  const presetId = uid("sa-att-preset");
  const select = h("select", { id: presetId, class: "sa-att-preset" }, [
    h("option", { value: "", disabled: "" }, "(your own)"),
    ...fixed.presets.map((p) => h("option", { value: p.name }, p.name)),
  ]);
  select.addEventListener("change", () => {
    const preset = fixed.presets.find((p) => p.name === select.value);
    if (!preset) return;
    const copy = (m) => m.map((row) => [...row]);
    binding.apply({ tokens: [...preset.tokens], x: copy(preset.x), w_q: copy(preset.w_q),
                    w_k: copy(preset.w_k), w_v: copy(preset.w_v), note: "" }, select);
  });
  const presetRow = h("div", { class: "sa-att-row" }, [
    h("label", { class: "sa-att-label", for: presetId }, "preset"), select]);

  // typed sentence
  const boxId = uid("sa-att-sentence");
  const box = h("input", { type: "text", id: boxId, class: "sa-att-sentence", autocomplete: "off",
                           spellcheck: "false",
                           placeholder: `up to ${limits.max_tokens} words of the toy vocabulary, then Enter` });
  const embedButton = h("button", { type: "button", class: "sa-att-button" }, "embed sentence");
  const embedTyped = () => {
    let change;
    try {
      change = embedChange(box.value, binding.state, fixed);
    } catch (error) {
      frame.showMessage(error.message);
      box.setAttribute("aria-invalid", "true");
      return;
    }
    if (!binding.apply(change, box)) box.setAttribute("aria-invalid", "true");
  };
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") embedTyped(); });
  embedButton.addEventListener("click", (event) => { event.stopPropagation(); embedTyped(); });
  const sentenceRow = h("div", { class: "sa-att-row" }, [
    h("label", { class: "sa-att-label", for: boxId }, "your sentence"), box, embedButton]);

  // scaling
  const checkbox = h("input", { type: "checkbox", class: "sa-att-scaling" });
  checkbox.addEventListener("change", () => {
    if (!binding.apply({ scaling: checkbox.checked }, checkbox)) checkbox.checked = binding.state.scaling;
  });
  const scalingRow = h("div", { class: "sa-att-row" }, [h("label", {}, [checkbox, " divide scores by √d_k"])]);

  // temperature
  const [tLow, tHigh] = limits.temperature;
  const temperature = numberControl({
    label: "temperature", min: tLow, max: tHigh, step: 0.01, log: true, value: model.get("temperature"),
    round: (v) => Math.min(tHigh, Math.max(tLow, Number(v.toPrecision(3)))),
    onValue: (v) => binding.apply({ temperature: v }, temperature),
    onError: (text) => frame.showMessage(text),
  });
  temperature.mount(frame.controls);

  // the four matrices
  const helpId = uid("sa-att-help");
  const help = h("p", { class: "sa-att-help", id: helpId },
    "Edit a matrix, then click outside it (or press Ctrl+Enter) to apply: one row per line, numbers " +
    "separated by spaces or commas. X has one row per token; W_Q, W_K and W_V have one row per " +
    "embedding dimension (d_model). W_Q and W_K need the same number of columns (d_k).");
  const areas = {};
  const boxes = h("div", { class: "sa-att-boxes" });
  for (const [key, name] of Object.entries(MATRICES)) {
    const id = uid(`sa-att-${key}`);
    const area = h("textarea", { id, class: "sa-matrix", wrap: "off", spellcheck: "false",
                                 autocomplete: "off", "aria-describedby": helpId, "data-matrix": key });
    const applyArea = () => {
      let matrix;
      try {
        matrix = parseMatrix(area.value, name);
      } catch (error) {
        frame.showMessage(error.message);
        area.setAttribute("aria-invalid", "true");
        return;
      }
      const change = { [key]: matrix };
      if (key !== "x") change.note = "";
      if (!binding.apply(change, area)) area.setAttribute("aria-invalid", "true");
    };
    area.addEventListener("change", applyArea);
    area.addEventListener("input", () => fitBox(area));
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); applyArea(); }
    });
    areas[key] = area;
    boxes.append(h("div", { class: "sa-att-box" }, [
      h("label", { for: id }, key === "x" ? "X (one row per token)" : name), area]));
  }
  for (const part of [presetRow, sentenceRow, scalingRow]) frame.root.insertBefore(part, frame.controls);
  frame.controls.after(help, boxes);

  const maps = h("div", { class: "sa-att-tables", role: "group" });
  const summaryLine = h("p", { class: "sa-att-summary" });
  frame.figure.append(maps, summaryLine);
  const projections = h("div", { class: "sa-att-tables" });
  const outputs = h("div", { class: "sa-att-tables" });
  const noteLine = h("p", { class: "sa-att-note" });
  frame.table.append(projections, outputs, noteLine);

  const draw = (state) => {
    const view = computeView(state, fixed); // throws before anything is drawn
    const { tokens, names } = view;
    showTables(maps, [
      heatmapTable({ matrix: view.scores, rows: tokens, cols: tokens, caption: scoresCaption(view) }),
      heatmapTable({ matrix: view.weights, rows: tokens, cols: tokens, vmin: 0, vmax: 1,
                     caption: "Attention weights: softmax of each row; each row sums to 1." }),
    ]);
    showTables(projections, [
      numberTable({ matrix: view.queries, rows: tokens, cols: names.q, caption: "Queries Q = X W_Q" }),
      numberTable({ matrix: view.keys, rows: tokens, cols: names.k, caption: "Keys K = X W_K" }),
      numberTable({ matrix: view.values, rows: tokens, cols: names.v, caption: "Values V = X W_V" }),
    ]);
    showTables(outputs, [numberTable({ matrix: view.output, rows: tokens, cols: names.v, digits: 3,
                                       caption: "Output: weights × V, one new vector per token" })]);
    maps.setAttribute("aria-label", view.describe);
    summaryLine.textContent = view.describe;
    noteLine.textContent = state.note;
    return view;
  };
  const shown = (view, state, source) => {
    select.value = presetName(state, fixed.presets);
    if (source !== box) box.value = state.tokens.join(" ");
    checkbox.checked = state.scaling;
    if (source !== temperature) temperature.set(state.temperature);
    for (const [key, area] of Object.entries(areas)) {
      area.value = formatMatrix(state[key]); // what is in use, in full (typed text included)
      area.setAttribute("aria-invalid", "false");
      fitBox(area);
    }
    box.setAttribute("aria-invalid", "false"); // no control keeps showing text that is not in use
  };
  const binding = bindState(model, frame, { keys: KEYS, draw, shown });
  return () => binding.dispose();
}

export default { render };
