// The training explorer's front end: a slider (and a box for the step) through the
// training run's saved checkpoints, a choice of sentence (buttons, or type your own), the
// sentence's attention with that checkpoint's weights as a heatmap table, and the loss
// curve (SVG) with a marker at the checkpoint.
//
// The training ran once, in the chapter. The page carries what the attention needs: the
// frozen embedding table (task.embeddings) and every checkpoint's W_Q and W_K
// (training.w_q, training.w_k), as the float32 numbers torch used (Math.fround turns the
// short decimals back into them). So the attention of any sentence of the task's words is
// computed here, softmax(X W_Q (X W_K)^T / sqrt(d_k)), with no kernel.
// State (the model's keys): checkpoint (an index), sentence (text); fixed: presets, task,
// training; plus title and error from the shared base.

import { matmul, scaledDotProductAttention } from "./attention_math.js";
import { bindState, checkRange, createFrame, h, parseNumber, s, uid } from "./frame.js";
import { formatFixed, heatmapTable, showTables } from "./tables.js";

function fail(message) {
  throw new Error(message);
}

// -- reading a sentence exactly as selfattention.toy_task.example_from_text does --------

// The characters Python's str.split() splits on (str.isspace), which \s does not match.
const PY_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python's str.split() with no argument: split on runs of whitespace, no empty words. */
export function pySplit(text) {
  return text.split(PY_SPACE).filter((word) => word !== "");
}

/** Python's repr() of a str, as the package's error messages write it. */
export function pyRepr(text) {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const hex = (code, width) => code.toString(16).padStart(width, "0");
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && (code < 0x20 || code === 0x7f || NOT_PRINTABLE.test(ch))) {
      out += code <= 0xff ? `\\x${hex(code, 2)}` : code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
    } else out += ch;
  }
  return out + quote;
}

/**
 * A typed sentence as an example {tokens, label, target, context}, or an Error with the
 * package's own message: example_from_text's rules (the task's words only, apple once,
 * exactly one context word), then the explorer's limit of task.max_tokens tokens.
 */
export function exampleFromText(text, task) {
  if (typeof text !== "string") fail(`sentence must be a str, got ${typeof text} ${text}`);
  const tokens = pySplit(text.toLowerCase());
  const known = new Set(task.vocab);
  const unknown = tokens.filter((t) => !known.has(t) || t === task.pad);
  if (unknown.length) {
    fail(`unknown word(s) [${unknown.map(pyRepr).join(", ")}]; the task's words are: ` +
         `${task.vocab.filter((w) => w !== task.pad).join(", ")}`);
  }
  const apple = task.ambiguous;
  if (tokens.filter((t) => t === apple).length !== 1) {
    fail(`the sentence must contain ${pyRepr(apple)} exactly once: ${pyRepr(text)}`);
  }
  const found = [];
  tokens.forEach((token, i) => task.context_words.forEach((words, label) => {
    if (words.includes(token)) found.push([i, label]);
  }));
  if (found.length !== 1) {
    fail(`the sentence must contain exactly one context word, found ${found.length}: ${pyRepr(text)}`);
  }
  const [[context, label]] = found;
  if (tokens.length > task.max_tokens) {
    fail(`sentence must have at most ${task.max_tokens} tokens, got ${tokens.length}: ` +
         `${pyRepr(tokens.join(" "))}`);
  }
  return { tokens, label, target: tokens.indexOf(apple), context };
}

// -- the attention of a sentence at a checkpoint ---------------------------------------

const prepared = new WeakMap();

/** The shipped numbers as float32 values (exactly torch's), computed once per page. */
function exact(task, training) {
  if (!prepared.has(training)) {
    const f32 = (m) => m.map((row) => row.map((v) => Math.fround(v)));
    prepared.set(training, {
      embeddings: f32(task.embeddings),
      ids: new Map(task.vocab.map((word, i) => [word, i])),
      wQ: training.w_q.map(f32),
      wK: training.w_k.map(f32),
      loss: training.loss.map(Math.fround),
      accuracy: training.accuracy.map(Math.fround),
      contextAttention: training.context_attention.map(Math.fround),
      uniform: training.uniform.map(Math.fround),
    });
  }
  return prepared.get(training);
}

/** The (T, T) attention weights of a sentence's tokens with checkpoint `index`'s weights. */
export function attentionAt(tokens, index, task, training) {
  const data = exact(task, training);
  const x = tokens.map((t) => data.embeddings[data.ids.get(t)]); // (T, d_model)
  const queries = matmul(x, data.wQ[index], ["x", "w_q"]); // (T, d_model) @ (d_model, d_k)
  const keys = matmul(x, data.wK[index], ["x", "w_k"]); // (T, d_model) @ (d_model, d_k)
  return scaledDotProductAttention(queries, keys, keys).weights; // softmax(Q K^T / sqrt(d_k))
}

function checkIndex(value, n) {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    fail(`checkpoint must be an int, got ${typeof value} ${value}`);
  }
  if (value < 0 || value > n - 1) fail(`checkpoint must be an int from 0 to ${n - 1}, got ${value}`);
  return value;
}

/** The checkpoint index of a typed training step, or an Error saying which steps exist. */
export function stepIndex(text, steps) {
  const last = steps[steps.length - 1];
  const step = checkRange(parseNumber(text, "training step"), 0, last, "training step");
  const index = steps.indexOf(step);
  if (index >= 0) return index;
  const after = steps.findIndex((v) => v > step);
  fail(`no checkpoint was saved at step ${step}; the nearest are steps ` +
       `${steps[after - 1]} and ${steps[after]}`);
}

const pct = (v) => `${formatFixed(v * 100, 1)}%`;

/** Everything the widget shows for a state {checkpoint, sentence}; throws for a bad one. */
export function computeView(state, presets, task, training) {
  const data = exact(task, training);
  const index = checkIndex(state.checkpoint, training.steps.length);
  const example = exampleFromText(state.sentence, task);
  const weights = attentionAt(example.tokens, index, task, training);
  const steps = training.steps, last = steps.length - 1, apple = task.ambiguous;
  const step = steps[index], loss = data.loss[index];
  const row = weights[example.target];
  const text = example.tokens.join(" ");
  const contextWord = example.tokens[example.context];
  const status = `Step ${step} of ${steps[last]}: training loss ${formatFixed(loss, 3)}, ` +
    `held-out accuracy ${pct(data.accuracy[index])}, held-out mean weight from ${apple} to its ` +
    `context word ${formatFixed(data.contextAttention[index])} (an even split would give ` +
    `${formatFixed(data.uniform[index])}). In this sentence (${task.labels[example.label]}), ` +
    `${apple} gives ${contextWord} ${formatFixed(row[example.context])} and itself ` +
    `${formatFixed(row[example.target])}.`;
  const curve = `The training loss falls from ${formatFixed(data.loss[0])} to ` +
    `${formatFixed(data.loss[last], 3)} while the held-out mean weight from ${apple} to its ` +
    `context word (dashed) rises from ${formatFixed(data.contextAttention[0])} to ` +
    `${formatFixed(data.contextAttention[last])}; a marker shows step ${step}, where the loss ` +
    `is ${formatFixed(loss, 3)}.`;
  const describe = `Top: heatmap of the attention weights for the sentence '${text}' at ` +
    `training step ${step}; the ${apple} row gives ${contextWord} ` +
    `${formatFixed(row[example.context])} and ${apple} itself ${formatFixed(row[example.target])}. ` +
    `Bottom: ${curve}`;
  return {
    index, step, loss, example, text, weights, status, curve, describe,
    preset: presets.includes(state.sentence) ? state.sentence : null,
    caption: `Attention weights of “${text}” at step ${step}.`,
  };
}

// -- drawing -----------------------------------------------------------------------------

/** The heatmap table: drawn afresh, and refilled in place while the tokens stay the same. */
function heatmapHolder(holder) {
  return (view) => {
    const tokens = view.example.tokens;
    const table = heatmapTable({ matrix: view.weights, rows: tokens, cols: tokens,
                                 caption: view.caption, vmin: 0, vmax: 1 });
    table.classList.add("sa-training-heatmap");
    if (tokens.length > 8) table.classList.add("sa-compact"); // 12 words still fit the column
    showTables(holder, [table]);
  };
}

function niceStep(span, count) {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * power;
}

const ATTENTION_COLOUR = "#33638d"; // viridis(0.35), as in the snapshot

/** The loss curve: drawn once; a change moves only the marker and the text. */
function lossCurve(training, data) {
  const width = 600, height = 300, left = 54, right = 56, top = 50, bottom = 42;
  const plotW = width - left - right, plotH = height - top - bottom;
  const steps = training.steps, lastStep = steps[steps.length - 1];
  const highest = Math.max(...training.batch_losses, ...data.loss);
  const yStep = niceStep(highest, 4);
  const yMax = Math.ceil(highest / yStep) * yStep;
  const X = (v) => left + (v / lastStep) * plotW;
  const Y = (v) => top + plotH * (1 - v / yMax);
  const R = (v) => top + plotH * (1 - v / 1.02);
  const titleId = uid("sa-train-title"), descId = uid("sa-train-desc");
  const titleEl = s("title", { id: titleId }, "Loss and attention during training");
  const descEl = s("desc", { id: descId });
  const nodes = [titleEl, descEl];
  const line = (points, attrs) => s("polyline", {
    points: points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(" "), fill: "none", ...attrs });
  const text = (x, y, content, attrs = {}) => s("text", { x, y, "font-size": 13, ...attrs }, content);
  // axes, ticks and labels
  nodes.push(s("rect", { x: left, y: top, width: plotW, height: plotH, fill: "none", stroke: "#222" }));
  const xStep = niceStep(lastStep, 6);
  for (let v = 0; v <= lastStep + 1e-9; v += xStep) {
    nodes.push(s("line", { x1: X(v), x2: X(v), y1: top + plotH, y2: top + plotH + 4, stroke: "#222" }),
               text(X(v), top + plotH + 18, String(Math.round(v)), { "text-anchor": "middle" }));
  }
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    nodes.push(s("line", { x1: left - 4, x2: left, y1: Y(v), y2: Y(v), stroke: "#222" }),
               text(left - 7, Y(v) + 4, String(Number(v.toFixed(3))), { "text-anchor": "end" }));
  }
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    nodes.push(s("line", { x1: left + plotW, x2: left + plotW + 4, y1: R(v), y2: R(v), stroke: "#222" }),
               text(left + plotW + 7, R(v) + 4, String(v)));
  }
  nodes.push(
    text(left + plotW / 2, height - 6, "training step", { "text-anchor": "middle" }),
    text(0, 0, "cross-entropy loss", { "text-anchor": "middle", transform: `translate(14 ${top + plotH / 2}) rotate(-90)` }),
    text(0, 0, "attention weight", { "text-anchor": "middle", transform: `translate(${width - 8} ${top + plotH / 2}) rotate(-90)` }),
  );
  // the curves
  nodes.push(
    line(training.batch_losses.map((v, i) => [X(i), Y(v)]), { stroke: "#999", "stroke-width": 1, class: "sa-batch-loss" }),
    line(steps.map((v, i) => [X(v), Y(data.loss[i])]), { stroke: "#111", "stroke-width": 2, class: "sa-loss" }),
    line(steps.map((v, i) => [X(v), R(data.contextAttention[i])]),
         { stroke: ATTENTION_COLOUR, "stroke-width": 2.2, "stroke-dasharray": "7 4", class: "sa-context" }),
  );
  // the legend, two rows above the plot
  const key = (x, y, sample, label) => [sample(x, y), text(x + 30, y + 4, label)];
  const seg = (attrs) => (x, y) => s("line", { x1: x, x2: x + 24, y1: y, y2: y, ...attrs });
  nodes.push(
    ...key(left, 14, seg({ stroke: "#999", "stroke-width": 1 }), "loss of each batch"),
    ...key(left + 250, 14, seg({ stroke: "#111", "stroke-width": 2 }), "training-set loss"),
    ...key(left, 34, seg({ stroke: ATTENTION_COLOUR, "stroke-width": 2.2, "stroke-dasharray": "7 4" }),
           "apple → context (held-out)"),
    ...key(left + 250, 34, (x, y) => s("circle", { cx: x + 12, cy: y, r: 5, fill: "crimson" }), "this checkpoint"),
  );
  // the marker: the only part a change moves
  const marker = s("line", { y1: top, y2: top + plotH, stroke: "crimson", "stroke-width": 1.6,
                             "stroke-dasharray": "2 3", class: "sa-marker" });
  const dot = s("circle", { r: 5.5, fill: "crimson", stroke: "#fff", "stroke-width": 1, class: "sa-marker-dot" });
  const label = text(0, top + 16, "", { class: "sa-marker-label" });
  nodes.push(marker, dot, label);
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "sa-loss-curve",
                         "aria-labelledby": `${titleId} ${descId}` }, nodes);
  const update = (view) => {
    const x = X(view.step);
    marker.setAttribute("x1", x);
    marker.setAttribute("x2", x);
    dot.setAttribute("cx", x);
    dot.setAttribute("cy", Y(view.loss));
    dot.dataset.step = String(view.step);
    dot.dataset.loss = String(view.loss);
    const nearRight = x > left + plotW * 0.8;
    label.setAttribute("x", nearRight ? x - 6 : x + 6);
    label.setAttribute("text-anchor", nearRight ? "end" : "start");
    label.textContent = `step ${view.step}`;
    descEl.textContent = view.curve;
  };
  return { svg, update };
}

// Long sentences: smaller cells (13 px text, no less), so 12 columns fit the 688 px column.
const CSS = `.sa-live table.sa-heatmap.sa-compact { font-size: 13px; }
.sa-live table.sa-heatmap.sa-compact th, .sa-live table.sa-heatmap.sa-compact td {
  padding: 0.1rem 0.2rem; min-width: 2.6em; }`;

function addStyle(doc) {
  if (doc.getElementById("sa-training-style")) return;
  const style = doc.createElement("style");
  style.id = "sa-training-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
}

const BUTTON = "font: inherit; margin: 0 0.3rem 0.4rem 0; padding: 0.2rem 0.6rem; border-radius: 3px; ";
const CHOSEN = `${BUTTON}font-weight: bold; background: #2f6c8e; color: #fff; border: 1px solid #2f6c8e`;
const OTHER = `${BUTTON}background: #fff; color: #222; border: 1px solid #888`;

function render({ model, el }) {
  const frame = createFrame(el, model);
  addStyle(el.ownerDocument);
  const presets = model.get("presets");
  const task = model.get("task");
  const training = model.get("training");
  const data = exact(task, training);
  const steps = training.steps;

  // sentence buttons, above the controls
  const chooser = h("div", { class: "sa-choice", role: "radiogroup", "aria-label": "sentence" });
  const buttons = presets.map((text) => {
    const button = h("button", { type: "button", role: "radio", class: "sa-sentence" }, text);
    button.addEventListener("click", () => apply({ sentence: text }, button));
    chooser.append(button);
    return button;
  });
  frame.root.insertBefore(chooser, frame.controls);

  // the checkpoint: slider (index) and box (training step); then the typed sentence
  const id = uid("sa-train");
  const stepLabel = h("label", { for: `${id}-box` }, "training step");
  const slider = h("input", { type: "range", id: `${id}-slider`, min: "0", max: String(steps.length - 1),
                              step: "1", "aria-label": "training step (slider through the saved checkpoints)" });
  const box = h("input", { type: "text", inputmode: "numeric", class: "sa-number sa-step", id: `${id}-box`,
                           autocomplete: "off", spellcheck: "false",
                           "aria-label": `training step (type a saved step from 0 to ${steps[steps.length - 1]})` });
  const sentenceLabel = h("label", { for: `${id}-sentence` }, "or type a sentence");
  const sentenceBox = h("input", { type: "text", class: "sa-number sa-typed", id: `${id}-sentence`,
                                   autocomplete: "off", spellcheck: "false", style: "grid-column: span 2",
                                   "aria-label": "a sentence of the task's words, with apple once and one context word" });
  frame.controls.append(stepLabel, slider, box, sentenceLabel, sentenceBox);
  slider.addEventListener("input", () => apply({ checkpoint: Number(slider.value) }, slider));
  const typedStep = () => {
    let index;
    try {
      index = stepIndex(box.value, steps);
    } catch (error) {
      box.setAttribute("aria-invalid", "true");
      frame.showMessage(error.message);
      return;
    }
    apply({ checkpoint: index }, box);
  };
  const typedSentence = () => {
    if (!apply({ sentence: sentenceBox.value }, sentenceBox)) sentenceBox.setAttribute("aria-invalid", "true");
  };
  for (const [input, handler] of [[box, typedStep], [sentenceBox, typedSentence]]) {
    input.addEventListener("change", handler);
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") handler(); });
  }

  // heatmap and status first, then the loss curve
  const heat = h("div", { class: "sa-training-heat" });
  const status = h("p", { class: "sa-status", "aria-live": "polite" });
  frame.root.insertBefore(frame.table, frame.figure);
  frame.table.append(heat, status);
  const drawHeat = heatmapHolder(heat);
  const curve = lossCurve(training, data);
  frame.figure.append(curve.svg);

  const draw = (next) => {
    const view = computeView(next, presets, task, training); // throws before drawing
    drawHeat(view);
    status.textContent = view.status;
    curve.update(view);
    return view;
  };
  const shown = (view, next, source) => {
    if (source !== slider) slider.value = String(view.index);
    box.value = String(view.step);
    box.setAttribute("aria-invalid", "false");
    if (source !== sentenceBox) sentenceBox.value = next.sentence;
    sentenceBox.setAttribute("aria-invalid", "false");
    buttons.forEach((button, k) => {
      const chosen = presets[k] === view.preset;
      button.setAttribute("aria-checked", String(chosen));
      button.style.cssText = chosen ? CHOSEN : OTHER;
    });
  };
  const binding = bindState(model, frame, { keys: ["checkpoint", "sentence"], draw, shown });
  // A good change also clears a message the kernel sent about an older input, even when
  // the change sends nothing new (the state the kernel already holds): never a stale message.
  const apply = (change, source) =>
    binding.apply(model.get("error") ? { ...change, error: "" } : change, source);
  return () => binding.dispose();
}

export default { render };
