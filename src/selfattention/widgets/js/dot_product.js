// The dot product explorer's front end: two vectors in the plane, each set by its length
// and angle or by its coordinates; an SVG of the two arrows, the angle between them and
// the shadow of b on a's line; and the table of the sum of products, |a| |b| cos θ and
// the cosine similarity.
//
// Everything shown is computed here (attention_math.js's dot) so a change redraws at once;
// in JupyterLab the new state also goes to the kernel, where the package computes
// `.dot_product` and the rest (the reference). State (the model's keys): a and b, the two
// vectors' coordinates, exactly as typed or as the length and angle give them; plus title
// and error from the shared base. Neither kind of control rounds the other.

import { dot } from "./attention_math.js";
import { bindState, createFrame, h, numberControl, s, uid } from "./frame.js";

const MAX_LENGTH = 5;
const COLOURS = ["#463480", "#26ad81"]; // viridis at 0.15 and 0.62, as the package's arrows
const LIMIT = MAX_LENGTH + 0.5;

const degrees = (radians) => (radians * 180) / Math.PI;
const radians = (deg) => (deg * Math.PI) / 180;

/** Length and angle (degrees, in (-180, 180]) of a 2-D vector, as xy_to_polar. */
export function toPolar(v) {
  return [Math.hypot(v[0], v[1]), degrees(Math.atan2(v[1], v[0]))];
}

/** The vector of a given length at `angle` degrees, as polar_to_xy. */
export function fromPolar(length, angle) {
  const t = radians(angle);
  return [length * Math.cos(t), length * Math.sin(t)];
}

function checkVector(v, name) {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new Error(`${name} must have two finite coordinates (x, y)`);
  }
  const length = Math.hypot(v[0], v[1]);
  if (length === 0) throw new Error(`${name} is the zero vector, which has no direction`);
  if (length > MAX_LENGTH) {
    throw new Error(`${name} would have length ${Number(length.toPrecision(4))}; keep it at most ` +
                    `${MAX_LENGTH} so that it fits the drawing`);
  }
}

/** Everything the figure and the table show for one state {a, b}; throws for unusable vectors. */
export function computeView(state) {
  const { a, b } = state;
  checkVector(a, "a");
  checkVector(b, "b");
  const [lengthA, angleA] = toPolar(a);
  const [lengthB, angleB] = toPolar(b);
  const product = dot(a, b); // algebra: the sum of products
  const turn = angleB - angleA; // geometry: from the two directions alone
  const theta = Math.abs((((turn + 180) % 360) + 360) % 360 - 180);
  const lengthsTimesCosine = lengthA * lengthB * Math.cos(radians(theta));
  const cosine = product / (lengthA * lengthB);
  const along = product / (lengthA * lengthA); // b's shadow is along * a
  return {
    a, b, lengthA, angleA, lengthB, angleB, theta, dot: product, lengthsTimesCosine, cosine,
    shadow: lengthB * cosine, foot: [along * a[0], along * a[1]],
  };
}

/** The sentence describing the figure: the same words as the Python side's describe(). */
export function describe(view) {
  return (
    `Two arrows from the origin: a (solid) of length ${view.lengthA.toFixed(2)} at ` +
    `${view.angleA.toFixed(0)} degrees and b (dashed) of length ${view.lengthB.toFixed(2)} at ` +
    `${view.angleB.toFixed(0)} degrees, with an arc marking the angle of ${view.theta.toFixed(0)} ` +
    "degrees between them and a shaded shadow of b along a's line. The dot product is " +
    `${view.dot.toFixed(3)}, equal to |a| |b| cos θ = ${view.lengthsTimesCosine.toFixed(3)}; ` +
    `the cosine similarity is ${view.cosine.toFixed(3)}.`
  );
}

/** The table's rows, [quantity, value]: the same text as the Python side's table. */
export function tableRows(view) {
  const f = (x) => x.toFixed(3);
  const [ax, ay] = view.a, [bx, by] = view.b;
  return [
    ["a", `(${f(ax)}, ${f(ay)}), length ${f(view.lengthA)}`],
    ["b", `(${f(bx)}, ${f(by)}), length ${f(view.lengthB)}`],
    ["angle θ between them", `${view.theta.toFixed(1)}°`],
    ["sum of products a_x b_x + a_y b_y", `${f(ax)}×${f(bx)} + ${f(ay)}×${f(by)} = ${f(view.dot)}`],
    ["lengths and angle |a| |b| cos θ",
     `${f(view.lengthA)} × ${f(view.lengthB)} × ${f(Math.cos(radians(view.theta)))} = ${f(view.lengthsTimesCosine)}`],
    ["cosine similarity (lengths ignored)", f(view.cosine)],
    ["shadow of b on a's line, |b| cos θ", f(view.shadow)],
  ];
}

function buildFigure() {
  const size = 440, pad = 20, half = (size - 2 * pad) / 2;
  const px = (v) => [size / 2 + (v[0] / LIMIT) * half, size / 2 - (v[1] / LIMIT) * half];
  const titleId = uid("sa-dot-title"), descId = uid("sa-dot-desc");
  const titleEl = s("title", { id: titleId }, "Two vectors, the angle between them and a shadow");
  const descEl = s("desc", { id: descId });
  const marker = (id, colour) => s("marker", {
    id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse",
  }, [s("path", { d: "M0,0 L10,5 L0,10 z", fill: colour })]);
  const ids = [uid("sa-arrow-a"), uid("sa-arrow-b")];
  const svg = s("svg", {
    viewBox: `0 0 ${size} ${size}`, role: "img", "aria-labelledby": `${titleId} ${descId}`,
    class: "sa-dot-figure",
  }, [titleEl, descEl, s("defs", {}, [marker(ids[0], COLOURS[0]), marker(ids[1], COLOURS[1])])]);
  for (let tick = -5; tick <= 5; tick++) {
    const [x] = px([tick, 0]), [, y] = px([0, tick]);
    const axis = tick === 0;
    svg.append(
      s("line", { x1: x, x2: x, y1: pad, y2: size - pad, stroke: axis ? "#888" : "#e4e4e4" }),
      s("line", { x1: pad, x2: size - pad, y1: y, y2: y, stroke: axis ? "#888" : "#e4e4e4" }),
    );
  }
  const shadow = s("line", { stroke: COLOURS[1], "stroke-width": 9, "stroke-opacity": 0.35, class: "sa-shadow" });
  const drop = s("line", { stroke: "#222", "stroke-dasharray": "2 3", "stroke-width": 1.2 });
  const arc = s("path", { fill: "none", stroke: "#222", "stroke-width": 1.2 });
  const arrows = [0, 1].map((i) => s("line", {
    stroke: COLOURS[i], "stroke-width": 3, "marker-end": `url(#${ids[i]})`,
    "stroke-dasharray": i === 0 ? "none" : "8 5", class: `sa-arrow-${"ab"[i]}`,
  }));
  const names = [0, 1].map((i) => s("text", { fill: COLOURS[i], "font-size": 16, "font-weight": "bold" }, "ab"[i]));
  const arcLabel = s("text", { x: pad + 4, y: pad + 14, "font-size": 14, class: "sa-angle-label" });
  svg.append(shadow, drop, arc, ...arrows, ...names, arcLabel);
  const [ox, oy] = px([0, 0]);
  const update = (view) => {
    descEl.textContent = describe(view);
    [view.a, view.b].forEach((v, i) => {
      const [x, y] = px(v);
      arrows[i].setAttribute("x1", ox); arrows[i].setAttribute("y1", oy);
      arrows[i].setAttribute("x2", x); arrows[i].setAttribute("y2", y);
      const [lx, ly] = px([v[0] * 1.08 + 0.15 * Math.sign(v[0] || 1), v[1] * 1.08 + 0.15 * Math.sign(v[1] || 1)]);
      names[i].setAttribute("x", lx); names[i].setAttribute("y", ly);
    });
    const [fx, fy] = px(view.foot), [bx, by] = px(view.b);
    for (const [line, x2, y2, x1, y1] of [[shadow, fx, fy, ox, oy], [drop, fx, fy, bx, by]]) {
      line.setAttribute("x1", x1); line.setAttribute("y1", y1);
      line.setAttribute("x2", x2); line.setAttribute("y2", y2);
    }
    // the arc from a's direction to b's, the short way round
    let turn = view.angleB - view.angleA;
    turn = (((turn + 180) % 360) + 360) % 360 - 180;
    const r = 0.9, steps = 32, points = [];
    for (let k = 0; k <= steps; k++) {
      const t = radians(view.angleA + (turn * k) / steps);
      points.push(px([r * Math.cos(t), r * Math.sin(t)]).map((n) => n.toFixed(2)).join(","));
    }
    arc.setAttribute("d", `M${points.join(" L")}`);
    arcLabel.textContent = `θ = ${view.theta.toFixed(1)}°`;
  };
  return { svg, update };
}

function buildTable() {
  const body = h("tbody");
  const cells = [];
  const labels = ["a", "b", "angle θ between them", "sum of products a<sub>x</sub>b<sub>x</sub> + a<sub>y</sub>b<sub>y</sub>",
                  "lengths and angle |a| |b| cos θ", "cosine similarity (lengths ignored)",
                  "shadow of b on a's line, |b| cos θ"];
  for (const label of labels) {
    const th = h("th", { scope: "row" });
    th.innerHTML = label; // fixed text of this module, not the reader's
    const td = h("td");
    body.append(h("tr", {}, [th, td]));
    cells.push(td);
  }
  const table = h("table", { class: "sa-table" }, [
    h("caption", {}, "The numbers now"),
    h("thead", {}, [h("tr", {}, [h("th", { scope: "col" }, "quantity"), h("th", { scope: "col" }, "value")])]),
    body,
  ]);
  const update = (view) => tableRows(view).forEach(([, value], i) => { cells[i].textContent = value; });
  return { table, update };
}

function render({ model, el }) {
  const frame = createFrame(el, model);
  const figure = buildFigure();
  const table = buildTable();
  frame.figure.append(figure.svg);
  frame.table.append(table.table);

  const draw = (next) => {
    const view = computeView(next); // throws before anything changes if the state is unusable
    figure.update(view);
    table.update(view);
    return view;
  };

  const controls = {};
  const showAll = (view, source) => {
    const values = {
      lengthA: view.lengthA, angleA: view.angleA, lengthB: view.lengthB, angleB: view.angleB,
      ax: view.a[0], ay: view.a[1], bx: view.b[0], by: view.b[1],
    };
    for (const [key, control] of Object.entries(controls)) {
      if (control !== source) control.set(values[key]);
    }
  };

  const onError = (text) => frame.showMessage(text);
  const polar = (name, part) => (v) => {
    const [length, angle] = toPolar(binding.state[name]);
    const vector = part === "length" ? fromPolar(v, angle) : fromPolar(length, v);
    return binding.apply({ [name]: vector }, controls[`${part}${name.toUpperCase()}`]);
  };
  const coordinate = (name, index) => (v) => {
    const vector = [...binding.state[name]];
    vector[index] = v;
    return binding.apply({ [name]: vector }, controls[`${name}${"xy"[index]}`]);
  };
  for (const name of ["a", "b"]) {
    const upper = name.toUpperCase();
    controls[`length${upper}`] = numberControl({
      label: `length of ${name}`, min: 0, max: MAX_LENGTH, step: 0.1, value: 1,
      onValue: polar(name, "length"), onError,
    });
    controls[`angle${upper}`] = numberControl({
      label: `angle of ${name} (°)`, min: -180, max: 180, step: 1, value: 0,
      onValue: polar(name, "angle"), onError,
    });
  }
  for (const name of ["a", "b"]) {
    ["x", "y"].forEach((axis, index) => {
      controls[`${name}${axis}`] = numberControl({
        label: `${name}: ${axis}`, min: -MAX_LENGTH, max: MAX_LENGTH, step: 0.1, value: 0,
        onValue: coordinate(name, index), onError,
      });
    });
  }
  const order = ["lengthA", "angleA", "lengthB", "angleB", "ax", "ay", "bx", "by"];
  order.forEach((key) => controls[key].mount(frame.controls));
  // Exact values: neither kind of control rounds the other.
  const binding = bindState(model, frame, {
    keys: ["a", "b"], draw, shown: (view, next, source) => showAll(view, source),
  });
  return () => binding.dispose();
}

export default { render };
