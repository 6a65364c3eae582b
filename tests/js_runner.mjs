// Runs functions of the widgets' JS modules for tests/test_js_math.py, under Node.
//
// Reads one JSON request per line on stdin, {"module": "attention_math.js", "fn": "softmax",
// "args": [...]}, and answers one JSON line on stdout: {"ok": true, "result": ...} or
// {"ok": false, "error": "<the Error's message>"}. The strings "Infinity", "-Infinity" and
// "NaN" in the arguments become those numbers; in results they are written as the bare
// literals Python's json module reads. `module` is a file in the folder given as the first
// argument, or an absolute path.

import { isAbsolute, join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const folder = process.argv[2];
const modules = new Map();
const SPECIAL = { Infinity: Infinity, "-Infinity": -Infinity, NaN: NaN };

async function load(name) {
  if (!modules.has(name)) {
    const path = isAbsolute(name) ? name : join(folder, name);
    modules.set(name, await import(pathToFileURL(path).href));
  }
  return modules.get(name);
}

function encode(value) {
  const text = JSON.stringify(value, (key, v) =>
    typeof v === "number" && !Number.isFinite(v) ? `__${v}__` : v);
  return text.replace(/"__(-?Infinity|NaN)__"/g, "$1");
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const request = JSON.parse(line, (key, v) => (typeof v === "string" && v in SPECIAL ? SPECIAL[v] : v));
  let answer;
  try {
    const module = await load(request.module);
    if (typeof module[request.fn] !== "function") throw new Error(`${request.module} has no function ${request.fn}`);
    answer = { ok: true, result: await module[request.fn](...request.args) };
  } catch (error) {
    answer = { ok: false, error: String(error?.message ?? error) };
  }
  process.stdout.write(encode(answer) + "\n");
}
