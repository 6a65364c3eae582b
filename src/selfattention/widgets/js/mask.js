// The mask explorer's front end: a sentence (one of the book's, or typed), a mask (none,
// causal, or padding of the last k tokens) and a number of heads; one heatmap of
// attention weights per head, masked cells reading "masked" (weight exactly 0).
//
// Everything shown is computed here, from what the page state ships: the toy vocabulary
// (a typed sentence is tokenized and embedded by the package's rule, below) and the
// seeded projections w_q, w_k, w_v, w_o that the Python class drew. So the weights are
// those of selfattention.multihead.multi_head_attention (tests/test_js_mask.py checks it
// to 1e-6); in JupyterLab the state also goes to the kernel, which recomputes `.weights`.
// State (the model's keys): sentence, mask, n_heads, pad; fixed: presets, vocabulary,
// features, projections, choices; plus title and error from the shared base.

import { matmul, scaledDotProductAttention } from "./attention_math.js";
import { bindState, createFrame, formatG, h, numberControl, uid } from "./frame.js";
import { embedKnown as embedSentence, tokenize } from "./embeddings.js";
import { formatFixed, heatmapTable, showTables } from "./tables.js";

function fail(message) {
  throw new Error(message);
}

// -- masks and heads ---------------------------------------------------------------------

/** The (T, T) mask of booleans: true where query i may attend to key j (mask_explorer.allowed_pairs). */
export function allowedPairs(kind, n, pad) {
  if (kind === "none") return Array.from({ length: n }, () => Array(n).fill(true));
  if (kind === "causal") return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => j <= i));
  if (pad >= n) {
    fail(`padding the last ${pad} of ${n} tokens leaves no real token to attend to; choose k below ${n}`);
  }
  return Array.from({ length: n }, () => Array.from({ length: n }, (_, j) => j < n - pad));
}

/**
 * Multi-head self-attention, as selfattention.multihead.multi_head_attention: project once,
 * cut the columns into nHeads equal slices, attend in each head, lay the heads side by
 * side and mix them with wO. Returns {output (T, d_out), weights (H, T, T)}.
 */
export function multiHeadAttention(x, wQ, wK, wV, wO, nHeads, mask = null) {
  if (!Number.isInteger(nHeads) || nHeads < 1) fail(`n_heads must be a whole number >= 1, got ${nHeads}`);
  for (const [name, w] of [["w_q", wQ], ["w_v", wV]]) {
    if (w[0].length % nHeads) fail(`n_heads=${nHeads} does not divide the ${w[0].length} columns of ${name}`);
  }
  const queries = matmul(x, wQ, ["x", "w_q"]); // (T, d_model) @ (d_model, H*d_k) -> (T, H*d_k)
  const keys = matmul(x, wK, ["x", "w_k"]);
  const values = matmul(x, wV, ["x", "w_v"]); // (T, H*d_v)
  const dK = wQ[0].length / nHeads, dV = wV[0].length / nHeads;
  const cut = (m, head, d) => m.map((row) => row.slice(head * d, (head + 1) * d));
  const outputs = [], weights = [];
  for (let head = 0; head < nHeads; head++) {
    const result = scaledDotProductAttention(cut(queries, head, dK), cut(keys, head, dK),
                                             cut(values, head, dV), { mask });
    outputs.push(result.output); // (T, d_v)
    weights.push(result.weights); // (T, T)
  }
  const concatenated = x.map((_, t) => outputs.flatMap((out) => out[t])); // (T, H*d_v)
  return { output: matmul(concatenated, wO, ["heads", "w_o"]), weights };
}

function checkWhole(value, name, low, high) {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    fail(`${name} must be a whole number, got ${typeof value === "number" ? formatG(value) : typeof value}`);
  }
  if (value < low || value > high) fail(`${name} must be a whole number from ${low} to ${high}, got ${value}`);
  return value;
}

/** Everything the heatmaps show for one state {sentence, mask, n_heads, pad}; throws if unusable. */
export function computeView(state, fixed) {
  const { masks, heads, max_tokens: maxTokens } = fixed.choices;
  if (!masks.includes(state.mask)) fail(`mask must be one of ${masks.join(", ")}, got '${state.mask}'`);
  const nHeads = checkWhole(state.n_heads, "n_heads", 1, Math.max(...heads));
  if (!heads.includes(nHeads)) fail(`n_heads must be one of ${heads.join(", ")}, got ${nHeads}`);
  const pad = checkWhole(state.pad, "pad", 1, maxTokens - 1);
  const { tokens, x } = embedSentence(state.sentence, fixed.vocabulary, maxTokens);
  const allowed = allowedPairs(state.mask, tokens.length, pad);
  const p = fixed.projections;
  const { weights } = multiHeadAttention(x, p.w_q, p.w_k, p.w_v, p.w_o, nHeads, allowed);
  const masked = allowed.flat().filter((a) => !a).length;
  return { tokens, allowed, weights, masked, mask: state.mask, nHeads, dHead: fixed.features.length / nHeads };
}

/** The line under the heatmaps (MaskExplorer.summary). */
export function summary(view) {
  const n = view.tokens.length;
  return `${n} tokens, ${view.nHeads} head(s) of ${view.dHead} numbers each; ` +
    `${view.masked} of ${n * n} query-key pairs masked.`;
}

/** The heatmaps in one sentence (MaskExplorer.describe, the snapshot's alt text). */
export function describe(view) {
  const { tokens, weights } = view;
  const last = tokens[tokens.length - 1];
  const tops = weights.map((matrix, head) => {
    const row = matrix[matrix.length - 1];
    const best = row.indexOf(Math.max(...row));
    return `head ${head + 1}: '${last}' attends most to '${tokens[best]}' (${formatFixed(row[best])})`;
  }).join("; ");
  const maps = view.nHeads === 1 ? "One heatmap" : `${view.nHeads} heatmaps, one per head,`;
  return `${maps} of attention weights for the sentence '${tokens.join(" ")}' ` +
    `with mask '${view.mask}'. Rows are queries, columns keys; ${view.masked} masked cells ` +
    `have weight exactly 0. ${tops}.`;
}

// -- drawing -------------------------------------------------------------------------------

const CSS = `
.sa-live .sa-mask-row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem 0.4rem;
  margin: 0 0 0.45rem; }
.sa-live .sa-mask-row > .sa-mask-label { min-width: 7.5em; font-weight: bold; }
.sa-live button.sa-choice { font: inherit; padding: 0.15rem 0.55rem; background: #fff; color: #222;
  border: 1px solid #888; border-radius: 3px; cursor: pointer; }
.sa-live button.sa-choice[aria-checked=true] { background: #2f6c8e; color: #fff; border-color: #2f6c8e;
  font-weight: bold; }
.sa-live input.sa-sentence-box { font: inherit; flex: 1 1 16em; min-width: 10em; padding: 0.1rem 0.3rem;
  border: 1px solid #888; border-radius: 3px; background: #fff; color: #222; }
.sa-live input.sa-sentence-box[aria-invalid=true] { border-color: #a00000; outline: 1px solid #a00000; }
.sa-live .sa-mask-heads { display: flex; flex-wrap: wrap; gap: 0 1rem; }
.sa-live .sa-mask-heads table.sa-heatmap { font-size: 13px; }
.sa-live .sa-mask-heads table.sa-heatmap th, .sa-live .sa-mask-heads table.sa-heatmap td {
  padding: 0.1rem 0.25rem; }
.sa-live .sa-mask-heads table.sa-heatmap td { min-width: 3.2em; }
.sa-live .sa-mask-heads table.sa-heatmap caption { font-size: 14px; max-width: 36em; }
.sa-live p.sa-mask-summary { margin: 0.6rem 0 0; }
`;

function injectMaskStyle(doc) {
  if (doc.getElementById("sa-mask-style")) return;
  const style = doc.createElement("style");
  style.id = "sa-mask-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
}

function choiceRow(label, options, onPick) {
  const id = uid("sa-mask-label");
  const row = h("div", { class: "sa-mask-row", role: "radiogroup", "aria-labelledby": id, "data-group": label },
                [h("span", { class: "sa-mask-label", id }, label)]);
  const buttons = options.map((option) => {
    const button = h("button", { type: "button", role: "radio", class: "sa-choice",
                                 "aria-checked": "false", "data-value": String(option) }, String(option));
    button.addEventListener("click", (event) => {
      // The page's own click handlers (the theme's Bootstrap searches the whole document on
      // every click) would take most of the frame; the widget's buttons need none of them.
      event.stopPropagation();
      onPick(option);
    });
    row.append(button);
    return button;
  });
  const show = (value) => buttons.forEach((button, k) => {
    button.setAttribute("aria-checked", String(options[k] === value));
  });
  return { row, buttons, show };
}

function render({ model, el }) {
  injectMaskStyle(el.ownerDocument);
  const frame = createFrame(el, model);
  const fixed = {
    vocabulary: model.get("vocabulary"), features: model.get("features"),
    projections: model.get("projections"), choices: model.get("choices"),
  };
  const presets = model.get("presets");
  const { masks, heads, max_tokens: maxTokens, pad_label: padLabel } = fixed.choices;

  const sentences = choiceRow("sentence", presets, (text) => chooseSentence(text, null));
  const boxId = uid("sa-mask-sentence");
  const box = h("input", { type: "text", id: boxId, class: "sa-sentence-box", autocomplete: "off",
                           spellcheck: "false", placeholder: `words of the toy vocabulary, up to ${maxTokens}` });
  const showButton = h("button", { type: "button", class: "sa-choice sa-show" }, "show");
  const custom = h("div", { class: "sa-mask-row" }, [
    h("label", { class: "sa-mask-label", for: boxId }, "your sentence"), box, showButton]);
  const applyBox = () => {
    if (!chooseSentence(box.value, box)) box.setAttribute("aria-invalid", "true");
  };
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") applyBox(); });
  showButton.addEventListener("click", (event) => { event.stopPropagation(); applyBox(); });
  const maskRow = choiceRow("mask", masks, (kind) => binding.apply({ mask: kind }, null));
  const headRow = choiceRow("heads", heads, (n) => binding.apply({ n_heads: n }, null));
  const padControl = numberControl({
    label: padLabel, min: 1, max: maxTokens - 1, step: 1, value: model.get("pad"), round: Math.round,
    onValue: (v) => {
      if (!Number.isInteger(v)) {
        frame.showMessage(`${padLabel} must be a whole number, got ${formatG(v)}`);
        return false;
      }
      const accepted = binding.apply({ pad: v }, padControl);
      if (!accepted) padControl.slider.value = String(binding.state.pad);
      return accepted;
    },
    onError: (text) => frame.showMessage(text),
  });
  padControl.mount(frame.controls);
  for (const part of [sentences.row, custom, maskRow.row, headRow.row]) {
    frame.root.insertBefore(part, frame.controls);
  }
  const heatmaps = h("div", { class: "sa-mask-heads", role: "group" });
  const note = h("p", { class: "sa-mask-summary" });
  frame.figure.append(heatmaps);
  frame.table.append(note);

  // A new sentence keeps the padding usable: k drops to T - 1 if the sentence is shorter.
  const chooseSentence = (text, source) => {
    const change = { sentence: text };
    const { mask, pad } = binding.state;
    if (mask === "padding") {
      try {
        const n = tokenize(text).length;
        if (n >= 2 && pad >= n) change.pad = n - 1;
      } catch { /* computeView says what is wrong with the text */ }
    }
    return binding.apply(change, source);
  };

  const draw = (state) => {
    const view = computeView(state, fixed); // throws before anything is drawn
    const tables = view.weights.map((matrix, head) => heatmapTable({
      matrix, rows: view.tokens, cols: view.tokens, vmin: 0, vmax: 1,
      caption: `Head ${head + 1} of ${view.nHeads}: attention weights (rows: queries, columns: keys).`,
      masked: (i, j) => !view.allowed[i][j],
    }));
    showTables(heatmaps, tables);
    heatmaps.setAttribute("aria-label", describe(view));
    note.textContent = summary(view);
    return view;
  };
  const shown = (view, state, source) => {
    sentences.show(state.sentence);
    maskRow.show(state.mask);
    headRow.show(state.n_heads);
    if (source !== padControl) padControl.set(state.pad);
    if (source !== box) box.value = presets.includes(state.sentence) ? "" : state.sentence;
    box.setAttribute("aria-invalid", "false"); // no control keeps showing text that is not in use
  };
  const binding = bindState(model, frame, { keys: ["sentence", "mask", "n_heads", "pad"], draw, shown });
  return () => binding.dispose();
}

export default { render };
