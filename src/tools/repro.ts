/**
 * `mast repro`: run the golden scenarios in the runtime this runs in and print the table of digests. Exit code 0 when
 * every digest matches the expected one, 1 on any mismatch (each named on stderr), 2 on a bad flag.
 *
 * It uses no runtime-specific API, so the same function runs under Node, Deno, Bun, browsers and workers.
 * @module
 */
import type { Mast, InitOptions } from "../mast.js";
import { goldenReport, goldenScenarios, goldenTable } from "./golden.js";

/** Where `reproMain` writes. */
export interface ReproIo { log(s: string): void; error(s: string): void }

export const REPRO_HELP = `Usage: mast repro [--build auto|simd|scalar] [--only NAME[,NAME…]] [--json] [--list]

Run the golden scenarios (small fixed MAST problems) in this runtime and compare the SHA-256 digests of each final x
and trace with the expected ones embedded in the package. The same seed gives the same bits in every runtime
(Node, Deno, Bun, browsers, workerd) and in both builds.

  --build B    the kernel build: auto (default: SIMD where supported), simd or scalar
  --only N     run only the named scenarios (comma-separated, or repeat the flag)
  --json       print the report as JSON instead of a table
  --list       list the scenarios and exit

Exit codes: 0 all digests match; 1 a digest drifted (the scenario is named on stderr); 2 a bad flag.
`;

/**
 * reproMain(argv, io): the `mast repro` command (argv excludes "repro"). Returns the exit code.
 * `deps.init` replaces the library's init (tests use it to load a given build).
 */
export async function reproMain(argv: string[], io: ReproIo, deps: { init?: (source?: undefined, opts?: InitOptions) => Promise<Mast> } = {}): Promise<number> {
  let build: "auto" | "simd" | "scalar" = "auto";
  let json = false;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf("=");
    const flag = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith("--") && eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string | null => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) return null;
      i++;
      return v;
    };
    if (flag === "--help" || flag === "-h") { io.log(REPRO_HELP); return 0; }
    else if (flag === "--json" && inline === undefined) json = true;
    else if (flag === "--list" && inline === undefined) {
      for (const s of goldenScenarios) io.log(`${s.name}  ${s.description}`);
      return 0;
    } else if (flag === "--build") {
      const v = value();
      if (v !== "auto" && v !== "simd" && v !== "scalar") { io.error(`mast: --build must be auto, simd or scalar, got ${v === null ? "nothing" : JSON.stringify(v)}`); return 2; }
      build = v;
    } else if (flag === "--only") {
      const v = value();
      if (v === null || v.trim() === "") { io.error("mast: --only needs a scenario name (see mast repro --list)"); return 2; }
      for (const n of v.split(",").map((s) => s.trim()).filter(Boolean)) {
        if (!goldenScenarios.some((s) => s.name === n)) { io.error(`mast: unknown scenario ${JSON.stringify(n)} (see mast repro --list)`); return 2; }
        only.push(n);
      }
    } else { io.error(`mast: unknown flag ${JSON.stringify(a)} for repro (see mast repro --help)`); return 2; }
  }
  const init = deps.init ?? (await import("../mast.js")).init;
  const mast = await init(undefined, { build });
  const rep = await goldenReport(mast, only.length > 0 ? { only } : {});
  io.log(json ? JSON.stringify(rep, null, 2) : goldenTable(rep));
  for (const r of rep.results) {
    if (r.ok) continue;
    io.error(r.error
      ? `mast repro: scenario ${r.name} failed in ${rep.runtime} ${rep.version} (${rep.build}): ${r.error}`
      : `mast repro: scenario ${r.name} drifted in ${rep.runtime} ${rep.version} (${rep.build}): x digest ${r.digest} (expected ${r.expectedDigest || "none"}), trace digest ${r.traceDigest} (expected ${r.expectedTraceDigest || "none"})`);
  }
  return rep.ok ? 0 : 1;
}
