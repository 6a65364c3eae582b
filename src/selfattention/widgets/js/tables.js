// The widgets' tables, drawn in the browser as the package's html_tables draws them:
// heatmaps (viridis, the number written in every cell, in black or white by the WCAG
// contrast rule of colours.py) and plain tables of numbers. Same classes, same captions,
// same formatting, so a live widget reads exactly like its static snapshot.
// (Self-contained: the bundle anywidget loads inlines shared modules, which therefore
// import nothing themselves.)

function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of [].concat(children)) node.append(child);
  return node;
}

/** The 256 colours of viridis, as html_tables.py writes them: entry 0 lowest (dark purple). */
export const VIRIDIS = [
  "#440154", "#440256", "#450457", "#450559", "#46075a", "#46085c", "#460a5d", "#460b5e",
  "#470d60", "#470e61", "#471063", "#471164", "#471365", "#481467", "#481668", "#481769",
  "#48186a", "#481a6c", "#481b6d", "#481c6e", "#481d6f", "#481f70", "#482071", "#482173",
  "#482374", "#482475", "#482576", "#482677", "#482878", "#482979", "#472a7a", "#472c7a",
  "#472d7b", "#472e7c", "#472f7d", "#46307e", "#46327e", "#46337f", "#463480", "#453581",
  "#453781", "#453882", "#443983", "#443a83", "#443b84", "#433d84", "#433e85", "#423f85",
  "#424086", "#424186", "#414287", "#414487", "#404588", "#404688", "#3f4788", "#3f4889",
  "#3e4989", "#3e4a89", "#3e4c8a", "#3d4d8a", "#3d4e8a", "#3c4f8a", "#3c508b", "#3b518b",
  "#3b528b", "#3a538b", "#3a548c", "#39558c", "#39568c", "#38588c", "#38598c", "#375a8c",
  "#375b8d", "#365c8d", "#365d8d", "#355e8d", "#355f8d", "#34608d", "#34618d", "#33628d",
  "#33638d", "#32648e", "#32658e", "#31668e", "#31678e", "#31688e", "#30698e", "#306a8e",
  "#2f6b8e", "#2f6c8e", "#2e6d8e", "#2e6e8e", "#2e6f8e", "#2d708e", "#2d718e", "#2c718e",
  "#2c728e", "#2c738e", "#2b748e", "#2b758e", "#2a768e", "#2a778e", "#2a788e", "#29798e",
  "#297a8e", "#297b8e", "#287c8e", "#287d8e", "#277e8e", "#277f8e", "#27808e", "#26818e",
  "#26828e", "#26828e", "#25838e", "#25848e", "#25858e", "#24868e", "#24878e", "#23888e",
  "#23898e", "#238a8d", "#228b8d", "#228c8d", "#228d8d", "#218e8d", "#218f8d", "#21908d",
  "#21918c", "#20928c", "#20928c", "#20938c", "#1f948c", "#1f958b", "#1f968b", "#1f978b",
  "#1f988b", "#1f998a", "#1f9a8a", "#1e9b8a", "#1e9c89", "#1e9d89", "#1f9e89", "#1f9f88",
  "#1fa088", "#1fa188", "#1fa187", "#1fa287", "#20a386", "#20a486", "#21a585", "#21a685",
  "#22a785", "#22a884", "#23a983", "#24aa83", "#25ab82", "#25ac82", "#26ad81", "#27ad81",
  "#28ae80", "#29af7f", "#2ab07f", "#2cb17e", "#2db27d", "#2eb37c", "#2fb47c", "#31b57b",
  "#32b67a", "#34b679", "#35b779", "#37b878", "#38b977", "#3aba76", "#3bbb75", "#3dbc74",
  "#3fbc73", "#40bd72", "#42be71", "#44bf70", "#46c06f", "#48c16e", "#4ac16d", "#4cc26c",
  "#4ec36b", "#50c46a", "#52c569", "#54c568", "#56c667", "#58c765", "#5ac864", "#5cc863",
  "#5ec962", "#60ca60", "#63cb5f", "#65cb5e", "#67cc5c", "#69cd5b", "#6ccd5a", "#6ece58",
  "#70cf57", "#73d056", "#75d054", "#77d153", "#7ad151", "#7cd250", "#7fd34e", "#81d34d",
  "#84d44b", "#86d549", "#89d548", "#8bd646", "#8ed645", "#90d743", "#93d741", "#95d840",
  "#98d83e", "#9bd93c", "#9dd93b", "#a0da39", "#a2da37", "#a5db36", "#a8db34", "#aadc32",
  "#addc30", "#b0dd2f", "#b2dd2d", "#b5de2b", "#b8de29", "#bade28", "#bddf26", "#c0df25",
  "#c2df23", "#c5e021", "#c8e020", "#cae11f", "#cde11d", "#d0e11c", "#d2e21b", "#d5e21a",
  "#d8e219", "#dae319", "#dde318", "#dfe318", "#e2e418", "#e5e419", "#e7e419", "#eae51a",
  "#ece51b", "#efe51c", "#f1e51d", "#f4e61e", "#f6e620", "#f8e621", "#fbe723", "#fde725",
];

function luminance(hex) {
  const channel = (k) => {
    const c = parseInt(hex.slice(1 + 2 * k, 3 + 2 * k), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** "black" or "white": whichever contrasts more with the background (colours.text_colour). */
export function textColour(hex) {
  const l = luminance(hex);
  const withBlack = (l + 0.05) / 0.05;
  const withWhite = 1.05 / (l + 0.05);
  return withBlack >= withWhite ? "black" : "white";
}

const FOREGROUNDS = VIRIDIS.map(textColour);

/** Background and text colour of a cell holding `value` (html_tables.cell_colour). */
export function cellColour(value, vmin, vmax) {
  let index = 0;
  if (vmax > vmin) index = Math.min(Math.max(Math.round(((value - vmin) / (vmax - vmin)) * 255), 0), 255);
  return [VIRIDIS[index], FOREGROUNDS[index]];
}

/**
 * `value` with `digits` decimals, as Python's f"{value:.2f}" writes it; a value that
 * rounds to zero is "0.00", never "-0.00". With sign=true a + is written (f"{value:+.2f}").
 */
export function formatFixed(value, digits = 2, sign = false) {
  let text = value.toFixed(digits);
  // A value exactly halfway (0.125 at two decimals: uniform weights over 8 tokens) is
  // rounded to even by Python and away from zero by toFixed; do as Python does.
  const exact = Math.abs(value).toFixed(digits + 40);
  if (/5$/.test(exact.slice(0, exact.length - 39)) && /^0+$/.test(exact.slice(exact.length - 39))) {
    const kept = exact.slice(0, exact.length - 40);
    const last = Number(kept.replace(".", "").slice(-1));
    const magnitude = last % 2 === 0 ? Number(kept) : Number(kept) + 10 ** -digits;
    text = (value < 0 ? -magnitude : magnitude).toFixed(digits);
  }
  if (Number(text) === 0) text = (0).toFixed(digits);
  return sign && !text.startsWith("-") ? `+${text}` : text;
}

const SUPERSCRIPTS = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/**
 * `value` to `digits` significant digits for a reader (selfattention.book.readable_number): "0.0250",
 * "312"; below a thousandth "8.50 × 10⁻⁷", never code notation.
 */
export function formatReadable(value, digits = 3) {
  if (value === 0) return "0";
  const [mantissa, exponentText] = formatE(value, digits - 1).split("e");
  const power = Number(exponentText);
  if (power < -3) return `${mantissa} × 10${[...String(power)].map((c) => SUPERSCRIPTS[c]).join("")}`;
  return formatFixed(value, Math.max(0, digits - 1 - power));
}

/** Python's f"{value:.{digits}e}": "2.50e-02", not JS's "2.50e-2". */
export function formatE(value, digits = 2) {
  const [mantissa, exponent] = value.toExponential(digits).split("e");
  const e = Number(exponent);
  return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/**
 * Show freshly drawn `tables` in `holder`. When the tables on screen have the same shape
 * (as many cells, the same header texts), the new cells' text, class and style are copied
 * into them instead of replacing them: the browser restyles cells rather than laying out
 * new tables, so a change reaches the screen within a frame.
 */
export function showTables(holder, tables) {
  const shown = [...holder.children];
  if (tables.length === shown.length && tables.every((table, k) => sameShape(table, shown[k]))) {
    tables.forEach((table, k) => patchTable(shown[k], table));
  } else {
    holder.replaceChildren(...tables);
  }
}

function sameShape(table, old) {
  if (!old || old.tagName !== "TABLE") return false;
  const a = table.querySelectorAll("th, td"), b = old.querySelectorAll("th, td");
  return a.length === b.length && [...a].every((cell, k) => cell.tagName === b[k].tagName &&
    (cell.tagName === "TD" || cell.textContent === b[k].textContent));
}

function patchTable(old, table) {
  if (old.caption && old.caption.textContent !== table.caption?.textContent) {
    old.caption.textContent = table.caption?.textContent ?? "";
  }
  const fresh = table.querySelectorAll("td"), shown = old.querySelectorAll("td");
  fresh.forEach((cell, k) => {
    const target = shown[k];
    if (target.textContent !== cell.textContent) target.textContent = cell.textContent;
    for (const name of ["class", "style"]) {
      const value = cell.getAttribute(name);
      if (target.getAttribute(name) !== value) {
        if (value === null) target.removeAttribute(name);
        else target.setAttribute(name, value);
      }
    }
  });
}

function checkGrid(matrix, rows, cols, name) {
  if (!Array.isArray(matrix) || matrix.length === 0) throw new Error(`${name} is empty`);
  if (matrix.length !== rows.length || matrix.some((row) => row.length !== cols.length)) {
    throw new Error(`${name} must have ${rows.length} rows of ${cols.length} numbers`);
  }
  matrix.forEach((row, i) => row.forEach((v, j) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${name}[${i}][${j}] must be a finite number, got ${v}`);
  }));
}

function table(className, caption, corner, cols, bodyRows) {
  return h("table", { class: className }, [
    h("caption", {}, caption),
    h("thead", {}, [h("tr", {}, [h("th", { scope: "col" }, corner),
                                  ...cols.map((c) => h("th", { scope: "col" }, c))])]),
    h("tbody", {}, bodyRows),
  ]);
}

/**
 * An annotated heatmap as a <table class="sa-table sa-heatmap">, as html_tables.heatmap_table.
 *
 * matrix: rows of finite numbers; rows, cols: their labels (text, never HTML). vmin/vmax
 * default to the matrix's own range. `masked(i, j)`, if given, marks cells that attention
 * may not use: they show "masked" on a hatched grey background (not a colour of the map).
 */
export function heatmapTable({ matrix, rows, cols, caption, digits = 2, vmin = null, vmax = null,
                               corner = "query \\ key", masked = null }) {
  const open = masked ? matrix.map((row, i) => row.map((_, j) => !masked(i, j))) : null;
  checkGrid(matrix.map((row, i) => row.map((v, j) => (open && !open[i][j] ? 0 : v))), rows, cols, "matrix");
  const shown = matrix.flatMap((row, i) => row.filter((_, j) => !open || open[i][j]));
  const low = vmin ?? Math.min(...shown);
  const high = vmax ?? Math.max(...shown);
  const legend = `${caption} Colour: ${formatFixed(low, digits)} darkest, ${formatFixed(high, digits)} brightest.`;
  const body = matrix.map((values, i) => h("tr", {}, [
    h("th", { scope: "row" }, rows[i]),
    ...values.map((value, j) => {
      if (open && !open[i][j]) return h("td", { class: "sa-masked" }, "masked");
      const [background, foreground] = cellColour(value, low, high);
      return h("td", { style: `background:${background};color:${foreground}` }, formatFixed(value, digits));
    }),
  ]));
  return table("sa-table sa-heatmap", legend, corner, cols, body);
}

/**
 * Numbers in a plain <table class="sa-table">, as html_tables.number_table. `digits` is one
 * number or one per column; boldRows/boldCols are indices set in bold; sign=true writes a +.
 */
export function numberTable({ matrix, rows, cols, caption, digits = 2, corner = "", boldRows = [],
                              boldCols = [], sign = false }) {
  checkGrid(matrix, rows, cols, "values");
  const perColumn = Array.isArray(digits) ? digits : cols.map(() => digits);
  const body = matrix.map((values, i) => h("tr", boldRows.includes(i) ? { style: "font-weight:bold" } : {}, [
    h("th", { scope: "row" }, rows[i]),
    ...values.map((v, j) => {
      const text = formatFixed(v, perColumn[j], sign);
      return h("td", {}, boldCols.includes(j) ? [h("strong", {}, text)] : text);
    }),
  ]));
  return table("sa-table", caption, corner, cols, body);
}
