// Argument checks shared by the facade: each throws TypeError (wrong kind) or RangeError (wrong value) naming the parameter.

/** show(v): a short rendering of a value for an error message. */
export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "function") return "a function";
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return Object.prototype.toString.call(v).slice(8, -1).toLowerCase();
}

/** finite(name, v): a finite number. */
export function finite(name: string, v: unknown): number {
  if (typeof v !== "number") throw new TypeError(`${name} must be a number, got ${show(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`${name} must be finite, got ${show(v)}`);
  return v;
}

/** nonNegative(name, v): a finite number ≥ 0. */
export function nonNegative(name: string, v: unknown): number {
  const x = finite(name, v);
  if (x < 0) throw new RangeError(`${name} must be ≥ 0, got ${x}`);
  return x;
}

/** positive(name, v): a finite number > 0. */
export function positive(name: string, v: unknown): number {
  const x = finite(name, v);
  if (!(x > 0)) throw new RangeError(`${name} must be a positive finite number, got ${x}`);
  return x;
}

/** integer(name, v, min, max): a safe integer in [min, max]. */
export function integer(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number") throw new TypeError(`${name} must be an integer, got ${show(v)}`);
  if (!Number.isSafeInteger(v)) throw new RangeError(`${name} must be an integer, got ${show(v)}`);
  if (v < min || v > max) throw new RangeError(`${name} must be in ${min}..${max}, got ${v}`);
  return v;
}

/** probability(name, p): a number in (0, 1]. */
export function probability(name: string, v: unknown): number {
  const p = finite(name, v);
  if (!(p > 0 && p <= 1)) throw new RangeError(`${name} must be in (0, 1], got ${p}`);
  return p;
}

/** oneOf(name, v, options): one of the given strings. */
export function oneOf<T extends string>(name: string, v: unknown, options: readonly T[]): T {
  if (typeof v !== "string" || !(options as readonly string[]).includes(v)) {
    throw new (typeof v === "string" ? RangeError : TypeError)(
      `${name} must be one of ${options.map((o) => JSON.stringify(o)).join(", ")}, got ${show(v)}`);
  }
  return v as T;
}

/** vector(name, v, length): a Float64Array copy of an array-like of finite numbers of the given length. */
export function vector(name: string, v: unknown, length?: number): Float64Array {
  if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) {
    throw new TypeError(`${name} must be an array or typed array of numbers, got ${show(v)}`);
  }
  const a = v as ArrayLike<number>;
  if (length !== undefined && a.length !== length) {
    throw new RangeError(`${name} must have length ${length}, got length ${a.length}`);
  }
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== "number" && typeof x !== "bigint") throw new TypeError(`${name}[${i}] must be a number, got ${show(x)}`);
    const y = Number(x);
    if (!Number.isFinite(y)) throw new RangeError(`${name}[${i}] must be finite, got ${y}`);
    out[i] = y;
  }
  return out;
}

/**
 * options(name, v, known): a plain options object (or undefined → {}). Unknown keys are refused, with the closest known
 * key as a suggestion; so is null as a value: an option is either given or omitted (omitted means its default).
 */
export function options<T extends object>(name: string, v: unknown, known: readonly string[]): Partial<T> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new TypeError(`${name} must be an object, got ${show(v)}`);
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) {
      const near = closest(k, known);
      throw new RangeError(`${name}.${k} is not a known option${near ? ` (did you mean ${near}?)` : ""} (known: ${known.join(", ")})`);
    }
    if ((v as Record<string, unknown>)[k] === null) throw new TypeError(`${name}.${k} must not be null: omit it to use the default`);
  }
  return v as Partial<T>;
}

/** closest(word, candidates): the candidate within edit distance 2 (or a third of its length) of word, if any. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null, bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

/** editDistance(a, b): the Levenshtein distance (insertions, deletions, substitutions; transposed neighbours count 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) {
    d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
  }
  return d[a.length][b.length];
}
