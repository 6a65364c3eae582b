// The mixing explorer's front end: a choice of sentence, one weight per word (slider and
// number box) kept summing to 1, a reset; an SVG view of the word vectors and the mixed
// one in the plane of two features, and the tables of weights and vectors.
//
// The front end owns the rule (rebalance, below): a change of one weight becomes one
// consistent state, weights summing to 1, sent to the model in one message. The kernel
// only checks it and recomputes its reference; it never writes back, so nothing loops.
// State (the model's keys): sentence, weights; fixed: sentences, features, axes, start,
// rule; plus title and error from the shared base.

import { weightedSum } from "./attention_math.js";
import { bindState, checkRange, createFrame, h, numberControl, s, uid } from "./frame.js";

const COLOURS = { word: "#3b528b", static: "#21918c", mixed: "#2a9d3c" };

function fail(message) {
  throw new Error(message);
}

/**
 * Set weights[index] to value; the others share 1 - value in their previous proportions
 * (equally if they were all 0). The same rule as selfattention.mixing.rebalance.
 */
export function rebalance(weights, index, value) {
  if (!Array.isArray(weights) || weights.length === 0) fail("weights must be a non-empty list");
  const n = weights.length;
  if (!Number.isInteger(index) || index < -n || index >= n) {
    fail(`index=${index} is out of range for ${n} weight(s)`);
  }
  const i = ((index % n) + n) % n;
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    fail(`new_value must lie in [0, 1], got ${value}`);
  }
  weights.forEach((w, j) => {
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) fail(`weights[${j}] must be non-negative`);
  });
  if (!weights.some((w) => w > 0)) fail("weights are all 0: give at least one positive weight");
  if (n === 1) return [1];
  const rest = weights.reduce((sum, w, j) => (j === i ? sum : sum + w), 0);
  const remainder = 1 - value;
  return weights.map((w, j) => {
    if (j === i) return value;
    return rest > 0 ? remainder * (w / rest) : remainder / (n - 1);
  });
}

/** Apply [[index, value], ...] in order, as a reader's quick moves would. */
export function rebalanceSequence(weights, moves) {
  return moves.reduce((current, [index, value]) => rebalance(current, index, value), weights);
}

/** Everything the view and tables show for a sentence (from `sentences`) and weights. */
export function computeView(sentence, weights, features, axes) {
  if (weights.length !== sentence.words.length) {
    fail(`weights must have one entry per word (${sentence.words.length}), got ${weights.length}`);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (weights.some((w) => !(w >= 0)) || Math.abs(total - 1) > 1e-6) {
    fail(`weights must be non-negative and sum to 1, got a sum of ${total}`);
  }
  const mixed = weightedSum(weights, sentence.x);
  const stat = sentence.x[sentence.focus];
  const [i, j] = axes.map((name) => features.indexOf(name));
  const gap = mixed[i] - mixed[j];
  let lean;
  if (Math.abs(gap) < 1e-9) lean = `exactly as much ${axes[0]} as ${axes[1]}`;
  else if (gap > 0) lean = `${Math.abs(gap).toFixed(2)} more ${axes[0]} than ${axes[1]}`;
  else lean = `${Math.abs(gap).toFixed(2)} more ${axes[1]} than ${axes[0]}`;
  return { weights, total, mixed, static: stat, change: mixed.map((v, k) => v - stat[k]), lean };
}

function hull(points) {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower = [], upper = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  for (const p of [...pts].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** Place labels next to their points so that no two label boxes overlap (greedy). */
export function placeLabels(items, charWidth = 7, height = 14) {
  const boxes = [];
  const overlaps = (b) => boxes.some((o) => b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h);
  return items.map(({ x, y, text }) => {
    const w = text.length * charWidth + 4;
    const candidates = [];
    for (const d of [0, 1, 2, 3, 4]) {
      const off = 8 + d * height;
      candidates.push([x + 8, y - height / 2 - d * height], [x + 8, y - height / 2 + d * height],
                      [x - 8 - w, y - height / 2 - d * height], [x - w / 2, y - 8 - height - d * height],
                      [x - w / 2, y + 8 + d * height], [x - 8 - w, y - height / 2 + off]);
    }
    let chosen = candidates[0];
    for (const [bx, by] of candidates) {
      if (!overlaps({ x: bx, y: by, w, h: height })) { chosen = [bx, by]; break; }
    }
    const box = { x: chosen[0], y: chosen[1], w, h: height };
    boxes.push(box);
    return box;
  });
}

function buildView(features, axes) {
  const width = 600, height = 380, left = 56, right = 16, top = 40, bottom = 44;
  const plotW = width - left - right, plotH = height - top - bottom;
  const [ix, iy] = axes.map((name) => features.indexOf(name));
  const titleId = uid("sa-mix-title"), descId = uid("sa-mix-desc");
  const titleEl = s("title", { id: titleId });
  const descEl = s("desc", { id: descId });
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
                         "aria-labelledby": `${titleId} ${descId}` }, [titleEl, descEl]);
  const layer = s("g");
  svg.append(layer);
  const update = (sentence, view) => {
    const pts = sentence.x.map((row) => [row[ix], row[iy]]);
    const all = [...pts, [0, 0]];
    const lo = [0, 1].map((k) => Math.min(...all.map((p) => p[k])) - 0.7);
    const hi = [0, 1].map((k) => Math.max(...all.map((p) => p[k])) + 0.7);
    const X = (v) => left + ((v - lo[0]) / (hi[0] - lo[0])) * plotW;
    const Y = (v) => top + plotH * (1 - (v - lo[1]) / (hi[1] - lo[1]));
    const focusWord = sentence.words[sentence.focus];
    const newName = `new ${focusWord}`;
    const nodes = [];
    nodes.push(s("text", { x: width / 2, y: 22, "text-anchor": "middle", "font-size": 15 },
                 `“${sentence.text}”`));
    const corners = hull(pts);
    if (corners.length >= 3) {
      nodes.push(s("polygon", { points: corners.map((p) => `${X(p[0])},${Y(p[1])}`).join(" "),
                                fill: COLOURS.static, "fill-opacity": 0.12, stroke: "none",
                                class: "sa-hull" }));
    }
    const d0 = Math.max(lo[0], lo[1]), d1 = Math.min(hi[0], hi[1]);
    nodes.push(s("line", { x1: X(d0), y1: Y(d0), x2: X(d1), y2: Y(d1), stroke: "#777",
                           "stroke-dasharray": "8 3 2 3" }));
    nodes.push(
      s("line", { x1: left, x2: left + plotW, y1: top + plotH, y2: top + plotH, stroke: "#222" }),
      s("line", { x1: left, x2: left, y1: top, y2: top + plotH, stroke: "#222" }),
      s("text", { x: left + plotW / 2, y: height - 8, "text-anchor": "middle", "font-size": 13 }, axes[0]),
      s("text", { transform: `translate(16 ${top + plotH / 2}) rotate(-90)`, "text-anchor": "middle",
                  "font-size": 13 }, axes[1]),
    );
    const labels = [];
    pts.forEach((p, k) => {
      const role = k === sentence.focus ? "static" : "word";
      nodes.push(s("line", { x1: X(0), y1: Y(0), x2: X(p[0]), y2: Y(p[1]), stroke: COLOURS[role],
                             "stroke-width": 2, class: `sa-arrow sa-${role}` }),
                 s("circle", { cx: X(p[0]), cy: Y(p[1]), r: 4, fill: COLOURS[role] }));
      labels.push({ x: X(p[0]), y: Y(p[1]), text: role === "static" ? `${focusWord} (static)` : sentence.words[k] });
    });
    const m = [view.mixed[ix], view.mixed[iy]];
    const mx = X(m[0]), my = Y(m[1]);
    nodes.push(
      s("line", { x1: X(0), y1: Y(0), x2: mx, y2: my, stroke: COLOURS.mixed, "stroke-width": 2.5 }),
      s("polygon", { points: `${mx},${my - 8} ${mx + 8},${my} ${mx},${my + 8} ${mx - 8},${my}`,
                     fill: COLOURS.mixed, stroke: "#222", "stroke-width": 0.8, class: "sa-mixed",
                     "data-x": String(m[0]), "data-y": String(m[1]) }),
    );
    labels.push({ x: mx, y: my, text: newName });
    placeLabels(labels).forEach((box, k) => {
      nodes.push(s("text", { x: box.x + 2, y: box.y + box.h - 3, "font-size": 12, class: "sa-label" },
                   labels[k].text));
    });
    layer.replaceChildren(...nodes);
    titleEl.textContent = `“${sentence.text}”: ${axes[0]} across, ${axes[1]} up`;
    const weights = sentence.words.map((w, k) => `${w} ${view.weights[k].toFixed(2)}`).join(", ");
    descEl.textContent = `Arrows for the words of “${sentence.text}” with weights ${weights}; ` +
      `the ${newName} vector (green diamond) is at (${m[0].toFixed(2)}, ${m[1].toFixed(2)}) and has ${view.lean}.`;
  };
  return { svg, update };
}

function fmt(v, signed = false) {
  const text = v.toFixed(3);
  return signed && v >= 0 ? `+${text}` : text;
}

function renderTables(holder, sentence, view, features, axes) {
  const focusWord = sentence.words[sentence.focus];
  const weightRows = sentence.words.map((w, k) => h("tr", {}, [h("th", { scope: "row" }, w),
                                                              h("td", {}, view.weights[k].toFixed(3))]));
  weightRows.push(h("tr", { class: "sa-sum" }, [h("th", { scope: "row" }, "sum"), h("td", {}, view.total.toFixed(3))]));
  const weights = h("table", { class: "sa-table sa-weights" }, [
    h("caption", {}, "Weights now"),
    h("thead", {}, [h("tr", {}, [h("th", { scope: "col" }, "word"), h("th", { scope: "col" }, "weight")])]),
    h("tbody", {}, weightRows),
  ]);
  const vectorRows = features.map((f, k) => {
    const bold = axes.includes(f) ? { style: "font-weight:bold" } : {};
    return h("tr", bold, [h("th", { scope: "row" }, f), h("td", {}, fmt(view.static[k])),
                          h("td", {}, fmt(view.mixed[k])), h("td", {}, fmt(view.change[k], true))]);
  });
  const vectors = h("table", { class: "sa-table sa-vectors" }, [
    h("caption", {}, "The static and the new vector"),
    h("thead", {}, [h("tr", {}, ["feature", `${focusWord} (static)`, `new ${focusWord}`, "change"]
      .map((c) => h("th", { scope: "col" }, c)))]),
    h("tbody", {}, vectorRows),
  ]);
  const lean = h("p", { class: "sa-lean" }, `“new ${focusWord}” has ${view.lean}.`);
  holder.replaceChildren(lean, weights, vectors);
}

function render({ model, el }) {
  const frame = createFrame(el, model);
  const sentences = model.get("sentences");
  const features = model.get("features");
  const axes = model.get("axes");
  const start = model.get("start");
  const byText = new Map(sentences.map((sentence) => [sentence.text, sentence]));

  const rule = h("p", { class: "sa-rule" }, model.get("rule"));
  const chooser = h("div", { class: "sa-choice", role: "radiogroup", "aria-label": "sentence" });
  const choiceButtons = sentences.map((sentence) => {
    const button = h("button", { type: "button", role: "radio", class: "sa-sentence" }, sentence.text);
    button.addEventListener("click", () => choose(sentence.text));
    chooser.append(button);
    return button;
  });
  const reset = h("button", {
    type: "button", class: "sa-reset", title: "put the starting weights back",
    style: "font: inherit; margin: 0 0 0.4rem; padding: 0.2rem 0.6rem; background: #fff; color: #222; border: 1px solid #888; border-radius: 3px",
  }, "reset weights");
  reset.addEventListener("click", () => resetWeights());
  frame.root.insertBefore(rule, frame.controls);
  frame.root.insertBefore(chooser, frame.controls);
  frame.root.insertBefore(reset, frame.message);

  const chart = buildView(features, axes);
  frame.figure.append(chart.svg);

  let controls = [];
  let controlsFor = null;
  const buildControls = (sentence, weights) => {
    frame.controls.replaceChildren();
    controls = sentence.words.map((word, i) => numberControl({
      label: `weight of “${word}”`, min: 0, max: 1, step: 0.01, value: weights[i],
      onValue: (v) => {
        let weights;
        try {
          weights = rebalance(binding.state.weights, i, checkRange(v, 0, 1, `weight of “${word}”`));
        } catch (error) {
          frame.showMessage(error.message);
          return false;
        }
        return binding.apply({ sentence: binding.state.sentence, weights }, controls[i]);
      },
      onError: (text) => frame.showMessage(text),
    }));
    controls.forEach((control) => control.mount(frame.controls));
    controlsFor = sentence.text;
  };

  const draw = (next) => {
    const sentence = byText.get(next.sentence);
    if (!sentence) fail(`sentence must be one of the explorer's sentences, got ${next.sentence}`);
    const view = computeView(sentence, next.weights, features, axes); // throws before drawing
    if (controlsFor !== sentence.text) buildControls(sentence, next.weights);
    chart.update(sentence, view);
    renderTables(frame.table, sentence, view, features, axes);
    choiceButtons.forEach((button, k) => {
      const chosen = sentences[k].text === sentence.text;
      button.setAttribute("aria-checked", String(chosen));
      button.style.cssText = chosen
        ? "font: inherit; font-weight: bold; margin: 0 0.3rem 0.4rem 0; padding: 0.2rem 0.6rem; background: #2f6c8e; color: #fff; border: 1px solid #2f6c8e; border-radius: 3px"
        : "font: inherit; margin: 0 0.3rem 0.4rem 0; padding: 0.2rem 0.6rem; background: #fff; color: #222; border: 1px solid #888; border-radius: 3px";
    });
  };
  const showControls = (next, source) => {
    controls.forEach((control, i) => { if (control !== source) control.set(next.weights[i]); });
  };

  const choose = (text) => {
    const n = byText.get(text).words.length;
    const { weights: now } = binding.state;
    const weights = n === now.length ? [...now] : Array(n).fill(1 / n);
    binding.apply({ sentence: text, weights }, null);
  };
  const resetWeights = () => {
    const { sentence } = binding.state;
    const n = byText.get(sentence).words.length;
    binding.apply({ sentence, weights: start.length === n ? [...start] : Array(n).fill(1 / n) }, null);
  };

  // One consistent state per change: the sentence and its weights, sent together.
  const binding = bindState(model, frame, {
    keys: ["sentence", "weights"], draw, shown: (view, next, source) => showControls(next, source),
  });
  return () => binding.dispose();
}

export default { render };
