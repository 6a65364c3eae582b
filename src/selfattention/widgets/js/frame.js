// What every widget's front end shares: the title/figure/message frame, the number
// controls, strict number reading, and Python-style number formatting.
//
// A widget module calls createFrame(el, title) in its render({model, el}) and puts its
// controls, figure and table into the parts it returns. The same code runs in
// JupyterLab (anywidget's model, talking to the kernel) and on the book's website
// (host.js's local model, no kernel). Nothing here touches the DOM at import time.

const CSS = `
.sa-live { border: 1px solid #ccc; border-radius: 6px; padding: 0.75rem; margin: 1rem 0;
  background: #fff; color: #222; font-family: system-ui, sans-serif; font-size: 15px;
  max-width: 100%; box-sizing: border-box; overflow-x: auto;
  contain: content; /* a redraw lays out and paints this box only, not the whole page */ }
.sa-live * { box-sizing: border-box; }
.sa-live .sa-title { font-weight: bold; margin: 0 0 0.5rem; font-size: 1.05em; }
.sa-live .sa-controls { display: grid; grid-template-columns: minmax(9em, max-content) minmax(8em, 22em) 6em;
  gap: 0.3rem 0.6rem; align-items: center; margin-bottom: 0.5rem; }
.sa-live .sa-controls label { text-align: right; overflow-wrap: anywhere; }
.sa-live input[type=range] { width: 100%; margin: 0; accent-color: #2f6c8e; }
.sa-live input.sa-number { width: 100%; font: inherit; padding: 0.1rem 0.3rem;
  border: 1px solid #888; border-radius: 3px; background: #fff; color: #222; }
.sa-live input.sa-number[aria-invalid=true] { border-color: #a00000; outline: 1px solid #a00000; }
.sa-live .sa-message:empty { display: none; }
.sa-live .sa-message { color: #a00000; background: #fff4f4; border-left: 4px solid #a00000;
  padding: 0.3rem 0.6rem; margin: 0.4rem 0; }
.sa-live .sa-figure svg { display: block; width: 100%; max-width: 600px; height: auto; }
.sa-live .sa-figure svg text { fill: #222; font-family: system-ui, sans-serif; }
.sa-live table.sa-table { border-collapse: collapse; margin-top: 0.5rem; color: #222; }
.sa-live table.sa-table th, .sa-live table.sa-table td { border: 1px solid #bbb;
  padding: 0.15rem 0.5rem; text-align: right; color: #222; font-variant-numeric: tabular-nums; }
.sa-live table.sa-table caption { caption-side: top; text-align: left; font-weight: bold; color: #222; }
.sa-live table.sa-heatmap td { text-align: center; min-width: 3.4em; }
.sa-live table.sa-heatmap td.sa-masked { color: #222; font-size: 0.85em;
  background: repeating-linear-gradient(45deg, #eee 0 4px, #d0d0d0 4px 8px); }
.sa-live-note { font-size: 0.85em; color: #555; margin: -0.6rem 0 1rem; }
html[data-theme=dark] .sa-live-note { color: #bbb; }
`;

/** Add the shared stylesheet to the document once (both hosts render into the page's DOM). */
export function injectStyle(doc = document) {
  if (doc.getElementById("sa-live-style")) return;
  const style = doc.createElement("style");
  style.id = "sa-live-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
}

let counter = 0;
/** A unique id for labels and aria references. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Create an element with attributes and children. Strings become text nodes. */
export function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of [].concat(children)) node.append(child);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";
/** Create an SVG element with attributes. */
export function s(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of [].concat(children)) node.append(child);
  return node;
}

/**
 * The frame every widget shows: title, controls, message, figure, table.
 *
 * showMessage(text) shows a styled message (role="alert") saying the input was not applied;
 * clearMessage() removes it. The widget keeps drawing its last good state meanwhile.
 * The frame also shows the kernel's message (the model's `error`), when there is one.
 */
export function createFrame(el, model) {
  injectStyle(el.ownerDocument);
  const root = h("div", { class: "sa-live" });
  const title = h("p", { class: "sa-title" }, model.get("title") || "");
  const controls = h("div", { class: "sa-controls" });
  const message = h("div", { class: "sa-message", role: "alert", "aria-live": "assertive" });
  const figure = h("div", { class: "sa-figure" });
  const table = h("div", { class: "sa-table-holder" });
  root.append(title, controls, message, figure, table);
  el.replaceChildren(root);

  let local = "";
  const refresh = () => {
    const text = local || model.get("error") || "";
    const shown = text ? `Not applied: ${text}. The widget shows the last input that worked.` : "";
    if (message.textContent !== shown) message.textContent = shown;
  };
  const onError = () => refresh();
  model.on("change:error", onError);
  refresh();
  return {
    root, controls, message, figure, table,
    showMessage(text) { local = text; refresh(); },
    clearMessage() { if (local) { local = ""; refresh(); } },
    dispose() { model.off("change:error", onError); },
  };
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Read typed text as a number, strictly: "abc", "" and "1,5" are errors naming `name`. */
export function parseNumber(text, name) {
  const trimmed = String(text).trim();
  if (trimmed === "") throw new Error(`${name} is empty: type a number`);
  if (!NUMBER.test(trimmed)) throw new Error(`${name}: could not read "${trimmed}" as a number`);
  const value = Number(trimmed);
  if (!Number.isFinite(value)) throw new Error(`${name}: ${trimmed} is too large to be a number here`);
  return value;
}

/** Throw unless min <= value <= max, naming `name` and the range. */
export function checkRange(value, min, max, name) {
  if (!(value >= min && value <= max)) {
    throw new Error(`${name} must lie in [${formatG(min)}, ${formatG(max)}], got ${formatG(value)}`);
  }
  return value;
}

/**
 * Format like Python's f"{value:.{digits}g}": the same text the package's tables show.
 * "NaN" and "inf" as the book's tables write them.
 */
export function formatG(value, digits = 4) {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa, exponentText] = value.toExponential(digits - 1).split("e");
  const exponent = Number(exponentText);
  const strip = (text) => (text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text);
  if (exponent < -4 || exponent >= digits) {
    const sign = exponent < 0 ? "-" : "+";
    return `${strip(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return strip(value.toFixed(Math.max(0, digits - 1 - exponent)));
}

/**
 * A labelled slider with a number box beside it, for one number in [min, max].
 *
 * Moving the slider or typing a number calls onValue(value) with exactly the value shown;
 * text that is not a number, or out of range, calls onError(message) and changes nothing.
 * With log=true the slider moves through log10(value) (for a temperature, say), and
 * `round` turns a slider position into the value shown and computed.
 */
export function numberControl({ label, name = label, min, max, step, value, log = false,
                                round = (v) => v, onValue, onError }) {
  const id = uid("sa-control");
  const toSlider = (v) => (log ? Math.log10(v) : v);
  const labelEl = h("label", { for: `${id}-box` }, label);
  const slider = h("input", {
    type: "range", id: `${id}-slider`, "aria-label": `${label} (slider)`,
    min: String(toSlider(min)), max: String(toSlider(max)), step: String(step),
  });
  const box = h("input", {
    type: "text", inputmode: "decimal", class: "sa-number", id: `${id}-box`,
    "aria-label": `${label} (type a number from ${formatG(min)} to ${formatG(max)})`,
    autocomplete: "off", spellcheck: "false",
  });
  let current = value;
  const show = (v, { keepBox = false } = {}) => {
    current = v;
    slider.value = String(toSlider(v));
    if (!keepBox) box.value = formatG(v, 6);
    box.setAttribute("aria-invalid", "false");
  };
  show(value);

  slider.addEventListener("input", () => {
    const v = round(log ? 10 ** Number(slider.value) : Number(slider.value));
    const accepted = onValue(v);
    if (accepted !== false) show(v);
  });
  const applyTyped = () => {
    let v;
    try {
      v = checkRange(parseNumber(box.value, name), min, max, name);
    } catch (error) {
      box.setAttribute("aria-invalid", "true");
      onError(error.message);
      return;
    }
    if (onValue(v) !== false) show(v, { keepBox: true });
  };
  box.addEventListener("change", applyTyped);
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") applyTyped(); });
  return {
    label: labelEl, slider, box,
    get value() { return current; },
    set(v) { show(v); },
    /** Put back the value in use if the box holds text that was refused. */
    resetIfInvalid() { if (box.getAttribute("aria-invalid") === "true") show(current); },
    mount(parent) { parent.append(labelEl, slider, box); },
  };
}

/**
 * The state loop every widget runs, in both hosts.
 *
 * `keys` are the model keys that make up the widget's state. `draw(state)` computes
 * everything the widget shows for a state and draws it; it must throw, before changing
 * anything, if the state cannot be used. `shown(view, state, source)` runs after a state
 * was drawn (view: what draw returned), to make every control other than `source` (the
 * one the reader moved, or null) show the state.
 *
 * apply(change, source) draws the state with `change` applied; if that works, it keeps
 * it, clears the message and sends the changed keys to the model (the kernel, in
 * JupyterLab) in one save_changes(). If not, the message says why, the last good state
 * stays drawn, and apply returns false. A change made on the model's side (a cell
 * setting a trait, or the kernel's last good state after it refused one) is drawn the
 * same way. The first state is drawn at once.
 */
export function bindState(model, frame, { keys, draw, shown = () => {} }) {
  const copy = (value) => (Array.isArray(value) ? value.map(copy) : value);
  const read = () => Object.fromEntries(keys.map((key) => [key, copy(model.get(key))]));
  let state = read();
  let applying = false;

  const apply = (change, source = null) => {
    const next = { ...state, ...change };
    let view;
    try {
      view = draw(next);
    } catch (error) {
      frame.showMessage(error.message);
      return false;
    }
    state = next;
    frame.clearMessage();
    shown(view, next, source);
    applying = true; // our own model.set calls fire change events: don't redraw twice
    try {
      for (const key of Object.keys(change)) model.set(key, next[key]);
      model.save_changes();
    } finally {
      applying = false;
    }
    return true;
  };

  const fromModel = () => {
    if (applying) return;
    const next = read();
    let view;
    try {
      view = draw(next);
    } catch (error) {
      frame.showMessage(error.message);
      return;
    }
    state = next;
    shown(view, next, null);
  };
  const events = keys.map((key) => `change:${key}`);
  events.forEach((event) => model.on(event, fromModel));
  shown(draw(state), state, null);
  return {
    get state() { return state; },
    apply,
    dispose() {
      events.forEach((event) => model.off(event, fromModel));
      frame.dispose();
    },
  };
}
