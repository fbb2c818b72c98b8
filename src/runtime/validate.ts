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

/** options(name, v): a plain options object (or undefined → {}); unknown keys are rejected. */
export function options<T extends object>(name: string, v: unknown, known: readonly string[]): Partial<T> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new TypeError(`${name} must be an object, got ${show(v)}`);
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) throw new RangeError(`${name}.${k} is not a known option (known: ${known.join(", ")})`);
  }
  return v as Partial<T>;
}
