// Failing cleanly at the limits: every over-sized or trapping case fails fast, with a message that names the size and
// the limit, and without growing memory — checked in a child process with a heap ceiling, so that a regression fails
// this test instead of taking the machine down.
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { root } from "./helpers.ts";

/** Child processes run with this V8 heap ceiling and must stay under the RSS ceiling (wasm memory is outside the heap). */
const HEAP_MB = 256, RSS_LIMIT = 1.5e9;

describe("limits: size checks and traps fail fast, clearly, and without runaway memory", () => {
  it("every case throws the documented error before allocating it, and RSS stays bounded (tests count, never time)", () => {
    const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, join(root, "test/fixtures/limits-child.mjs")], { encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const expected: Record<string, [string, RegExp]> = {
      "csr with 3e8 columns": ["RangeError", /needs 44\.4 GB of wasm memory .* more than the 4\.29 GB limit of a wasm32 instance; with these rows the largest d that fits is \d+/],
      "libsvm index 2147483647": ["RangeError", /2147483647 columns needs .* GB of wasm memory/],
      "sketch set of 1e6 at d = 1000": ["RangeError", /sketchSet of 1000000 members needs about 6\.01 GB .* at most about \d+ members fit/],
      "maxMemory below the data": ["RangeError", /needs .* MB of wasm memory .* more than the 2\.10 MB limit \(maxMemory\); with these rows the largest d that fits is \d+/],
      "Monte Carlo buffer past maxMemory": ["RangeError", /scratch memory needs 80\.0 MB of wasm memory, but only .* of this problem's 2\.10 MB limit is free/],
      "distributed node too large, workers 0": ["DistributedError", /failed at set-up: node 1 \(coordinator thread\) threw: RangeError: a problem on 60000 rows .* \(maxMemory\)/],
      "distributed node too large, workers 2": ["DistributedError", /node 1 \(worker 1\) .*RangeError: a problem on 60000 rows/],
      "quadratic of d = 40000": ["RangeError", /a quadratic in dimension 40000 needs 12\.8 GB .* the largest d that fits is \d+/],
    };
    expect(rows.map((x) => x.case).sort()).toEqual(Object.keys(expected).sort());
    for (const row of rows) {
      const [name, re] = expected[row.case];
      expect(row.error?.name, row.case).toBe(name);
      expect(row.error.message, row.case).toMatch(re);
      expect(row.rss, row.case).toBeLessThan(RSS_LIMIT);
    }
  });

  it("the CLI refuses a LibSVM file whose index does not fit, at once, with exit code 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "mast-limits-"));
    const file = join(dir, "big.libsvm");
    writeFileSync(file, "1 100000000:1\n-1 1:1\n");
    const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, join(root, "dist/cli.js"), "train", "--data", file, "--quiet"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^mast: .*big\.libsvm: a problem on 2 rows × 100000000 columns needs 14\.8 GB of wasm memory/);
  });
});
