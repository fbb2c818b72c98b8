/**
 * Seeds: a safe integer ≥ 0, split into the two u32 words of the generator's key.
 * @module
 */
import { integer } from "./validate.js";

/** splitSeed(seed): the generator key as two u32 words [lo, hi]. */
export function splitSeed(seed: unknown, name = "seed"): [number, number] {
  const s = integer(name, seed, 0);
  return [s % 2 ** 32, Math.floor(s / 2 ** 32)];
}
