// Mounts the book's widgets on a static page of the website: no kernel, no widget
// manager, nothing from a CDN. The page is built with one container per widget:
//
//   <div class="sa-live-widget" data-sa-widget="softmax">
//     <script type="application/json" class="sa-widget-state">{...initial state...}</script>
//     <figure class="sa-widget-snapshot">...the static snapshot...</figure>
//   </div>
//
// For each one this script imports the widget's own module (softmax.js, next to this
// file), which is the very module anywidget runs in JupyterLab, and calls its
// render({model, el}) with a LocalModel seeded from the state. The live widget then
// takes the snapshot's place on screen. Without JavaScript, and in print, the snapshot shows.

/**
 * The part of a widget model that anywidget's render({model, el}) uses, kept in the page.
 *
 * get/set read and write the state; set fires "change:<key>" and "change" listeners, as
 * Backbone models do in JupyterLab. save_changes() would send the changes to a kernel:
 * here there is none, so it only marks them saved. send() has no kernel to reach either.
 *
 * `hasKernel` is false here (anywidget's model has no such property): a widget that
 * needs the kernel for some work (embedding a new sentence with a real model, say)
 * checks `model.hasKernel === false` and says "needs a kernel" instead of waiting.
 */
export class LocalModel {
  hasKernel = false;

  constructor(state) {
    this._state = { ...state };
    this._listeners = new Map();
    this._unsaved = new Set();
  }

  get(key) {
    return this._state[key];
  }

  set(key, value) {
    if (Object.is(this._state[key], value)) return;
    this._state[key] = value;
    this._unsaved.add(key);
    this._emit(`change:${key}`, value);
    this._emit("change", value);
  }

  on(event, callback) {
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(callback);
  }

  off(event, callback) {
    if (event == null) this._listeners.clear();
    else if (callback == null) this._listeners.delete(event);
    else this._listeners.get(event)?.delete(callback);
  }

  save_changes() {
    this._unsaved.clear();
  }

  send(content, callbacks, buffers) {
    // No kernel on a static page. Widgets only send custom messages to ask the kernel
    // for work they cannot do in the page; they must not need an answer here.
  }

  _emit(event, value) {
    for (const callback of [...(this._listeners.get(event) ?? [])]) callback(value);
  }
}

const NAME = /^[a-z][a-z0-9_]*$/;

/** Mount one widget container; leaves the snapshot in place if anything fails. */
export async function mount(container) {
  const name = container.dataset.saWidget;
  if (!NAME.test(name ?? "")) throw new Error(`bad widget name ${JSON.stringify(name)}`);
  const stateScript = container.querySelector("script.sa-widget-state");
  const state = JSON.parse(stateScript.textContent);
  const module = await import(new URL(`./${name}.js`, import.meta.url).href);
  const widget = module.default;
  const model = new LocalModel(state);
  if (widget.initialize) await widget.initialize({ model });
  const el = document.createElement("div");
  el.className = "sa-live-root";
  await widget.render({ model, el });
  const note = document.createElement("p");
  note.className = "sa-live-note";
  note.textContent =
    "Live: this widget runs in your browser, computed by the page itself. The code cells " +
    "ran once, when the book was built; to change them, launch the chapter (rocket button).";
  el.append(note);
  // The snapshot stays in the page, hidden on screen, for print (book.css, @media print).
  const snapshot = container.querySelector(".sa-widget-snapshot");
  if (snapshot) {
    snapshot.before(el);
    snapshot.classList.add("sa-print-only");
  } else container.append(el);
  container.dataset.saLive = "mounted";
  return model;
}

async function mountAll() {
  const containers = [...document.querySelectorAll(".sa-live-widget[data-sa-widget]:not([data-sa-live])")];
  await Promise.all(containers.map((container) => mount(container).catch((error) => {
    container.dataset.saLive = "failed";
    console.error(`selfattention widget "${container.dataset.saWidget}" could not start:`, error);
  })));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
else mountAll();
