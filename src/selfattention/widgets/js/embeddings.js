// The toy embedding space's rules in the browser, as selfattention/embeddings.py has them:
// tokenize a sentence, key a word (NFC, stripped, case folded), look it up, and give an
// unknown word its deterministic fallback vector, bit for bit the package's:
//
//   seed   = the first 8 bytes (little-endian) of SHA-256(key as UTF-8)
//   vector = round(numpy.random.default_rng(seed).normal(scale=0.5, size=d), 2)
//
// so this file also holds SHA-256, numpy's SeedSequence, its PCG64 generator and its
// ziggurat normal sampler (tests/test_js_embedding.py checks them against numpy).
// Self-contained: it imports nothing, so the bundle anywidget loads can inline it.

function fail(message) {
  throw new Error(message);
}

// -- Python's str.strip(), str.split() and str.isalpha() ---------------------------------

// Python's whitespace (str.isspace); JS's trim() differs (\x1c-\x1f, \x85, \ufeff).
const SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004" +
  "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
const SPACES = new RegExp(`[${SPACE}]+`, "u");

/** str.strip(): drop Python's whitespace at both ends. */
export function pyStrip(text) {
  const chars = Array.from(text);
  let start = 0, end = chars.length;
  while (start < end && SPACE.includes(chars[start])) start += 1;
  while (end > start && SPACE.includes(chars[end - 1])) end -= 1;
  return chars.slice(start, end).join("");
}

/** str.split() with no argument: the words between runs of whitespace. */
export function pySplit(text) {
  return pyStrip(text).split(SPACES).filter((part) => part !== "");
}

const LETTER = /^\p{L}$/u; // str.isalpha: categories Lu, Ll, Lt, Lm, Lo
const MARK = /^\p{M}$/u;

/** Word tokens of a sentence, as embeddings.tokenize: NFC; letters and marks, one inner '. */
export function tokenize(sentence) {
  if (typeof sentence !== "string") fail(`sentence must be a string, got ${typeof sentence}`);
  const chars = Array.from(sentence.normalize("NFC")); // code points, as Python indexes them
  const letter = (c) => c !== undefined && LETTER.test(c);
  const wordEnd = (start) => {
    let end = start;
    while (end < chars.length && (LETTER.test(chars[end]) || MARK.test(chars[end]))) end += 1;
    return end;
  };
  const tokens = [];
  let i = 0;
  while (i < chars.length) {
    if (!letter(chars[i])) { i += 1; continue; }
    let end = wordEnd(i);
    if (chars[end] === "'" && letter(chars[end + 1])) end = wordEnd(end + 1);
    tokens.push(chars.slice(i, end).join(""));
    i = end;
  }
  return tokens;
}

/**
 * The vocabulary key of a word, as embeddings._key: stripped, NFC, case folded.
 * `fold` maps each character whose str.casefold() differs from its str.lower() ("ß" ->
 * "ss", "ς" -> "σ"); every other character is lowered as Python lowers it.
 */
export function wordKey(word, fold = VOCABULARY_FOLD) {
  return Array.from(pyStrip(word).normalize("NFC"))
    .map((c) => (Object.hasOwn(fold, c) ? fold[c] : c.toLowerCase())).join("");
}

// Where str.casefold differs from str.lower in a way that can reach the toy (ASCII)
// vocabulary: enough for the explorers that accept only its words (mask, attention).
export const VOCABULARY_FOLD = { "ß": "ss", "ẞ": "ss", "ſ": "s", "ﬀ": "ff", "ﬁ": "fi",
                                 "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st" };

/**
 * The tokens and vectors of a sentence, with the toy vocabulary only (mask_explorer.embed_known):
 * {tokens, x (T, d_model)}. Throws for no words, a word it does not know, or too many.
 */
export function embedKnown(sentence, vocabulary, maxTokens) {
  if (typeof sentence !== "string") fail(`sentence must be a str, got ${typeof sentence}`);
  const tokens = tokenize(sentence);
  if (tokens.length === 0) fail("the sentence has no words: type words such as 'I love Apple phones'");
  const unknown = tokens.find((word) => !Object.hasOwn(vocabulary, wordKey(word)));
  if (unknown !== undefined) {
    fail(`'${unknown}' is not in the toy vocabulary; use the words it knows: ` +
         `${Object.keys(vocabulary).sort().join(", ")}`);
  }
  if (tokens.length > maxTokens) {
    fail(`the sentence has ${tokens.length} tokens; the explorer shows at most ${maxTokens}`);
  }
  return { tokens, x: tokens.map((word) => [...vocabulary[wordKey(word)]]) };
}

/** Each character's casefold as wordKey computes it (for the test over all of Unicode). */
export function foldEach(codePoints, fold) {
  return codePoints.map((code) => wordKey(String.fromCodePoint(code), fold));
}

// -- SHA-256 (FIPS 180-4), synchronous: crypto.subtle is async and absent over http ------

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 of a string's UTF-8 bytes, as 32 bytes. */
export function sha256(text) {
  const data = new TextEncoder().encode(text);
  const length = Math.ceil((data.length + 9) / 64) * 64;
  const bytes = new Uint8Array(length);
  bytes.set(data);
  bytes[data.length] = 0x80;
  const bits = data.length * 8;
  const view = new DataView(bytes.buffer);
  view.setUint32(length - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(length - 4, bits >>> 0);
  const hash = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let block = 0; block < length; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(block + 4 * t);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = hash;
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    [a, b, c, d, e, f, g, hh].forEach((value, k) => { hash[k] = (hash[k] + value) >>> 0; });
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  hash.forEach((value, k) => outView.setUint32(4 * k, value));
  return out;
}

/** The hex digest, for the tests (hashlib.sha256(...).hexdigest()). */
export function sha256Hex(text) {
  return Array.from(sha256(text), (b) => b.toString(16).padStart(2, "0")).join("");
}

// -- numpy.random.default_rng(seed): SeedSequence -> PCG64 -> standard normal ------------

const M32 = 0xffffffffn, M64 = (1n << 64n) - 1n, M128 = (1n << 128n) - 1n;
const mul32 = (a, b) => Math.imul(a, b) >>> 0;

/** SeedSequence(seed).generate_state(nWords, uint32): numpy's hash mixing of the seed. */
export function seedSequenceState(seed, nWords) {
  let n = BigInt(seed);
  const entropy = [];
  while (n > 0n) { entropy.push(Number(n & M32)); n >>= 32n; }
  if (entropy.length === 0) entropy.push(0);
  let hashConst = 0x43b0d7e5;
  const hashmix = (value) => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, 0x931e8875);
    v = mul32(v, hashConst);
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x, y) => {
    const r = (mul32(0xca01f9dd, x) - mul32(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = [0, 1, 2, 3].map((i) => hashmix(i < entropy.length ? entropy[i] : 0));
  for (let src = 0; src < 4; src++) {
    for (let dst = 0; dst < 4; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  }
  for (let src = 4; src < entropy.length; src++) {
    for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  }
  let outConst = 0x8b51f9dd;
  return Array.from({ length: nWords }, (_, i) => {
    let v = (pool[i % 4] ^ outConst) >>> 0;
    outConst = mul32(outConst, 0x58f38ded);
    v = mul32(v, outConst);
    return (v ^ (v >>> 16)) >>> 0;
  });
}

const PCG_MULTIPLIER = 0x2360ed051fc65da44385df649fccf645n;

/** numpy's PCG64 (128-bit LCG, XSL-RR output), seeded as default_rng(seed) seeds it. */
export class PCG64 {
  constructor(seed) {
    const w = seedSequenceState(seed, 8).map(BigInt);
    const u = [0, 1, 2, 3].map((i) => w[2 * i] | (w[2 * i + 1] << 32n)); // four uint64
    const initState = (u[0] << 64n) | u[1];
    const initSeq = (u[2] << 64n) | u[3];
    this.inc = ((initSeq << 1n) | 1n) & M128;
    this.state = 0n;
    this.step();
    this.state = (this.state + initState) & M128;
    this.step();
  }

  step() {
    this.state = (this.state * PCG_MULTIPLIER + this.inc) & M128;
  }

  /** The next uint64, as a BigInt (bit_generator.random_raw()). */
  next64() {
    this.step();
    const x = ((this.state >> 64n) ^ this.state) & M64;
    const rot = this.state >> 122n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & M64;
  }

  /** A double in [0, 1) from 53 bits (numpy's next_double). */
  nextDouble() {
    return Number(this.next64() >> 11n) * (1.0 / 9007199254740992.0);
  }
}

// The 256-layer ziggurat of numpy's random_standard_normal, built as Marsaglia and Tsang
// build it (52-bit layers). Computed once, when the module loads.
const ZIG_R = 3.6541528853610088, ZIG_V = 4.928673233974655e-3, ZIG_M = 2 ** 52;
const KI = new Array(256).fill(0n), WI = new Float64Array(256), FI = new Float64Array(256);
(() => {
  let dn = ZIG_R, tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  KI[0] = BigInt(Math.trunc((dn / q) * ZIG_M));
  WI[0] = q / ZIG_M; WI[255] = dn / ZIG_M;
  FI[0] = 1.0; FI[255] = Math.exp(-0.5 * dn * dn);
  for (let i = 254; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    KI[i + 1] = BigInt(Math.trunc((dn / tn) * ZIG_M));
    tn = dn;
    FI[i] = Math.exp(-0.5 * dn * dn);
    WI[i] = dn / ZIG_M;
  }
})();

/** One draw of numpy's Generator.standard_normal(). */
export function standardNormal(rng) {
  for (;;) {
    let r = rng.next64();
    const idx = Number(r & 0xffn);
    r >>= 8n;
    const sign = r & 1n;
    const rabs = (r >> 1n) & 0x000fffffffffffffn;
    let x = Number(rabs) * WI[idx];
    if (sign) x = -x;
    if (rabs < KI[idx]) return x;
    if (idx === 0) {
      for (;;) { // the tail beyond ZIG_R
        const xx = -(1 / ZIG_R) * Math.log1p(-rng.nextDouble());
        const yy = -Math.log1p(-rng.nextDouble());
        if (yy + yy > xx * xx) return (rabs >> 8n) & 1n ? -(ZIG_R + xx) : ZIG_R + xx;
      }
    }
    if ((FI[idx - 1] - FI[idx]) * rng.nextDouble() + FI[idx] < Math.exp(-0.5 * x * x)) return x;
  }
}

/** numpy.random.default_rng(seed).normal(scale=scale, size=size), as a list (for tests). */
export function normals(seed, size, scale = 1.0) {
  const rng = new PCG64(BigInt(seed));
  return Array.from({ length: size }, () => scale * standardNormal(rng));
}

/** numpy.round(value, 2): round half to even on value * 100 (numpy's rint), then divide. */
export function round2(value) {
  const y = value * 100;
  let r = Math.round(y);
  if (r - y === 0.5 && r % 2 !== 0) r -= 1; // Math.round sends halves up; rint sends them to even
  return r / 100 + 0.0;
}

/** The fallback vector of a word's key: embeddings._fallback, to the last bit. */
export function fallbackVector(key, size) {
  const digest = sha256(key);
  let seed = 0n;
  for (let k = 7; k >= 0; k--) seed = (seed << 8n) | BigInt(digest[k]); // little-endian
  const rng = new PCG64(seed);
  return Array.from({ length: size }, () => round2(0.5 * standardNormal(rng)) + 0); // -0 -> 0
}

/**
 * One word's static vector, as embeddings.embed: {word, vector, known}. The word is kept
 * as given (its label); its key finds it in `vocabulary`, or it gets its fallback vector.
 */
export function embed(word, vocabulary, fold, size) {
  if (typeof word !== "string") fail(`word must be a string, got ${typeof word}`);
  const key = wordKey(word, fold);
  if (!key) fail("word is empty");
  if (Object.hasOwn(vocabulary, key)) return { word, vector: [...vocabulary[key]], known: true };
  return { word, vector: fallbackVector(key, size), known: false };
}

/** The first `count` raw uint64 draws of default_rng(seed), as decimal strings (for tests). */
export function rawDraws(seed, count) {
  const rng = new PCG64(BigInt(seed));
  return Array.from({ length: count }, () => rng.next64().toString());
}

/** [code point, key] for each of `codes` whose wordKey differs from the character itself. */
export function keysThatDiffer(fold, codes) {
  const out = [];
  for (const code of codes) {
    const char = String.fromCodePoint(code);
    const key = wordKey(char, fold);
    if (key !== char) out.push([code, key]);
  }
  return out;
}
