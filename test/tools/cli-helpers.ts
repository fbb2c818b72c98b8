// Running the built `mast` command line (dist/cli.js) as a child process, for test/tools/cli*.test.ts. dist/ is built
// before the suite runs (`npm test` runs `node scripts/build.mjs --if-needed` first).
import { expect } from "vitest";
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const cli = join(root, "dist", "cli.js");
export const HEX64 = /\b[0-9a-f]{64}\b/;
export const TIMEOUT = 30_000;

export interface Run { code: number | null; stdout: string; stderr: string }

/** mast(args): run `node dist/cli.js ...args` in the repository root with stdout and stderr piped. */
export function mast(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => { stdout += s; });
    child.stderr.setEncoding("utf8").on("data", (s: string) => { stderr += s; });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** digestOf(stdout): the digest line's SHA-256. */
export function digestOf(out: string): string {
  const m = out.match(/^digest\s+([0-9a-f]{64})$/m);
  if (!m) throw new Error(`no digest line in:\n${out}`);
  return m[1];
}

/** Expect exit code `code` and exactly one stderr line `mast: …` matching every pattern, and no stack trace. */
export async function fails(args: string[], code: number, ...patterns: (string | RegExp)[]): Promise<string> {
  const r = await mast(args);
  expect(r.code, `${args.join(" ")}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
  expect(r.stderr.endsWith("\n")).toBe(true);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^mast: /);
  expect(lines[0]).not.toMatch(/\bat .*:\d+:\d+/);
  for (const p of patterns) {
    if (typeof p === "string") expect(lines[0]).toContain(p);
    else expect(lines[0]).toMatch(p);
  }
  return lines[0];
}
