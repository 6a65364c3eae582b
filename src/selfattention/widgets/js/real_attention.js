// The real-attention explorer's front end: a sentence (a preset, or typed), a layer and a
// head of all-MiniLM-L6-v2; that head's attention weights as a heatmap table, and the
// strongest links between words.
//
// The page carries the weights of all 72 heads for every preset sentence (presets), and
// for the latest sentence the kernel ran (computed): each weight as the two decimals the
// cells show, in hundredths (0 to 100), packed as an order-1 Exp-Golomb bit string in
// base64 (real_attention_explorer.pack_hundredths). So choosing a sentence, a layer or a
// head redraws at once, with no kernel. A sentence that is not among them needs the model:
// in JupyterLab it is sent to the kernel (model.send), which runs it and answers with the
// `computed` trait; on the website (model.hasKernel === false) the widget says it needs one.
// State (the model's keys): sentence, layer, head; fixed: presets, model, computed; plus
// title and error from the shared base.

import { bindState, createFrame, formatG, h, numberControl, uid } from "./frame.js";
import { cellColour, formatFixed, heatmapTable } from "./tables.js";

const SPECIAL = ["[CLS]", "[SEP]"];

function fail(message) {
  throw new Error(message);
}

// -- the shipped weights ---------------------------------------------------------------------

/** The `count` whole numbers that pack_hundredths wrote into the base64 text `text`. */
export function unpackHundredths(text, count) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const total = bytes.length * 8;
  const out = new Uint8Array(count);
  let pos = 0;
  const bit = () => (bytes[pos >> 3] >> (7 - (pos++ & 7))) & 1;
  for (let n = 0; n < count; n++) {
    let zeros = 0;
    while (pos < total && ((bytes[pos >> 3] >> (7 - (pos & 7))) & 1) === 0) { zeros += 1; pos += 1; }
    if (pos + zeros + 2 > total) fail(`the packed text holds fewer than ${count} numbers`);
    let w = 0;
    for (let k = 0; k < zeros + 2; k++) w = w * 2 + bit(); // w = v + 2, in zeros + 2 bits
    if (w - 2 > 100) fail(`a packed weight reads ${w - 2} hundredths, more than 100`);
    out[n] = w - 2;
  }
  return out;
}

const decoded = new WeakMap();

/** One head's weights in hundredths, (T, T), from a sentence's payload (decoded once). */
export function headHundredths(entry, layer, head, model) {
  const T = entry.tokens.length;
  if (!decoded.has(entry)) {
    decoded.set(entry, unpackHundredths(entry.weights, model.n_layers * model.n_heads * T * T));
  }
  const all = decoded.get(entry); // (L, H, T, T), flat
  const start = (layer * model.n_heads + head) * T * T;
  return Array.from({ length: T }, (_, i) => Array.from(all.subarray(start + i * T, start + (i + 1) * T)));
}

// -- what the widget says ------------------------------------------------------------------

/** The n largest weights (hundredths) between two different ordinary tokens; ties in reading order. */
export function strongestLinks(tokens, hundredths, n = 3) {
  const cells = [];
  tokens.forEach((query, i) => tokens.forEach((key, j) => {
    if (i !== j && !SPECIAL.includes(query) && !SPECIAL.includes(key)) cells.push([query, key, hundredths[i][j]]);
  }));
  return cells.sort((a, b) => b[2] - a[2]).slice(0, n); // a stable sort keeps reading order
}

/** The mean share of a token's attention on [CLS] and [SEP], in percent. */
export function specialShare(tokens, hundredths) {
  let total = 0;
  hundredths.forEach((row) => row.forEach((k, j) => { if (SPECIAL.includes(tokens[j])) total += k; }));
  return total / tokens.length; // hundredths are percents
}

function checkWhole(value, name, high) {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    fail(`${name} must be an int, got ${typeof value === "number" ? formatG(value) : typeof value}`);
  }
  if (value < 0 || value > high) fail(`${name} must be an int from 0 to ${high}, got ${value}`);
  return value;
}

/** What a typed sentence says on a page with no kernel. */
export function needsKernel(text) {
  return `"${text}" is not one of the preset sentences, and running the model on a new ` +
    "sentence needs a kernel: launch on Binder or run locally (the rocket button at the top " +
    "of the page), or pick a preset sentence";
}

/** The payload of a sentence: a preset, or the one the kernel computed; null if neither. */
export function findSentence(text, presets, computed) {
  return presets.find((entry) => entry.sentence === text) ??
    (computed && computed.sentence === text ? computed : null);
}

/** Python's str.strip() and the package's check for an empty sentence. */
export function cleanSentence(text) {
  if (typeof text !== "string") fail(`sentence must be a string, got ${typeof text}`);
  const trimmed = text.trim();
  if (!trimmed) fail("sentence is empty; type at least one word");
  return trimmed;
}

/** Everything the widget shows for a state {sentence, layer, head}; throws if unusable. */
export function computeView(state, fixed) {
  const { model, presets, computed } = fixed;
  const layer = checkWhole(state.layer, "layer", model.n_layers - 1);
  const head = checkWhole(state.head, "head", model.n_heads - 1);
  const text = cleanSentence(state.sentence);
  const entry = findSentence(text, presets, computed);
  if (!entry) fail(needsKernel(text));
  const hundredths = headHundredths(entry, layer, head, model);
  const tokens = entry.tokens;
  return {
    sentence: entry.sentence, tokens, layer, head, hundredths, model: model.name,
    weights: hundredths.map((row) => row.map((k) => k / 100)),
    links: strongestLinks(tokens, hundredths),
    share: specialShare(tokens, hundredths),
  };
}

/** The text under the heatmap (RealAttentionExplorer.summary). */
export function summary(view) {
  const links = view.links.map(([q, k, w]) => `${q} → ${k} ${formatFixed(w / 100)}`).join("; ");
  return `Strongest links between two different words in this head: ${links}. ` +
    `On average a token here gives ${formatFixed(view.share, 0)}% of its attention to [CLS] and [SEP].`;
}

/** The heatmap in one sentence (RealAttentionExplorer.describe, the snapshot's alt text). */
export function describe(view) {
  const links = view.links.map(([q, k, w]) => `${q} to ${k} ${formatFixed(w / 100)}`).join("; ");
  return `Heatmap of the attention weights of layer ${view.layer}, head ${view.head} of ` +
    `${view.model} for the ${view.tokens.length} tokens of '${view.sentence}'; rows are the ` +
    `attending tokens, columns the attended ones. Strongest links between different words: ${links}.`;
}

// -- drawing -------------------------------------------------------------------------------

const CSS = `
.sa-live .sa-real-row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem 0.5rem;
  margin: 0 0 0.45rem; }
.sa-live .sa-real-row > label { min-width: 7.5em; font-weight: bold; }
.sa-live select.sa-real-select { font: inherit; flex: 1 1 20em; min-width: 0; max-width: 100%;
  padding: 0.1rem 0.2rem; border: 1px solid #888; border-radius: 3px; background: #fff; color: #222; }
.sa-live input.sa-real-box { font: inherit; flex: 1 1 16em; min-width: 0; padding: 0.1rem 0.3rem;
  border: 1px solid #888; border-radius: 3px; background: #fff; color: #222; }
.sa-live input.sa-real-box[aria-invalid=true] { border-color: #a00000; outline: 1px solid #a00000; }
.sa-live button.sa-real-run { font: inherit; padding: 0.15rem 0.6rem; background: #fff; color: #222;
  border: 1px solid #888; border-radius: 3px; cursor: pointer; }
.sa-live p.sa-real-status:empty { display: none; }
.sa-live p.sa-real-status { margin: 0 0 0.45rem; color: #444; font-style: italic; }
.sa-live .sa-real-scroll { max-width: 100%; overflow-x: auto; }
.sa-live table.sa-heatmap.sa-real-heatmap { font-size: 12px; }
.sa-live table.sa-heatmap.sa-real-heatmap.sa-real-long { font-size: 11px; }
.sa-live table.sa-heatmap.sa-real-heatmap th, .sa-live table.sa-heatmap.sa-real-heatmap td { padding: 1px 3px; }
.sa-live table.sa-heatmap.sa-real-heatmap td { min-width: 0; }
.sa-live table.sa-heatmap.sa-real-heatmap.sa-real-long td { padding: 1px 2px; }
.sa-live table.sa-heatmap.sa-real-heatmap thead th:first-child { white-space: normal; }
.sa-live table.sa-heatmap.sa-real-heatmap thead th + th { writing-mode: vertical-rl; transform: rotate(180deg);
  text-align: left; white-space: nowrap; }
.sa-live table.sa-heatmap.sa-real-heatmap tbody th { max-width: 7em; overflow-wrap: anywhere; }
.sa-live table.sa-heatmap.sa-real-heatmap caption { font-size: 13px; font-weight: normal; max-width: 44em; }
.sa-live p.sa-real-summary { margin: 0.6rem 0 0; }
`;

function injectRealStyle(doc) {
  if (doc.getElementById("sa-real-style")) return;
  const style = doc.createElement("style");
  style.id = "sa-real-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
}

// The first table of a sentence is drawn by heatmapTable. A redraw for the same tokens
// (another layer or head) only writes the new cells' text and colours into the table on
// screen: a weight is a whole number of hundredths, so its text and colours come from a
// table of the 101 possible values, made once with heatmapTable's own formatFixed and
// cellColour. Far less work for the browser than a new table.
const CELLS = Array.from({ length: 101 }, (_, k) => {
  const [background, foreground] = cellColour(k / 100, 0, 1);
  return { text: formatFixed(k / 100), style: `background:${background};color:${foreground}` };
});

function drawTable(scroll, view, caption) {
  const key = view.tokens.join("\u0001");
  const old = scroll.firstElementChild;
  if (old && old.dataset.tokens === key && old.saCells) {
    old.caption.textContent = caption + old.saLegend;
    view.hundredths.forEach((row, i) => row.forEach((k, j) => {
      const cell = old.saCells[i][j], { text, style } = CELLS[k];
      if (cell.textContent !== text) cell.textContent = text;
      if (cell.getAttribute("style") !== style) cell.setAttribute("style", style);
    }));
    return;
  }
  const table = heatmapTable({ matrix: view.weights, rows: view.tokens, cols: view.tokens,
                               vmin: 0, vmax: 1, caption });
  table.classList.add("sa-real-heatmap");
  if (view.tokens.length > 16) table.classList.add("sa-real-long");
  table.dataset.tokens = key;
  table.saLegend = table.caption.textContent.slice(caption.length); // " Colour: ..."
  table.saCells = [...table.tBodies[0].rows].map((row) => [...row.cells].slice(1));
  scroll.replaceChildren(table);
}

const TYPED = "__typed__";

function render({ model, el }) {
  const frame = createFrame(el, model);
  injectRealStyle(el.ownerDocument); // after the frame's style, so these rules come later
  const info = model.get("model");
  const presets = model.get("presets");
  const fixed = () => ({ model: info, presets, computed: model.get("computed") });

  // the sentence: a preset from the list, or one of your own
  const selectId = uid("sa-real-sentence");
  const select = h("select", { id: selectId, class: "sa-real-select" }, [
    h("option", { value: TYPED, disabled: "" }, "your sentence (typed below)"),
    ...presets.map((entry) => h("option", { value: entry.sentence }, entry.sentence)),
  ]);
  select.addEventListener("change", () => {
    if (select.value !== TYPED) binding.apply({ sentence: select.value }, select);
  });
  const boxId = uid("sa-real-typed");
  const box = h("input", { type: "text", id: boxId, class: "sa-real-box", autocomplete: "off",
                           spellcheck: "false",
                           placeholder: `any sentence, up to ${info.max_tokens} word pieces` });
  const run = h("button", { type: "button", class: "sa-real-run" }, "run");
  const status = h("p", { class: "sa-real-status", "aria-live": "polite" });
  const rows = [
    h("div", { class: "sa-real-row" }, [h("label", { for: selectId }, "sentence"), select]),
    h("div", { class: "sa-real-row" }, [h("label", { for: boxId }, "your sentence"), box, run]),
    status,
  ];
  rows.forEach((row) => frame.root.insertBefore(row, frame.controls));

  const refuse = (text) => {
    box.setAttribute("aria-invalid", "true");
    frame.showMessage(text);
  };
  const applyTyped = () => {
    let text;
    try {
      text = cleanSentence(box.value);
    } catch (error) {
      refuse(error.message);
      return;
    }
    if (findSentence(text, presets, model.get("computed"))) {
      binding.apply({ sentence: text }, box);
    } else if (model.hasKernel === false) {
      refuse(needsKernel(text)); // the website: no kernel to run the model
    } else {
      frame.clearMessage();
      box.setAttribute("aria-invalid", "false");
      status.textContent = "Running the model on your sentence in the kernel…";
      model.send({ kind: "encode", sentence: text });
    }
  };
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") applyTyped(); });
  run.addEventListener("click", (event) => { event.stopPropagation(); applyTyped(); });
  const onCustom = (content) => {
    if (content && content.kind === "encoded") {
      status.textContent = "";
      if (!content.ok) box.setAttribute("aria-invalid", "true");
    }
  };
  model.on("msg:custom", onCustom);

  // the layer and the head
  const whole = (name, high) => numberControl({
    label: name, min: 0, max: high, step: 1, value: model.get(name), round: Math.round,
    onValue: (v) => {
      if (!Number.isInteger(v)) {
        frame.showMessage(`${name} must be an int, got ${formatG(v)}`);
        return false;
      }
      const accepted = binding.apply({ [name]: v }, controls[name]);
      if (!accepted) controls[name].slider.value = String(binding.state[name]);
      return accepted;
    },
    onError: (text) => frame.showMessage(text),
  });
  const controls = {};
  controls.layer = whole("layer", info.n_layers - 1);
  controls.head = whole("head", info.n_heads - 1);
  controls.layer.mount(frame.controls);
  controls.head.mount(frame.controls);

  // Up to 16 tokens the table fits the page's column; a longer sentence scrolls sideways
  // inside this box (never the page), which the keyboard can scroll too (tabindex).
  const scroll = h("div", { class: "sa-real-scroll", role: "group", tabindex: "0" });
  const note = h("p", { class: "sa-real-summary" });
  frame.figure.append(scroll);
  frame.table.append(note);

  const draw = (state) => {
    const view = computeView(state, fixed()); // throws before anything is drawn
    drawTable(scroll, view, `Layer ${view.layer}, head ${view.head}: attention weights (rows: ` +
      `queries, columns: keys), to the 2 decimals the widget stores (at most ` +
      `${info.max_error} from the model's own).`);
    scroll.setAttribute("aria-label", describe(view));
    note.textContent = summary(view);
    return view;
  };
  const shown = (view, state, source) => {
    const preset = presets.some((entry) => entry.sentence === view.sentence);
    select.value = preset ? view.sentence : TYPED;
    if (source !== box) box.value = preset ? "" : view.sentence;
    box.setAttribute("aria-invalid", "false");
    status.textContent = "";
    for (const name of ["layer", "head"]) if (source !== controls[name]) controls[name].set(state[name]);
    for (const name of ["layer", "head"]) controls[name].resetIfInvalid();
  };
  const onError = () => { if (model.get("error")) status.textContent = ""; };
  model.on("change:error", onError);
  const binding = bindState(model, frame, { keys: ["sentence", "layer", "head"], draw, shown });
  return () => {
    model.off("msg:custom", onCustom);
    model.off("change:error", onError);
    binding.dispose();
  };
}

export default { render };
