// The scaling explorer's front end: d_k (a slider over the powers of two from 2 to 1024,
// and a box to type one) and a switch for the division by sqrt(d_k). Three panels redraw
// together: the histogram of the scores softmax receives, a typical query's weights over
// T keys (bars, and the numbers in a heatmap row below), and the gradient through softmax
// against d_k, with a star on the current setting.
//
// Everything shown is computed here, from the seeded draws the page state ships
// (data.scores: 2000 unscaled scores per d_k; data.logits: 300 rows of T unscaled logits
// per d_k; float32, little-endian, base64): divide by sqrt(d_k) or not, then the standard
// deviation and the histogram of the scores, softmax of every row, the row whose largest
// weight is the median, its entropy. The gradient curves (data.grad_norm) are the
// package's measurement with torch's autograd; a change moves the star along them.
// State (the model's keys): d_k, scaling; fixed: data; plus title and error from the base.

import { softmax } from "./attention_math.js";
import { bindState, checkRange, createFrame, formatG, h, parseNumber, s, uid } from "./frame.js";
import { formatFixed, formatReadable, heatmapTable, showTables } from "./tables.js";

function fail(message) {
  throw new Error(message);
}

// -- the shipped draws ---------------------------------------------------------------------

/** float32 numbers, little-endian, from base64 (scaling_explorer.encode_float32), as doubles. */
export function decodeFloat32(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  if (bytes.length % 4) fail("the shipped draws are not whole float32 numbers");
  const view = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

const decoded = new WeakMap();

/** The draws of every d_k, decoded once per page: {scores: [n], logits: [[T] x n_rows]}. */
function draws(data) {
  if (!decoded.has(data)) {
    const T = data.T;
    decoded.set(data, data.d_k_values.map((_, i) => {
      const flat = decodeFloat32(data.logits[i]);
      return {
        scores: decodeFloat32(data.scores[i]),
        logits: Array.from({ length: flat.length / T }, (_, r) => flat.slice(r * T, (r + 1) * T)),
      };
    }));
  }
  return decoded.get(data);
}

// -- the statistics, as numpy computes them -----------------------------------------------

/** Population standard deviation (numpy's std, ddof 0). */
export function std(values) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
}

/**
 * Shares of `values` per bin of `bins` equal bins from low to high, after clipping to
 * [low, high] (np.histogram(np.clip(values, low, high), bins=np.linspace(low, high, bins + 1))):
 * bin k holds edge_k <= v < edge_(k+1), the last bin also its right edge.
 */
export function histogram(values, low, high, bins) {
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? high : low + k * ((high - low) / bins)));
  const counts = Array(bins).fill(0);
  for (const raw of values) {
    const v = Math.min(Math.max(raw, low), high);
    let k = Math.min(Math.floor(((v - low) / (high - low)) * bins), bins - 1);
    if (v < edges[k]) k -= 1; // rounding put it one bin too far, as numpy corrects it
    else if (v >= edges[k + 1] && k !== bins - 1) k += 1;
    counts[k] += 1;
  }
  return counts.map((c) => c / values.length);
}

/** Shannon entropy in nats; weights of 0 add 0 (selfattention.entropy). */
export function entropy(weights) {
  return -weights.reduce((a, w) => a + (w > 0 ? w * Math.log(w) : 0), 0);
}

/** The row whose largest weight is the median one (stable order: ties stay in row order). */
export function typicalRow(rows) {
  const largest = rows.map((row) => Math.max(...row));
  const order = largest.map((_, i) => i).sort((a, b) => largest[a] - largest[b]);
  return order[Math.floor(order.length / 2)];
}

// -- the state -------------------------------------------------------------------------------

/** d_k as a number the explorer can show, or an Error that says which values it can. */
export function checkDK(value, values) {
  const low = values[0], high = values[values.length - 1];
  if (typeof value !== "number" || !Number.isInteger(value)) {
    fail(`d_k must be a whole number, a power of two from ${low} to ${high}, got ` +
         `${typeof value === "number" ? formatG(value, 6) : typeof value}`);
  }
  checkRange(value, low, high, "d_k");
  if (!values.includes(value)) {
    fail(`d_k must be a power of two from ${low} to ${high} (${values.join(", ")}), got ${value}`);
  }
  return value;
}

/** What the reader typed in the d_k box, read strictly: a power of two in range, or an Error. */
export function parseDK(text, values) {
  return checkDK(parseNumber(text, "d_k"), values);
}

/** Everything the panels show for a state {d_k, scaling}; throws, drawing nothing, for a bad one. */
export function computeView(state, data) {
  const dK = checkDK(state.d_k, data.d_k_values);
  if (typeof state.scaling !== "boolean") fail(`scaling must be true or false, got ${state.scaling}`);
  const scaled = state.scaling;
  // 20 possible states: each is computed once, the first time it is shown, and kept.
  if (!views.has(data)) views.set(data, new Map());
  const kept = views.get(data), key = `${dK} ${scaled}`;
  if (!kept.has(key)) kept.set(key, Object.freeze(compute(dK, scaled, data)));
  return kept.get(key);
}

const views = new WeakMap();

function compute(dK, scaled, data) {
  const index = data.d_k_values.indexOf(dK);
  const { scores: raw, logits } = draws(data)[index];
  const divisor = scaled ? Math.sqrt(dK) : 1;
  const scores = raw.map((v) => v / divisor);
  const rows = logits.map((row) => softmax(row.map((v) => v / divisor)));
  const row = typicalRow(rows);
  const weights = rows[row];
  const [low, high, bins] = data.edges;
  const curve = data.grad_norm[scaled ? "scaled" : "unscaled"];
  const other = data.grad_norm[scaled ? "unscaled" : "scaled"];
  return {
    d_k: dK, scaled, index, divisor, scoreStd: std(scores), shares: histogram(scores, low, high, bins),
    row, weights, entropy: entropy(weights), gradNorm: curve[index], otherGradNorm: other[index],
    T: data.T, nSamples: data.n_samples, nRows: data.n_rows,
  };
}

/** The paragraph under the panels (ScalingExplorer.summary). */
export function summary(view) {
  const how = view.scaled ? `divided by √${view.d_k}` : "not scaled";
  return `d_k = ${view.d_k}, scores ${how}. The scores softmax receives have standard deviation ` +
    `${formatFixed(view.scoreStd, 2)} (√d_k = ${formatFixed(Math.sqrt(view.d_k), 2)}). The query shown ` +
    `gives its largest weight ${formatFixed(Math.max(...view.weights), 3)} to one key (entropy ` +
    `${formatFixed(view.entropy, 3)} nats; an even split over ${view.T} keys would be ` +
    `${formatFixed(Math.log(view.T), 3)}). Median size of the gradient entering softmax, over ` +
    `${view.nRows} rows: ${formatReadable(view.gradNorm)} ` +
    `(${view.scaled ? "without" : "with"} scaling: ${formatReadable(view.otherGradNorm)}).`;
}

/** The three panels in one sentence (ScalingExplorer.describe, the snapshot's alt text). */
export function describe(view) {
  const how = view.scaled ? `divided by the square root of ${view.d_k}` : "not scaled";
  const weights = view.weights.map((w) => formatFixed(w, 2)).join(", ");
  return `Three panels for d_k = ${view.d_k}, scores ${how}. Left: histogram of ${view.nSamples} ` +
    `scores with standard deviation ${formatFixed(view.scoreStd, 1)}, on a fixed axis from -100 to 100. ` +
    `Middle: one query's weights over ${view.T} keys: ${weights}. Right: median size of the gradient ` +
    `entering softmax against d_k on log axes; the unscaled curve falls steeply, the scaled one ` +
    `stays flat; a star marks ${formatReadable(view.gradNorm)}.`;
}

// -- drawing -------------------------------------------------------------------------------

const W = 212, H = 212; // each panel, in px at scale 1: three fit the 688 px column side by side
const M = { left: 50, right: 8, top: 24, bottom: 36 };
const PW = W - M.left - M.right, PH = H - M.top - M.bottom;
const FONT = 11; // px: never under 10 px at the column's width

const CSS = `
.sa-live .sa-scaling-panels { display: flex; flex-wrap: wrap; gap: 0.5rem 10px; }
.sa-live .sa-scaling-panels svg.sa-panel { width: ${W}px; max-width: 100%; flex: 0 1 ${W}px; }
.sa-live .sa-scaling-switch { display: flex; align-items: center; gap: 0.4rem; }
.sa-live .sa-scaling-switch input { width: 1.1em; height: 1.1em; margin: 0; accent-color: #2f6c8e; }
.sa-live table.sa-heatmap.sa-scaling-row td { min-width: 3.6em; }
.sa-live p.sa-scaling-summary { margin: 0.6rem 0 0; }
`;

function addStyle(doc) {
  if (doc.getElementById("sa-scaling-style")) return;
  const style = doc.createElement("style");
  style.id = "sa-scaling-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
}

const text = (x, y, content, attrs = {}) => s("text", { x, y, "font-size": FONT, ...attrs }, content);

/** A panel: an svg with a title, its plot box, and the left/bottom axes. */
function panel(title, label) {
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "sa-panel", role: "img", "aria-label": label });
  svg.append(
    text(W / 2, 14, title, { "text-anchor": "middle", "font-size": FONT + 1, "font-weight": "bold" }),
    s("line", { x1: M.left, x2: M.left, y1: M.top, y2: M.top + PH, stroke: "#222" }),
    s("line", { x1: M.left, x2: M.left + PW, y1: M.top + PH, y2: M.top + PH, stroke: "#222" }),
  );
  return svg;
}

function xTick(svg, x, label) {
  svg.append(s("line", { x1: x, x2: x, y1: M.top + PH, y2: M.top + PH + 4, stroke: "#222" }),
             text(x, M.top + PH + 15, label, { "text-anchor": "middle" }));
}

function yTicks(svg, ticks) {
  const group = s("g", { class: "sa-y-ticks" });
  for (const [y, label] of ticks) {
    group.append(s("line", { x1: M.left - 4, x2: M.left, y1: y, y2: y, stroke: "#222" }),
                 text(M.left - 6, y + 4, label, { "text-anchor": "end" }));
  }
  svg.append(group);
  return group;
}

function axisLabels(svg, xLabel, yLabel) {
  svg.append(text(M.left + PW / 2, H - 4, xLabel, { "text-anchor": "middle" }),
             text(0, 0, yLabel, { "text-anchor": "middle", transform: `translate(10 ${M.top + PH / 2}) rotate(-90)` }));
}

function niceStep(span, count) {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * power;
}

/** Left: the histogram of the scores on the fixed axis from -100 to 100. */
function histogramPanel(data) {
  const [low, high, bins] = data.edges;
  const svg = panel("", "histogram of the scores softmax receives");
  const title = svg.firstChild;
  const X = (v) => M.left + ((v - low) / (high - low)) * PW;
  for (const v of [-100, -50, 0, 50, 100]) xTick(svg, X(v), String(v));
  axisLabels(svg, "score softmax receives", "share of scores per bin");
  const bars = s("path", { fill: "#3b528b", class: "sa-histogram" });
  svg.append(bars);
  let ticks = null, tickKey = "";
  const update = (view) => {
    const top = 1.1 * Math.max(...view.shares);
    const Y = (v) => M.top + PH * (1 - v / top);
    const width = PW / bins;
    bars.setAttribute("d", view.shares.map((share, k) => (share > 0
      ? `M${(M.left + k * width).toFixed(2)} ${(M.top + PH).toFixed(2)}h${width.toFixed(3)}V${Y(share).toFixed(2)}h${(-width).toFixed(3)}Z`
      : "")).join(""));
    const step = niceStep(top, 4);
    const list = [];
    for (let v = 0; v <= top + 1e-12; v += step) list.push([Y(v), formatG(Number(v.toPrecision(6)), 3)]);
    const key = list.map(([y, label]) => `${y.toFixed(2)} ${label}`).join();
    if (key !== tickKey) {
      ticks?.remove();
      ticks = yTicks(svg, list);
      tickKey = key;
    }
    title.textContent = `scores: std ${formatFixed(view.scoreStd, 1)}`;
    svg.dataset.std = String(view.scoreStd);
  };
  return { svg, update };
}

/** Middle: the typical query's weights as bars, the largest labelled. */
function weightsPanel(T) {
  const svg = panel("a typical query's weights", "bars of one query's weights over the keys");
  const Y = (v) => M.top + PH * (1 - v / 1.08);
  yTicks(svg, [0, 0.25, 0.5, 0.75, 1].map((v) => [Y(v), String(v)]));
  axisLabels(svg, "key", "weight");
  const slot = PW / T;
  const bars = Array.from({ length: T }, (_, j) => {
    xTick(svg, M.left + (j + 0.5) * slot, `k${j + 1}`);
    const bar = s("rect", { x: M.left + j * slot + slot * 0.15, width: slot * 0.7, fill: "#21918c", class: "sa-bar" });
    svg.append(bar);
    return bar;
  });
  const label = text(0, 0, "", { "text-anchor": "middle", class: "sa-bar-label" });
  svg.append(label);
  const update = (view) => {
    view.weights.forEach((w, j) => {
      bars[j].setAttribute("y", Y(w).toFixed(2));
      bars[j].setAttribute("height", Math.max(0, M.top + PH - Y(w)).toFixed(2));
      bars[j].dataset.weight = String(w);
    });
    const top = view.weights.indexOf(Math.max(...view.weights));
    label.setAttribute("x", (M.left + (top + 0.5) * slot).toFixed(2));
    label.setAttribute("y", (Y(view.weights[top]) - 4).toFixed(2));
    label.textContent = formatFixed(view.weights[top], 2);
  };
  return { svg, update };
}

const UNSCALED = "#440154", SCALED = "#21918c";

/** Right: the gradient entering softmax against d_k (log axes), a star on the current one. */
function gradientPanel(data) {
  const svg = panel("gradient through softmax", "median gradient size against d_k, on log axes");
  const values = data.d_k_values;
  const all = [...data.grad_norm.unscaled, ...data.grad_norm.scaled];
  const lo = Math.floor(Math.log10(Math.min(...all))), hi = Math.ceil(Math.log10(Math.max(...all)));
  const lx = (v) => Math.log2(v);
  const X = (v) => M.left + 6 + ((lx(v) - lx(values[0])) / (lx(values[values.length - 1]) - lx(values[0]))) * (PW - 12);
  const Y = (v) => M.top + PH * (1 - (Math.log10(v) - lo) / (hi - lo));
  for (const v of [2, 32, 1024].filter((d) => values.includes(d))) xTick(svg, X(v), String(v));
  const powers = []; // from the top down in even steps: 1, 1e-2, 1e-4, ...
  for (let p = hi; p >= lo; p -= Math.max(1, Math.ceil((hi - lo) / 4))) powers.push(p);
  yTicks(svg, powers.map((p) => [Y(10 ** p), p === 0 ? "1" : `1e${p}`]));
  axisLabels(svg, "d_k", "gradient size (median)");
  const line = (curve, colour, dash) => s("polyline", {
    points: curve.map((g, i) => `${X(values[i]).toFixed(1)},${Y(g).toFixed(1)}`).join(" "),
    fill: "none", stroke: colour, "stroke-width": 1.8, ...(dash ? { "stroke-dasharray": "5 3" } : {}) });
  svg.append(line(data.grad_norm.unscaled, UNSCALED, false), line(data.grad_norm.scaled, SCALED, true));
  data.grad_norm.unscaled.forEach((g, i) => svg.append(s("circle", { cx: X(values[i]), cy: Y(g), r: 2.5, fill: UNSCALED })));
  data.grad_norm.scaled.forEach((g, i) => svg.append(s("rect", { x: X(values[i]) - 2.5, y: Y(g) - 2.5, width: 5, height: 5, fill: SCALED })));
  const starPath = (cx, cy, r) => Array.from({ length: 10 }, (_, k) => {
    const radius = k % 2 ? r * 0.45 : r, angle = -Math.PI / 2 + (k * Math.PI) / 5;
    return `${k ? "L" : "M"}${(cx + radius * Math.cos(angle)).toFixed(2)} ${(cy + radius * Math.sin(angle)).toFixed(2)}`;
  }).join("") + "Z";
  // the legend, lower left inside the plot (the unscaled curve falls to the lower right)
  const lx0 = M.left + 6, ly0 = M.top + PH - 40;
  svg.append(
    s("line", { x1: lx0, x2: lx0 + 16, y1: ly0, y2: ly0, stroke: UNSCALED, "stroke-width": 1.8 }),
    text(lx0 + 20, ly0 + 4, "not scaled"),
    s("line", { x1: lx0, x2: lx0 + 16, y1: ly0 + 14, y2: ly0 + 14, stroke: SCALED, "stroke-width": 1.8, "stroke-dasharray": "5 3" }),
    text(lx0 + 20, ly0 + 18, "÷ √d_k"),
    s("path", { d: starPath(lx0 + 8, ly0 + 28, 6), fill: "#fde725", stroke: "#222", "stroke-width": 0.8 }),
    text(lx0 + 20, ly0 + 32, "now shown"),
  );
  const star = s("path", { fill: "#fde725", stroke: "#222", "stroke-width": 1, class: "sa-star" });
  svg.append(star);
  const update = (view) => {
    star.setAttribute("d", starPath(X(view.d_k), Y(view.gradNorm), 8));
    star.dataset.dK = String(view.d_k);
    star.dataset.grad = String(view.gradNorm);
  };
  return { svg, update };
}

function render({ model, el }) {
  addStyle(el.ownerDocument);
  const frame = createFrame(el, model);
  const data = model.get("data");
  const values = data.d_k_values;

  // d_k: a slider through the powers of two and a box to type one; then the switch
  const id = uid("sa-scaling");
  const label = h("label", { for: `${id}-box` }, "d_k (key size)");
  const slider = h("input", { type: "range", id: `${id}-slider`, min: "0", max: String(values.length - 1),
                              step: "1", "aria-label": `d_k (slider over the powers of two from ${values[0]} to ${values[values.length - 1]})` });
  const box = h("input", { type: "text", inputmode: "numeric", class: "sa-number sa-dk", id: `${id}-box`,
                           autocomplete: "off", spellcheck: "false",
                           "aria-label": `d_k (type a power of two from ${values[0]} to ${values[values.length - 1]})` });
  const check = h("input", { type: "checkbox", id: `${id}-scaling`, class: "sa-scaling-check" });
  const switchLabel = h("label", { for: `${id}-scaling` }, "divide scores by √d_k");
  const switchCell = h("div", { class: "sa-scaling-switch", style: "grid-column: 2 / span 2" }, [check]);
  frame.controls.append(label, slider, box, switchLabel, switchCell);

  slider.addEventListener("input", () => {
    if (!binding.apply({ d_k: values[Number(slider.value)] }, slider)) {
      slider.value = String(values.indexOf(binding.state.d_k));
    }
  });
  const typed = () => {
    let dK;
    try {
      dK = parseDK(box.value, values);
    } catch (error) {
      box.setAttribute("aria-invalid", "true");
      frame.showMessage(error.message);
      return;
    }
    binding.apply({ d_k: dK }, box);
  };
  box.addEventListener("change", typed);
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") typed(); });
  check.addEventListener("change", () => {
    if (!binding.apply({ scaling: check.checked }, check)) check.checked = binding.state.scaling;
  });

  const panels = h("div", { class: "sa-scaling-panels", role: "group" });
  const hist = histogramPanel(data), bars = weightsPanel(data.T), grad = gradientPanel(data);
  panels.append(hist.svg, bars.svg, grad.svg);
  frame.figure.append(panels);
  const rowHolder = h("div", { class: "sa-scaling-row-holder" });
  const note = h("p", { class: "sa-scaling-summary", "aria-live": "polite" });
  frame.table.append(rowHolder, note);
  const keys = Array.from({ length: data.T }, (_, j) => `k${j + 1}`);

  const draw = (state) => {
    const view = computeView(state, data); // throws before anything is drawn
    hist.update(view);
    bars.update(view);
    grad.update(view);
    const table = heatmapTable({
      matrix: [view.weights], rows: ["weight"], cols: keys, digits: 3, vmin: 0, vmax: 1,
      corner: "", caption: `The typical query's weights over its ${view.T} keys (row ${view.row + 1} of ${view.nRows}).`,
    });
    table.classList.add("sa-scaling-row");
    showTables(rowHolder, [table]); // same shape every time: the cells on screen are refilled
    panels.setAttribute("aria-label", describe(view));
    note.textContent = summary(view);
    return view;
  };
  const shown = (view, state, source) => {
    if (source !== slider) slider.value = String(view.index);
    box.value = String(view.d_k);
    box.setAttribute("aria-invalid", "false"); // no control keeps showing text that is not in use
    check.checked = view.scaled;
  };
  const bound = bindState(model, frame, { keys: ["d_k", "scaling"], draw, shown });
  // A good change also clears a message the kernel sent about an older input, even when
  // the change sends nothing new: never a stale message.
  const binding = {
    get state() { return bound.state; },
    apply: (change, source) => bound.apply(model.get("error") ? { ...change, error: "" } : change, source),
  };
  return () => bound.dispose();
}

export default { render };
