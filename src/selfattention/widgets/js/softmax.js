// The softmax explorer's front end: a slider and a number box per token's score, one that
// adds the same number to every score, and a temperature; an SVG bar chart of the weights
// with the arg max outlined, and the table of scores, strengths, naive formula and softmax.
//
// Everything shown is computed here (attention_math.js) so a change redraws at once; in
// JupyterLab the new state also goes to the kernel, where the package computes
// `.weights` (the reference). State (the model's keys): tokens, token_scores, shift,
// temperature; plus title and error from the shared base.

import { hardmax, naiveSoftmax, softmax } from "./attention_math.js";
import { bindState, createFrame, formatG, h, numberControl, s, uid } from "./frame.js";

const SCORE_RANGE = [-10, 10];
const SHIFT_RANGE = [-1000, 1000];
const TEMPERATURE_RANGE = [0.1, 10];
const BAR_COLOUR = "#2f6c8e"; // viridis at 0.35, as the package's bar charts
const Y_MAX = 1.18;

/** Everything the figure and table show for one state. */
export function computeView(state) {
  const scores = state.token_scores.map((score) => score + state.shift);
  const scaled = scores.map((score) => score / state.temperature);
  return {
    scores,
    weights: softmax(scores, state.temperature),
    hard: hardmax(scores),
    strengths: scaled.map((x) => Math.exp(x)), // overflows to inf for large scores: the lesson
    naive: naiveSoftmax(scaled), // inf / inf = NaN once it overflows
  };
}

/** The sentence describing the chart: the same words as the Python side's describe(). */
export function describe(tokens, view, temperature) {
  const pairs = tokens
    .map((token, i) => `${token} (score ${formatG(view.scores[i])}) gets ${view.weights[i].toFixed(3)}`)
    .join(", ");
  return (
    `Bar chart of softmax weights at temperature ${temperature.toFixed(2)}: ${pairs}. ` +
    "Dashed outlines show the hard maximum, which gives all the weight to the top score."
  );
}

function buildChart(tokens) {
  const width = 600, height = 300, left = 56, right = 12, top = 56, bottom = 34;
  const plotW = width - left - right, plotH = height - top - bottom;
  const slot = plotW / tokens.length, barW = Math.min(slot * 0.6, 90);
  const y = (v) => top + plotH * (1 - v / Y_MAX);
  const titleId = uid("sa-chart-title"), descId = uid("sa-chart-desc");
  const titleEl = s("title", { id: titleId });
  const descEl = s("desc", { id: descId });
  const heading = s("text", { x: left + plotW / 2, y: 20, "text-anchor": "middle", "font-size": 15 });
  const svg = s("svg", {
    viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": `${titleId} ${descId}`,
  }, [titleEl, descEl, heading]);
  for (const tick of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    svg.append(
      s("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), stroke: "#ddd" }),
      s("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end", "font-size": 11 }, tick.toFixed(1)),
    );
  }
  svg.append(
    s("line", { x1: left, x2: left, y1: top, y2: top + plotH, stroke: "#222" }),
    s("line", { x1: left, x2: width - right, y1: top + plotH, y2: top + plotH, stroke: "#222" }),
    s("text", { transform: `translate(16 ${top + plotH / 2}) rotate(-90)`, "text-anchor": "middle",
                "font-size": 12 }, "share of attention"),
    // legend
    s("rect", { x: left + 8, y: 30, width: 14, height: 10, fill: BAR_COLOUR, stroke: "#222", "stroke-width": 0.6 }),
    s("text", { x: left + 28, y: 39, "font-size": 12 }, "softmax"),
    s("rect", { x: left + 98, y: 30, width: 14, height: 10, fill: "none", stroke: "#222",
                "stroke-dasharray": "4 3", "stroke-width": 1.2 }),
    s("text", { x: left + 118, y: 39, "font-size": 12 }, "hard max (arg max)"),
  );
  const bars = tokens.map((token, i) => {
    const cx = left + slot * (i + 0.5);
    const bar = s("rect", { x: cx - barW / 2, width: barW, fill: BAR_COLOUR, stroke: "#222", "stroke-width": 0.6 });
    const outline = s("rect", { x: cx - barW / 2, width: barW, fill: "none", stroke: "#222",
                                "stroke-dasharray": "5 4", "stroke-width": 1.4 });
    const label = s("text", { x: cx, "text-anchor": "middle", "font-size": 13, class: "sa-bar-value" });
    const name = s("text", { x: cx, y: top + plotH + 20, "text-anchor": "middle", "font-size": 13 }, token);
    svg.append(bar, outline, label, name);
    return { bar, outline, label };
  });
  const update = (view, temperature, description) => {
    heading.textContent = `softmax at temperature ${temperature.toFixed(2)}`;
    titleEl.textContent = heading.textContent;
    descEl.textContent = description;
    bars.forEach(({ bar, outline, label }, i) => {
      const w = view.weights[i], hard = view.hard[i];
      bar.setAttribute("y", y(w));
      bar.setAttribute("height", y(0) - y(w));
      outline.setAttribute("y", y(hard));
      outline.setAttribute("height", y(0) - y(hard));
      outline.setAttribute("visibility", hard > 0 ? "visible" : "hidden");
      label.setAttribute("y", y(Math.max(w, hard)) - 5);
      label.textContent = w.toFixed(3);
    });
  };
  return { svg, update };
}

function buildTable(tokens) {
  const header = ["token", "score", "exp(score / T)", "naive formula", "softmax"];
  const body = h("tbody");
  const cells = tokens.map((token) => {
    const row = h("tr", {}, [h("th", { scope: "row" }, token)]);
    const tds = [0, 1, 2, 3].map(() => h("td"));
    row.append(...tds);
    body.append(row);
    return tds;
  });
  const table = h("table", { class: "sa-table" }, [
    h("caption", {}, "Scores and weights now"),
    h("thead", {}, [h("tr", {}, header.map((name) => h("th", { scope: "col" }, name)))]),
    body,
  ]);
  const update = (view) => {
    cells.forEach((tds, i) => {
      tds[0].textContent = formatG(view.scores[i]);
      tds[1].textContent = formatG(view.strengths[i]);
      tds[2].textContent = formatG(view.naive[i]);
      tds[3].textContent = view.weights[i].toFixed(4);
    });
  };
  return { table, update };
}

function render({ model, el }) {
  const frame = createFrame(el, model);
  const tokens = model.get("tokens");
  const chart = buildChart(tokens);
  const table = buildTable(tokens);
  frame.figure.append(chart.svg);
  frame.table.append(table.table);

  const draw = (next) => {
    const view = computeView(next); // throws before anything changes if the state is unusable
    chart.update(view, next.temperature, describe(tokens, view, next.temperature));
    table.update(view);
  };
  const onError = (text) => frame.showMessage(text);
  const scoreControls = tokens.map((token, i) => numberControl({
    label: `score of “${token}”`, min: SCORE_RANGE[0], max: SCORE_RANGE[1], step: 0.1,
    value: model.get("token_scores")[i],
    onValue: (v) => {
      const token_scores = [...binding.state.token_scores];
      token_scores[i] = v;
      return binding.apply({ token_scores }, scoreControls[i]);
    },
    onError,
  }));
  const shift = numberControl({
    label: "add to every score", min: SHIFT_RANGE[0], max: SHIFT_RANGE[1], step: 10,
    value: model.get("shift"), onValue: (v) => binding.apply({ shift: v }, shift), onError,
  });
  const temperature = numberControl({
    label: "temperature", min: TEMPERATURE_RANGE[0], max: TEMPERATURE_RANGE[1], step: 0.01,
    value: model.get("temperature"), log: true, round: (v) => Number(v.toPrecision(3)),
    onValue: (v) => binding.apply({ temperature: v }, temperature), onError,
  });
  [...scoreControls, shift, temperature].forEach((control) => control.mount(frame.controls));

  // Every control but the one the reader moved shows the state drawn.
  const shown = (view, next, source) => {
    scoreControls.forEach((control, i) => control !== source && control.set(next.token_scores[i]));
    if (shift !== source) shift.set(next.shift);
    if (temperature !== source) temperature.set(next.temperature);
  };
  const binding = bindState(model, frame, { keys: ["token_scores", "shift", "temperature"], draw, shown });
  return () => binding.dispose();
}

export default { render };
