// The embedding explorer's front end: a word (picked or typed), a sentence (picked or
// typed) and two features. It draws the word's static vector as bars, the sentence's
// words as arrows in the plane of the two features (the chosen word a star), a line
// saying whether the word is known, the word's vector as a table and the sentence as
// the matrix X (a viridis heatmap with its numbers).
//
// Everything shown is computed here, from what the page state ships: the toy vocabulary,
// the features, and the case-folding table; embeddings.js repeats the package's rules
// (tokenize, the vocabulary key, the fallback vector of an unknown word, bit for bit).
// tests/test_js_embedding.py checks it against selfattention to 1e-6; in JupyterLab the
// state also goes to the kernel, which recomputes `.state`.
// State (the model's keys): word, sentence, x_feature, y_feature; fixed: vocabulary,
// features, presets, fold, choices; plus title and error from the shared base.

import { bindState, createFrame, formatG, h, s, uid } from "./frame.js";
import { heatmapTable, numberTable } from "./tables.js";
import { embed, pySplit, pyStrip, tokenize } from "./embeddings.js";

function fail(message) {
  throw new Error(message);
}

// -- checks, as embedding_explorer.check_word / check_sentence ---------------------------

const length = (text) => Array.from(text).length; // code points, as Python's len

/** "…" shortening of embedding_explorer.shorten: single spaces, at most `limit` characters. */
export function shorten(text, limit) {
  const single = pySplit(text).join(" ");
  const chars = Array.from(single);
  return chars.length <= limit ? single : `${chars.slice(0, limit - 1).join("")}…`;
}

const quote = (text) => (text.includes("'") && !text.includes('"') ? `"${text}"` : `'${text}'`);

/** The typed word, stripped, if it is one word of at most maxChars characters. */
export function checkWord(value, maxChars) {
  if (typeof value !== "string") fail(`word must be a str, got ${typeof value}`);
  const word = pyStrip(value);
  if (!word) fail("word is empty: type a word such as 'apple'");
  if (pySplit(word).length > 1) fail(`word must be a single word, got ${quote(shorten(word, 30))}`);
  if (length(word) > maxChars) {
    fail(`word has ${length(word)} characters; the explorer takes at most ${maxChars}`);
  }
  return word;
}

/** The sentence's tokens, if it has 1 to maxTokens words, none longer than maxChars. */
export function checkSentence(value, maxTokens, maxChars) {
  if (typeof value !== "string") fail(`sentence must be a str, got ${typeof value}`);
  const tokens = tokenize(value);
  if (tokens.length === 0) fail("the sentence has no words: type words such as 'I love Apple phones'");
  if (tokens.length > maxTokens) {
    fail(`the sentence has ${tokens.length} words; the explorer shows at most ${maxTokens}`);
  }
  for (const token of tokens) {
    if (length(token) > maxChars) {
      fail(`the word ${quote(shorten(token, 20))} has ${length(token)} characters; ` +
           `the explorer takes at most ${maxChars}`);
    }
  }
  return tokens;
}

function checkFeature(value, name, features) {
  if (typeof value !== "string") fail(`${name} must be a feature name (a string), got ${typeof value}`);
  if (!features.includes(value)) {
    fail(`${name}=${quote(value)} is not a feature; choose one of ${features.join(", ")}`);
  }
  return features.indexOf(value);
}

// -- what is shown, for one state ---------------------------------------------------------

const shortLabel = (e) => (e.known ? e.word : `${e.word} (fallback)`);
const tableLabel = (e) => (e.known ? e.word : `${e.word} (unknown: fallback vector)`);

/**
 * Everything the widget shows for a state {word, sentence, x_feature, y_feature}, as
 * EmbeddingExplorer computes it; throws, naming the problem, if the state is unusable.
 */
export function computeView(state, fixed) {
  const { vocabulary, features, fold } = fixed;
  const { max_tokens: maxTokens, max_chars: maxChars } = fixed.choices;
  const d = features.length;
  const word = embed(checkWord(state.word, maxChars), vocabulary, fold, d);
  const tokens = checkSentence(state.sentence, maxTokens, maxChars)
    .map((token) => embed(token, vocabulary, fold, d));
  const i = checkFeature(state.x_feature, "x_feature", features);
  const j = checkFeature(state.y_feature, "y_feature", features);
  // the view: the sentence's words, then the chosen word once, as the focus
  const chosen = word.word.toLowerCase();
  const items = tokens.filter((t) => t.word.toLowerCase() !== chosen)
    .map((t) => ({ name: shortLabel(t), vector: t.vector, role: t.known ? "word" : "fallback" }));
  items.push({ name: shortLabel(word), vector: word.vector, role: word.known ? "focus" : "focus_fallback" });
  return {
    word: { ...word, label: tableLabel(word) },
    tokens: tokens.map((t) => ({ ...t, label: tableLabel(t) })),
    x: tokens.map((t) => t.vector), // (T, d_model)
    sentence: state.sentence, features, xFeature: state.x_feature, yFeature: state.y_feature,
    names: items.map((item) => item.name),
    roles: items.map((item) => item.role),
    points: items.map((item) => [item.vector[i], item.vector[j]]), // (n, 2)
  };
}

/** The line above the figure as [text, bold] pieces (EmbeddingExplorer.status_parts). */
export function statusParts(view) {
  const word = view.word.word;
  const parts = view.word.known
    ? [[`“${word}” is in the toy vocabulary. Its vector is looked up, not computed from the ` +
        "sentence: change the sentence and it stays exactly the same.", false]]
    : [[`“${word}” is not in the toy vocabulary.`, true], [" It is shown with a ", false],
       ["fallback vector", true],
       [": small numbers made from the spelling of the word, the same every time, but carrying " +
        "no meaning (hatched bars, pink star).", false]];
  const unknown = view.tokens.filter((t) => !t.known).map((t) => `“${t.word}”`);
  if (unknown.length) parts.push([` Sentence words with fallback vectors: ${unknown.join(", ")}.`, false]);
  return parts;
}

/** Where each vector lands (EmbeddingExplorer.describe_view). */
export function describeView(view) {
  const places = view.names.map((name, k) =>
    `${name} at (${formatG(view.points[k][0], 3)}, ${formatG(view.points[k][1], 3)})`).join("; ");
  return `${view.xFeature} across, ${view.yFeature} up: ${places}`;
}

/** The figure in one sentence (EmbeddingExplorer.describe, the snapshot's alt text). */
export function describe(view) {
  const values = view.features.map((f, k) => `${f} ${formatG(view.word.vector[k] + 0, 3)}`).join(", ");
  const kind = view.word.known ? "static vector" : "fallback vector (the word is unknown)";
  return `Left: bar chart of the ${kind} of “${view.word.word}”: ${values}. ` +
    `Right: the words of “${view.sentence}” drawn as arrows, with ${describeView(view)}.`;
}

/** Axis limits showing every point and the origin, with a margin (views.view_limits). */
export function viewLimits(points, margin = 0.6) {
  const xs = [0, ...points.map((p) => p[0])], ys = [0, ...points.map((p) => p[1])];
  return [[Math.min(...xs) - margin, Math.max(...xs) + margin],
          [Math.min(...ys) - margin, Math.max(...ys) + margin]];
}

const FALLBACK = " (fallback)";

/** A name as the view writes it: the word shortened to `limit`, keeping " (fallback)". */
export function labelText(name, limit = 16) {
  return name.endsWith(FALLBACK) ? shorten(name.slice(0, -FALLBACK.length), limit) + FALLBACK
    : shorten(name, limit);
}

/** One label per distinct position, the most important roles first (FeatureView._labels). */
export function viewLabels(view, limit = 16) {
  const order = ["focus", "focus_fallback", "word", "fallback"];
  const groups = new Map();
  view.points.forEach(([x, y], k) => {
    const key = `${x.toFixed(6)},${y.toFixed(6)}`;
    if (!groups.has(key)) groups.set(key, { point: [x, y], names: [], full: [], rank: order.length });
    const group = groups.get(key);
    if (!group.full.includes(view.names[k])) {
      group.full.push(view.names[k]);
      group.names.push(labelText(view.names[k], limit));
    }
    group.rank = Math.min(group.rank, order.indexOf(view.roles[k]));
  });
  return [...groups.values()].sort((a, b) => a.rank - b.rank)
    .map((g) => ({ point: g.point, text: g.names.join(", "), full: g.full.join(", ") }));
}

// -- drawing ------------------------------------------------------------------------------

// Okabe-Ito colours, a marker and a line style per role, as views.STYLES.
const STYLES = {
  word: { colour: "#0072B2", marker: "circle", dash: "5 3", legend: "word of the sentence" },
  focus: { colour: "#D55E00", marker: "star", dash: "", legend: "chosen word" },
  fallback: { colour: "#CC79A7", marker: "cross", dash: "1.5 2.5", legend: "unknown word (fallback)" },
  focus_fallback: { colour: "#CC79A7", marker: "star", dash: "1.5 2.5", legend: "chosen word (fallback)" },
};
const BAR = "#2f6c8e";
const FONT = 11; // px: the smallest text in the figures, drawn at its own size

const CSS = `
.sa-live .sa-emb-controls { display: grid; grid-template-columns: max-content minmax(0, 1fr);
  gap: 0.3rem 0.6rem; align-items: center; margin-bottom: 0.5rem; }
.sa-live .sa-emb-controls label { text-align: right; }
.sa-live .sa-emb-controls input { font: inherit; width: 100%; min-width: 0; padding: 0.1rem 0.3rem;
  border: 1px solid #888; border-radius: 3px; background: #fff; color: #222; }
.sa-live .sa-emb-controls input[aria-invalid=true] { border-color: #a00000; outline: 1px solid #a00000; }
.sa-live .sa-emb-axes { display: flex; flex-wrap: wrap; gap: 0.3rem 0.6rem; align-items: center; }
.sa-live .sa-emb-axes select { font: inherit; padding: 0.05rem 0.2rem; background: #fff; color: #222;
  border: 1px solid #888; border-radius: 3px; }
.sa-live p.sa-emb-status { margin: 0.2rem 0 0.5rem; overflow-wrap: anywhere; }
.sa-live .sa-figure .sa-emb-figures { display: flex; flex-wrap: wrap; gap: 0.4rem 10px; }
.sa-live .sa-figure .sa-emb-figures svg { display: block; width: auto; max-width: 100%; height: auto; }
.sa-live .sa-emb-figures svg text { font-size: ${FONT}px; }
.sa-live .sa-emb-figures svg text.sa-emb-title { font-size: 12px; font-weight: bold; }
.sa-live ul.sa-emb-legend { list-style: none; display: flex; flex-wrap: wrap; gap: 0.2rem 1rem;
  margin: 0.3rem 0 0; padding: 0; font-size: 13px; }
.sa-live ul.sa-emb-legend li { display: flex; align-items: center; gap: 0.3rem; }
.sa-live .sa-figure ul.sa-emb-legend svg { display: inline-block; width: 22px; height: 18px; }
.sa-live .sa-emb-tables table.sa-table { font-size: 13px; max-width: 100%; }
.sa-live .sa-emb-tables table.sa-table th, .sa-live .sa-emb-tables table.sa-table td {
  padding: 0.1rem 0.25rem; }
.sa-live .sa-emb-tables table.sa-table th { overflow-wrap: anywhere; }
.sa-live .sa-emb-tables table.sa-table tbody th { max-width: 12em; text-align: left; }
.sa-live .sa-emb-tables table.sa-heatmap td { min-width: 2.9em; }
.sa-live .sa-emb-tables table.sa-table caption { overflow-wrap: anywhere; }
`;

function injectEmbeddingStyle(doc) {
  if (doc.getElementById("sa-embedding-style")) return;
  const style = doc.createElement("style");
  style.id = "sa-embedding-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
}

function star(cx, cy, r) {
  const corners = Array.from({ length: 10 }, (_, k) => {
    const angle = -Math.PI / 2 + (k * Math.PI) / 5;
    const radius = k % 2 ? r * 0.45 : r;
    return `${(cx + radius * Math.cos(angle)).toFixed(2)},${(cy + radius * Math.sin(angle)).toFixed(2)}`;
  });
  return s("polygon", { points: corners.join(" ") });
}

/** The marker of a role at (cx, cy), in its colour with a black edge. */
function marker(role, cx, cy) {
  const { colour, marker: kind } = STYLES[role];
  let shape;
  if (kind === "circle") shape = s("circle", { cx, cy, r: 4.5 });
  else if (kind === "star") shape = star(cx, cy, 9);
  else { // an X: a plus of two bars, turned by 45 degrees
    const a = 6, b = 2;
    const plus = [[-b, -a], [b, -a], [b, -b], [a, -b], [a, b], [b, b], [b, a], [-b, a], [-b, b], [-a, b],
                  [-a, -b], [-b, -b]];
    shape = s("polygon", { points: plus.map(([dx, dy]) => `${cx + dx},${cy + dy}`).join(" "),
                           transform: `rotate(45 ${cx} ${cy})` });
  }
  shape.setAttribute("fill", colour);
  shape.setAttribute("stroke", "#000");
  shape.setAttribute("stroke-width", "0.6");
  return shape;
}

function ticks(low, high, count = 6) {
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((m) => m >= raw);
  const values = [];
  for (let v = Math.ceil(low / step) * step; v <= high + 1e-9; v += step) values.push(Math.round(v / step) * step + 0); // never "-0"
  return values;
}

/** The bar chart of the chosen word's vector, hatched when it is a fallback. */
function barChart(view) {
  const W = 286, H = 262, left = 40, right = 6, top = 40, bottom = 72;
  const vector = view.word.vector.map((v) => v + 0);
  const low = Math.min(-1.5, Math.min(...vector) - 0.4);
  const high = Math.max(3.6, Math.max(...vector) + 0.6);
  const y = (v) => top + ((high - v) / (high - low)) * (H - top - bottom);
  const slot = (W - left - right) / vector.length;
  const hatch = uid("sa-emb-hatch");
  const svg = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "sa-emb-bars",
                         "aria-hidden": "true" });
  svg.append(s("defs", {}, [s("pattern", { id: hatch, width: 6, height: 6, patternUnits: "userSpaceOnUse",
                                           patternTransform: "rotate(45)" }, [
    s("rect", { width: 6, height: 6, fill: BAR }),
    s("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#fff", "stroke-width": 2 })])]));
  const kind = view.word.known ? "static vector" : "fallback vector";
  svg.append(s("text", { x: W / 2, y: 14, "text-anchor": "middle", class: "sa-emb-title" },
               [s("tspan", { x: W / 2 }, `“${shorten(view.word.word, 16)}”:`),
                s("tspan", { x: W / 2, dy: 15 }, kind)]));
  for (const t of ticks(low, high)) {
    svg.append(s("line", { x1: left - 4, x2: left, y1: y(t), y2: y(t), stroke: "#222" }),
               s("text", { x: left - 6, y: y(t) + 4, "text-anchor": "end" }, formatG(t, 3)));
  }
  svg.append(s("line", { x1: left, x2: left, y1: top, y2: H - bottom, stroke: "#222" }),
             s("text", { transform: `translate(10 ${(top + H - bottom) / 2}) rotate(-90)`,
                         "text-anchor": "middle" }, "value"));
  vector.forEach((v, k) => {
    const x = left + k * slot + slot * 0.1;
    const bar = s("rect", { x: x.toFixed(2), y: Math.min(y(v), y(0)).toFixed(2), width: (slot * 0.8).toFixed(2),
                            height: Math.abs(y(v) - y(0)).toFixed(2),
                            fill: view.word.known ? BAR : `url(#${hatch})`, class: "sa-emb-bar",
                            "data-value": String(v) });
    const label = s("text", { x: (x + slot * 0.4).toFixed(2), y: (v < 0 ? y(v) + FONT + 1 : y(v) - 3).toFixed(2),
                              "text-anchor": "middle", class: "sa-emb-value" }, formatG(v, 3));
    const cx = left + (k + 0.5) * slot, cy = H - bottom + 12;
    const name = s("text", { x: cx.toFixed(2), y: cy, "text-anchor": "end",
                             transform: `rotate(-45 ${cx.toFixed(2)} ${cy})` }, view.features[k]);
    svg.append(bar, label, name);
  });
  svg.append(s("line", { x1: left, x2: W - right, y1: y(0), y2: y(0), stroke: "#000", "stroke-width": 0.8 }));
  return svg;
}

/** The sentence's words as arrows in the plane of the two features; labels avoid each other. */
function featureView(view) {
  const W = 350, H = 270, left = 46, right = 10, top = 28, bottom = 42;
  const [[x0, x1], [y0, y1]] = viewLimits(view.points);
  const px = (x) => left + ((x - x0) / (x1 - x0)) * (W - left - right);
  const py = (y) => top + ((y1 - y) / (y1 - y0)) * (H - top - bottom);
  const svg = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "sa-emb-view",
                         "aria-hidden": "true" });
  const heads = {};
  const defs = s("defs");
  for (const role of new Set(view.roles)) {
    heads[role] = uid("sa-emb-head");
    defs.append(s("marker", { id: heads[role], viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7,
                              markerHeight: 7, orient: "auto-start-reverse" },
                  [s("path", { d: "M0,0 L10,5 L0,10 Z", fill: STYLES[role].colour })]));
  }
  svg.append(defs);
  svg.append(s("text", { x: (left + W - right) / 2, y: 14, "text-anchor": "middle", class: "sa-emb-title" },
               `in: ${shorten(view.sentence, 38)}`));
  svg.append(s("rect", { x: left, y: top, width: W - left - right, height: H - top - bottom,
                         fill: "none", stroke: "#bbb" }));
  for (const t of ticks(x0, x1)) {
    svg.append(s("line", { x1: px(t), x2: px(t), y1: H - bottom, y2: H - bottom + 4, stroke: "#222" }),
               s("text", { x: px(t), y: H - bottom + 15, "text-anchor": "middle" }, formatG(t, 3)));
  }
  for (const t of ticks(y0, y1)) {
    svg.append(s("line", { x1: left - 4, x2: left, y1: py(t), y2: py(t), stroke: "#222" }),
               s("text", { x: left - 6, y: py(t) + 4, "text-anchor": "end" }, formatG(t, 3)));
  }
  svg.append(
    s("text", { x: (left + W - right) / 2, y: H - 6, "text-anchor": "middle", class: "sa-emb-axis" },
      `${view.xFeature} →`),
    s("text", { transform: `translate(12 ${(top + H - bottom) / 2}) rotate(-90)`, "text-anchor": "middle",
                class: "sa-emb-axis" }, `${view.yFeature} →`),
    s("line", { x1: left, x2: W - right, y1: py(0), y2: py(0), stroke: "#999", "stroke-width": 0.7 }),
    s("line", { x1: px(0), x2: px(0), y1: top, y2: H - bottom, stroke: "#999", "stroke-width": 0.7 }));
  view.points.forEach(([x, y], k) => {
    const role = view.roles[k];
    const [ax, ay, bx, by] = [px(0), py(0), px(x), py(y)];
    const reach = Math.hypot(bx - ax, by - ay);
    if (reach > 8) {
      const shrink = (reach - 5) / reach; // stop the head at the marker's edge
      svg.append(s("line", { x1: ax, y1: ay, x2: ax + (bx - ax) * shrink, y2: ay + (by - ay) * shrink,
                             stroke: STYLES[role].colour, "stroke-width": 1.4,
                             "stroke-dasharray": STYLES[role].dash, "marker-end": `url(#${heads[role]})` }));
    }
  });
  view.points.forEach(([x, y], k) => svg.append(marker(view.roles[k], px(x), py(y))));
  // Labels: each takes the first corner around its point whose box overlaps no label
  // placed before and stays inside the plot (or, failing that, the least bad corner).
  const placed = [];
  const inside = { x0: 2, x1: W - 2, y0: top, y1: H - bottom };
  const overlap = (a, b) => Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) *
    Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  for (const label of viewLabels(view)) {
    const [cx, cy] = [px(label.point[0]), py(label.point[1])];
    const width = Array.from(label.text).length * FONT * 0.6 + 4, height = FONT + 4;
    const corners = [[8, -6, "start"], [8, 14, "start"], [-8, -6, "end"], [-8, 14, "end"]];
    const order = cx > left + 0.6 * (W - left - right) ? [2, 3, 0, 1] : [0, 1, 2, 3];
    let best = null;
    for (const c of order) {
      const [dx, dy, anchor] = corners[c];
      const bx0 = anchor === "start" ? cx + dx - 2 : cx + dx - width + 2;
      const box = { x0: bx0, x1: bx0 + width, y0: cy + dy - FONT, y1: cy + dy - FONT + height };
      const outside = width * height - overlap(box, inside);
      const bad = placed.reduce((sum, other) => sum + overlap(box, other), 0) + 4 * outside;
      if (best === null || bad < best.bad) best = { bad, box, dx, dy, anchor };
      if (bad === 0) break;
    }
    placed.push(best.box);
    const group = s("g", { class: "sa-emb-label" }, [
      s("rect", { x: best.box.x0.toFixed(2), y: best.box.y0.toFixed(2), width: width.toFixed(2), height,
                  fill: "#fff", "fill-opacity": 0.8 }),
      s("text", { x: (cx + best.dx).toFixed(2), y: (cy + best.dy).toFixed(2), "text-anchor": best.anchor },
        label.text)]);
    if (label.text !== label.full) group.prepend(s("title", {}, label.full));
    svg.append(group);
  }
  return svg;
}

function legend(view) {
  const items = [...new Set(view.roles)].map((role) => {
    const swatch = s("svg", { width: 22, height: 18, viewBox: "0 0 22 18", "aria-hidden": "true" }, [
      s("line", { x1: 0, y1: 9, x2: 22, y2: 9, stroke: STYLES[role].colour, "stroke-width": 1.4,
                  "stroke-dasharray": STYLES[role].dash }), marker(role, 11, 9)]);
    return h("li", {}, [swatch, STYLES[role].legend]);
  });
  return h("ul", { class: "sa-emb-legend", "aria-label": "legend of the arrows" }, items);
}

function textBox(label, list, placeholder) {
  const id = uid("sa-emb-box");
  const listId = uid("sa-emb-list");
  const box = h("input", { type: "text", id, list: listId, autocomplete: "off", spellcheck: "false",
                           placeholder });
  const options = h("datalist", { id: listId }, list.map((value) => h("option", { value })));
  return { label: h("label", { for: id }, label), box, options };
}

function select(label, features) {
  const id = uid("sa-emb-select");
  const menu = h("select", { id }, features.map((f) => h("option", { value: f }, f)));
  return { label: h("label", { for: id }, label), menu };
}

function render({ model, el }) {
  injectEmbeddingStyle(el.ownerDocument);
  const frame = createFrame(el, model);
  const fixed = {
    vocabulary: model.get("vocabulary"), features: model.get("features"),
    fold: model.get("fold"), choices: model.get("choices"),
  };
  const presets = model.get("presets");
  const { max_chars: maxChars, max_tokens: maxTokens } = fixed.choices;

  const word = textBox("word", Object.keys(fixed.vocabulary).sort(), `type or pick a word (up to ${maxChars} letters)`);
  const sentence = textBox("sentence", presets, `type or pick a sentence (up to ${maxTokens} words)`);
  const across = select("across (x)", fixed.features);
  const up = select("up (y)", fixed.features);
  const controls = h("div", { class: "sa-emb-controls" }, [
    word.label, word.box, sentence.label, sentence.box,
    h("span", { "aria-hidden": "true" }, ""),
    h("div", { class: "sa-emb-axes" }, [across.label, across.menu, up.label, up.menu]),
  ]);
  frame.root.insertBefore(controls, frame.controls);
  frame.root.insertBefore(word.options, frame.controls);
  frame.root.insertBefore(sentence.options, frame.controls);
  const status = h("p", { class: "sa-emb-status" });
  frame.root.insertBefore(status, frame.figure);

  const typed = (control, key) => {
    const apply = () => {
      if (!binding.apply({ [key]: control.box.value }, control.box)) {
        control.box.setAttribute("aria-invalid", "true");
      }
    };
    control.box.addEventListener("keydown", (event) => { if (event.key === "Enter") apply(); });
    control.box.addEventListener("change", apply);
  };
  typed(word, "word");
  typed(sentence, "sentence");
  across.menu.addEventListener("change", () => binding.apply({ x_feature: across.menu.value }, across.menu));
  up.menu.addEventListener("change", () => binding.apply({ y_feature: up.menu.value }, up.menu));

  const figures = h("div", { class: "sa-emb-figures", role: "group" });
  const legendHolder = h("div");
  frame.figure.append(figures, legendHolder);
  const tables = h("div", { class: "sa-emb-tables" });
  frame.table.append(tables);

  // A redraw replaces only the parts whose inputs changed: a new pair of features redraws
  // the view alone, a new sentence leaves the bars alone. Less layout and paint per change.
  const last = { word: null, sentence: null };
  let bars = null, wordTable = null, matrix = null;
  const draw = (state) => {
    const view = computeView(state, fixed); // throws before anything is drawn
    const wordChanged = view.word.word !== last.word;
    const sentenceChanged = state.sentence !== last.sentence;
    if (wordChanged) {
      bars = barChart(view);
      wordTable = numberTable({ matrix: [view.word.vector], rows: [view.word.label], cols: view.features,
                                caption: "The chosen word's vector", corner: "word" });
    }
    if (sentenceChanged) {
      matrix = heatmapTable({
        matrix: view.x, rows: view.tokens.map((t) => t.label), cols: view.features,
        corner: "token \\ feature",
        caption: "The sentence as the matrix X: one row per token, its static vector.",
      });
    }
    if (wordChanged || sentenceChanged) {
      status.replaceChildren(...statusParts(view).map(([text, bold]) => (bold ? h("b", {}, text) : text)));
      tables.replaceChildren(wordTable, matrix);
      legendHolder.replaceChildren(legend(view));
    }
    figures.replaceChildren(bars, featureView(view));
    figures.setAttribute("aria-label", describe(view));
    last.word = view.word.word;
    last.sentence = state.sentence;
    return view;
  };
  const shown = (view, state, source) => {
    if (source !== word.box) word.box.value = state.word;
    if (source !== sentence.box) sentence.box.value = state.sentence;
    across.menu.value = state.x_feature;
    up.menu.value = state.y_feature;
    // no control keeps showing text that is not in use
    for (const box of [word.box, sentence.box]) box.setAttribute("aria-invalid", "false");
  };
  const binding = bindState(model, frame, { keys: ["word", "sentence", "x_feature", "y_feature"], draw, shown });
  return () => binding.dispose();
}

export default { render };
