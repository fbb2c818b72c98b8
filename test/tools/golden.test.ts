// Golden scenarios in Node: every expected digest matches in both builds, the comparison can fail, and the embedded
// table equals test/golden/expected.json. The other runtimes are checked by `npm run test:runtimes`.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mast, root } from "../helpers.ts";
import { digestF64, sketch } from "../../dist/index.js";
import { goldenExpected, goldenScenarios, goldenReport, goldenTable, runGolden, runtimeInfo } from "../../dist/repro.js";
import { reproMain } from "../../src/tools/repro.js";

const builds = ["simd", "scalar"] as const;

describe("golden scenarios", () => {
  for (const build of builds) {
    it(`every scenario matches its expected digests (${build} build)`, async () => {
      const m = await mast(build);
      expect(m.build).toBe(build);
      const results = await runGolden(m);
      expect(results.map((r) => r.name)).toEqual(goldenScenarios.map((s) => s.name));
      for (const r of results) {
        expect(r.error, r.name).toBeUndefined();
        expect({ name: r.name, digest: r.digest, traceDigest: r.traceDigest })
          .toEqual({ name: r.name, digest: r.expectedDigest, traceDigest: r.expectedTraceDigest });
        expect(r.ok).toBe(true);
      }
    });
  }

  it("the SIMD and scalar builds give the same x and trace, bit for bit", async () => {
    const [a, b] = await Promise.all(builds.map((b) => mast(b)));
    for (const s of goldenScenarios) {
      const ra = await s.run(a), rb = await s.run(b);
      expect(digestF64(ra.x), s.name).toBe(digestF64(rb.x));
      expect(digestF64(ra.trace), s.name).toBe(digestF64(rb.trace));
    }
  });

  it("covers every method and sketch family that exists", () => {
    const dsgd = new Set(goldenScenarios.filter((s) => s.method === "dsgd").map((s) => s.sketch));
    for (const kind of ["identity", "bernoulli", "randK", "permutation"]) expect(dsgd.has(kind as never), kind).toBe(true);
    for (const method of ["dsgd", "lsvrg", "svrg", "model", "montecarlo", "quadratic", "data"]) expect(goldenScenarios.some((s) => s.method === method), method).toBe(true);
    const text = goldenScenarios.map((s) => s.description).join("\n");
    for (const w of ["full-data", "minibatch", "dense", "CSR", "logistic", "squared", "quadratic", "shift", "one p per coordinate", "K = 3 ≤ d/2", "K = 13 > d/2", "not dividing", "importance sampling", "independent sampling"]) {
      expect(text, w).toContain(w);
    }
    expect(new Set(goldenScenarios.map((s) => s.name)).size).toBe(goldenScenarios.length);
    expect(Object.keys(goldenExpected).sort()).toEqual(goldenScenarios.map((s) => s.name).sort());
  });


  it("the embedded table is the one in test/golden/expected.json", () => {
    const json = JSON.parse(readFileSync(join(root, "test/golden/expected.json"), "utf8")) as { scenarios: Record<string, { digest: string; traceDigest: string }> };
    const fromJson = Object.fromEntries(Object.entries(json.scenarios).map(([k, v]) => [k, { digest: v.digest, traceDigest: v.traceDigest }]));
    expect(fromJson).toEqual({ ...goldenExpected });
  });
});

describe("the comparison can fail", () => {
  it("a tampered x digest or trace digest is reported as a mismatch of that scenario only", async () => {
    const m = await mast("simd");
    const name = goldenScenarios[1].name;
    const flip = (h: string) => (h[0] === "0" ? "1" : "0") + h.slice(1);
    for (const field of ["digest", "traceDigest"] as const) {
      const expected = { ...goldenExpected, [name]: { ...goldenExpected[name], [field]: flip(goldenExpected[name][field]) } };
      const results = await runGolden(m, { expected });
      expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual([name]);
      const rep = { runtime: "node", version: "x", engine: "V8", build: m.build, ok: false, results };
      expect(goldenTable(rep)).toMatch(new RegExp(`${name}\\s.*MISMATCH`));
      expect(goldenTable(rep)).toContain(`${results.length - 1} passed, 1 failed`);
    }
  });

  it("a scenario with any other input gives other digests (seed, step, shift)", async () => {
    const m = await mast("simd");
    const p = m.problem({ data: m.data.synthetic({ rows: 120, cols: 16, density: 0.3, seed: 11 }), loss: "logistic", l2: 1e-2 });
    const base = await p.minimize({ sketch: sketch.randK(4), batch: 8, iterations: 50, seed: 1, stepSize: 0.1 });
    const again = await p.minimize({ sketch: sketch.randK(4), batch: 8, iterations: 50, seed: 1, stepSize: 0.1 });
    expect(again.digest).toBe(base.digest);
    for (const change of [{ seed: 2 }, { stepSize: 0.1 + 2 ** -40 }, { iterations: 49 }]) {
      const r = await p.minimize({ sketch: sketch.randK(4), batch: 8, iterations: 50, seed: 1, stepSize: 0.1, ...change });
      expect(r.digest, JSON.stringify(change)).not.toBe(base.digest);
    }
  });

  it("a thrown scenario is a failure with its error", async () => {
    const m = await mast("simd");
    const broken = { ...m, problem: () => { throw new RangeError("boom"); } } as typeof m;
    const results = await runGolden(broken, { only: [goldenScenarios[0].name] });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: false, digest: "", error: "RangeError: boom" });
    await expect(runGolden(m, { only: ["no-such-scenario"] })).rejects.toThrow(/unknown golden scenario "no-such-scenario"/);
  });
});

describe("mast repro (reproMain)", () => {
  const run = async (argv: string[], build?: "simd" | "scalar") => {
    const out: string[] = [], err: string[] = [];
    // The library from dist/ (src/repro.ts bundled into dist/cli.js would load it from there by itself).
    const init = async (_s?: unknown, o?: { build?: string }) => mast(o?.build === "scalar" || build === "scalar" ? "scalar" : "simd");
    const code = await reproMain(argv, { log: (s) => out.push(s), error: (s) => err.push(s) }, { init: init as never });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("prints the table for this runtime and exits 0", async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toContain(`node ${process.versions.node}`);
    expect(r.out).toContain(`${goldenScenarios.length} passed, 0 failed`);
    for (const s of goldenScenarios) expect(r.out).toMatch(new RegExp(`${s.name}\\s.*\\sok`));
  });

  it("--build scalar --json gives a JSON report of the scalar build", async () => {
    const r = await run(["--build", "scalar", "--json"]);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep).toMatchObject({ runtime: "node", build: "scalar", ok: true });
    expect(rep.results).toHaveLength(goldenScenarios.length);
  });

  it("--only runs the named scenarios; bad flags exit 2", async () => {
    const name = goldenScenarios[2].name;
    const r = await run([`--only=${name}`, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).results.map((x: { name: string }) => x.name)).toEqual([name]);
    expect((await run(["--only", "nope"])).code).toBe(2);
    expect((await run(["--build", "fast"])).code).toBe(2);
    expect((await run(["--frobnicate"])).code).toBe(2);
    expect((await run(["--help"])).out).toContain("Usage: mast repro");
    expect((await run(["--list"])).out).toContain(name);
  });

  it("names a drifted scenario on stderr and exits 1", async () => {
    const m = await mast("simd");
    // A library whose first data problem runs one step fewer: its digests drift.
    const drifting = {
      ...m,
      problem: (o: Parameters<typeof m.problem>[0]) => {
        const p = m.problem(o);
        const minimize = p.minimize.bind(p);
        p.minimize = (opts = {}) => minimize({ ...opts, iterations: (opts.iterations ?? 1000) - 1 });
        return p;
      },
    } as typeof m;
    const out: string[] = [], err: string[] = [];
    const code = await reproMain([], { log: (s) => out.push(s), error: (s) => err.push(s) }, { init: (async () => drifting) as never });
    expect(code).toBe(1);
    expect(err.join("\n")).toMatch(/scenario dsgd-identity-full-csr-logistic drifted in node .* \(simd\): x digest [0-9a-f]{64} \(expected [0-9a-f]{64}\)/);
    expect(err.join("\n")).not.toMatch(/dsgd-quadratic-randk-shift/);
  });

  it("detects the runtime from its globals", () => {
    expect(runtimeInfo()).toMatchObject({ name: "node", version: process.versions.node });
  });

  it("goldenReport carries runtime and build", async () => {
    const rep = await goldenReport(await mast("scalar"), { only: [goldenScenarios[0].name] });
    expect(rep).toMatchObject({ runtime: "node", build: "scalar", ok: true });
  });
});
