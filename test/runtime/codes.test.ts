// The codes that cross the boundary and the generator's streams agree between assembly/codes.ts and src/runtime/codes.ts.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../helpers.ts";
import * as codes from "../../src/runtime/codes.ts";

/** The `export const NAME: i32|u32 = value;` lines of assembly/codes.ts. */
function assemblyCodes(): Map<string, number> {
  const text = readFileSync(join(root, "assembly/codes.ts"), "utf8");
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^export const (\w+): [iu]32 = (\d+);/gm)) out.set(m[1], Number(m[2]));
  return out;
}

/** STREAM.monteCarlo → STREAM_MONTE_CARLO; "randK" (the sketch's name) is one word: SKETCH_RANDK, PATH_CSR_RANDK. */
const asName = (table: string, key: string) => `${table}_${key.replace(/^randK$/, "randk").replace(/RandK/, "Randk").replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

describe("codes: one table per language, and they agree", () => {
  const asm = assemblyCodes();
  const tables: Record<string, Record<string, number>> = {
    SKETCH: codes.SKETCH, LOSS: codes.LOSS, ACT: codes.ACT, SAMPLE: codes.SAMPLE, VR: codes.VR, ERR: codes.ERR, PATH: codes.PATH, STREAM: codes.STREAM,
  };
  it("every TypeScript code has the same value in assembly/codes.ts", () => {
    for (const [table, entries] of Object.entries(tables)) {
      for (const [key, value] of Object.entries(entries)) expect(asm.get(asName(table, key)), asName(table, key)).toBe(value);
    }
  });
  it("every assembly code is in a TypeScript table (PATH_COUNT aside)", () => {
    const ts = new Set(Object.entries(tables).flatMap(([t, e]) => Object.keys(e).map((k) => asName(t, k))));
    expect([...asm.keys()].filter((n) => n !== "PATH_COUNT" && !ts.has(n))).toEqual([]);
    expect(asm.get("PATH_COUNT")).toBe(Object.keys(codes.PATH).length);
  });
  it("streams are distinct", () => {
    const v = Object.values(codes.STREAM);
    expect(new Set(v).size).toBe(v.length);
  });
});
