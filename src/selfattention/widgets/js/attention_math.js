// The maths the widgets show, computed in the browser so a change redraws within one frame.
//
// This is a small, readable copy of what the `selfattention` package computes; the
// package stays the reference, and tests/test_js_math.py checks the two agree to 1e-6.
// Vectors are arrays of numbers, matrices arrays of rows. Shapes use the book's names:
// T tokens, d_model, d_k, d_v. Every function checks its input and throws an Error
// whose message names the argument, like the package's ValueError/TypeError.

function fail(message) {
  throw new Error(message);
}

function checkVector(v, name) {
  if (!Array.isArray(v) || v.length === 0) fail(`${name} must be a non-empty list of numbers`);
  v.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      fail(`${name}[${i}] must be a finite number, got ${x}`);
    }
  });
}

function checkMatrix(m, name) {
  if (!Array.isArray(m) || m.length === 0) fail(`${name} must be a non-empty list of rows`);
  m.forEach((row, i) => checkVector(row, `${name}[${i}]`));
  const width = m[0].length;
  m.forEach((row, i) => {
    if (row.length !== width) {
      fail(`${name}: row ${i} has ${row.length} numbers but row 0 has ${width}`);
    }
  });
}

/** Check that `value` is a finite number greater than 0 and return it. */
export function checkPositive(value, name) {
  if (typeof value !== "number" || Number.isNaN(value)) {
    fail(`${name} must be a real number, got ${typeof value === "number" ? value : typeof value}`);
  }
  if (!Number.isFinite(value) || value <= 0) {
    fail(`${name} must be a finite number greater than 0, got ${value}`);
  }
  return value;
}

/** a · b = sum_i a_i b_i. */
export function dot(a, b) {
  checkVector(a, "a");
  checkVector(b, "b");
  if (a.length !== b.length) fail(`a and b must have the same length, got ${a.length} and ${b.length}`);
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * b[i];
  return total;
}

/** The transpose of a matrix: rows become columns. */
export function transpose(m) {
  return m[0].map((_, j) => m.map((row) => row[j]));
}

/** A @ B for A of shape (n, k) and B of shape (k, m). */
export function matmul(a, b, names = ["A", "B"]) {
  checkMatrix(a, names[0]);
  checkMatrix(b, names[1]);
  if (a[0].length !== b.length) {
    fail(`${names[0]} has ${a[0].length} columns but ${names[1]} has ${b.length} rows`);
  }
  const columns = transpose(b);
  return a.map((row) => columns.map((column) => dot(row, column)));
}

/**
 * Softmax of one row of scores at a temperature: non-negative weights summing to 1.
 *
 * 1. Subtract the largest score, so every exponent is <= 0 and nothing overflows.
 * 2. Exponentiate (divided by the temperature): strengths in (0, 1].
 * 3. Divide by the total: each strength's share.
 * Scores of -Infinity (masked) get weight 0; at least one score must be finite.
 */
export function softmax(scores, temperature = 1) {
  checkPositive(temperature, "temperature");
  if (!Array.isArray(scores) || scores.length === 0) fail("scores must be a non-empty list of numbers");
  scores.forEach((s, i) => {
    if (typeof s !== "number" || Number.isNaN(s) || s === Infinity) {
      fail(`scores[${i}] must be a finite number (or -Infinity where masked), got ${s}`);
    }
  });
  const largest = Math.max(...scores);
  if (largest === -Infinity) fail("every score is -Infinity: there is nothing to attend to");
  const strengths = scores.map((s) => Math.exp((s - largest) / temperature)); // 1, 2
  const total = strengths.reduce((sum, x) => sum + x, 0);
  return strengths.map((x) => x / total); // 3
}

/** The textbook formula without the max shift: overflows to NaN for large scores (teaching only). */
export function naiveSoftmax(scores) {
  const strengths = scores.map((s) => Math.exp(s));
  const total = strengths.reduce((sum, x) => sum + x, 0);
  return strengths.map((x) => x / total);
}

/** All the weight on the largest score; ties share it equally. */
export function hardmax(scores) {
  checkVector(scores, "scores");
  const largest = Math.max(...scores);
  const winners = scores.map((s) => (s === largest ? 1 : 0));
  const count = winners.reduce((sum, x) => sum + x, 0);
  return winners.map((x) => x / count);
}

/** The factor that keeps scores of d_k-dimensional vectors on a steady scale: 1 / sqrt(d_k). */
export function scaleFactor(dK) {
  if (!Number.isInteger(dK) || dK < 1) fail(`d_k must be a whole number >= 1, got ${dK}`);
  return 1 / Math.sqrt(dK);
}

/**
 * Put -Infinity where a boolean mask forbids attention (true = may attend).
 * A query row with no true entry has nothing to attend to: that is an error.
 */
export function applyMask(scores, mask) {
  checkMatrix(scores, "scores");
  if (!Array.isArray(mask) || mask.length !== scores.length) {
    fail(`mask must have one row per query: ${scores.length} rows, got ${mask?.length}`);
  }
  return scores.map((row, i) => {
    const allowed = mask[i];
    if (!Array.isArray(allowed) || allowed.length !== row.length) {
      fail(`mask row ${i} must have ${row.length} entries`);
    }
    allowed.forEach((m, j) => {
      if (typeof m !== "boolean") fail(`mask[${i}][${j}] must be true or false, got ${m}`);
    });
    if (!allowed.includes(true)) {
      fail(`mask leaves query row ${i} with no key it may attend to; every query needs at least one true`);
    }
    return row.map((s, j) => (allowed[j] ? s : -Infinity));
  });
}

/** sum_i weights_i * values_i: one new vector, a weighted mix of the value rows. */
export function weightedSum(weights, values) {
  checkVector(weights, "weights");
  checkMatrix(values, "values");
  if (weights.length !== values.length) {
    fail(`weights has ${weights.length} entries but values has ${values.length} rows`);
  }
  return values[0].map((_, j) => weights.reduce((sum, w, i) => sum + w * values[i][j], 0));
}

/**
 * Scaled dot-product attention of queries over keys, mixing the values.
 *
 * queries (T_q, d_k), keys (T_k, d_k), values (T_k, d_v). Options: `scale` multiplies the
 * scores (default 1/sqrt(d_k)), `temperature` divides them, `mask` (T_q, T_k) of booleans.
 * Returns {scores (raw Q K^T), scaledScores, weights, output, scale}.
 */
export function scaledDotProductAttention(queries, keys, values, { mask = null, scale = null, temperature = 1 } = {}) {
  checkMatrix(queries, "queries");
  checkMatrix(keys, "keys");
  checkMatrix(values, "values");
  if (queries[0].length !== keys[0].length) {
    fail(`queries and keys must have the same d_k, got ${queries[0].length} and ${keys[0].length}`);
  }
  if (keys.length !== values.length) {
    fail(`keys and values must have one row per token each, got ${keys.length} and ${values.length}`);
  }
  const factor = scale === null ? scaleFactor(queries[0].length) : checkPositive(scale, "scale");
  checkPositive(temperature, "temperature");
  const scores = matmul(queries, transpose(keys), ["queries", "keys^T"]); // (T_q, d_k) @ (d_k, T_k) -> (T_q, T_k)
  let scaledScores = scores.map((row) => row.map((s) => s * factor));
  if (mask !== null) scaledScores = applyMask(scaledScores, mask);
  const weights = scaledScores.map((row) => softmax(row, temperature)); // each row sums to 1
  const output = weights.map((row) => weightedSum(row, values)); // (T_q, T_k) @ (T_k, d_v) -> (T_q, d_v)
  return { scores, scaledScores, weights, output, scale: factor };
}

/**
 * Self-attention of a sequence with itself: project x into queries, keys and values, then attend.
 *
 * x (T, d_model), wQ and wK (d_model, d_k), wV (d_model, d_v); options as above.
 * Returns {queries, keys, values, scores, scaledScores, weights, output, scale}.
 */
export function selfAttention(x, wQ, wK, wV, options = {}) {
  checkMatrix(x, "x");
  const dModel = x[0].length;
  for (const [name, w] of [["w_q", wQ], ["w_k", wK], ["w_v", wV]]) {
    checkMatrix(w, name);
    if (w.length !== dModel) fail(`${name} must have d_model=${dModel} rows to match x, got ${w.length}`);
  }
  if (wQ[0].length !== wK[0].length) {
    fail(`w_q and w_k must give queries and keys of the same size d_k, got ${wQ[0].length} and ${wK[0].length}`);
  }
  const queries = matmul(x, wQ, ["x", "w_q"]); // (T, d_model) @ (d_model, d_k) -> (T, d_k)
  const keys = matmul(x, wK, ["x", "w_k"]); // (T, d_model) @ (d_model, d_k) -> (T, d_k)
  const values = matmul(x, wV, ["x", "w_v"]); // (T, d_model) @ (d_model, d_v) -> (T, d_v)
  return { queries, keys, values, ...scaledDotProductAttention(queries, keys, values, options) };
}
