/**
 * The `mast` command line: `mast train` minimises the MAST objective f_D(x) = E_S f(v + S(x − v)) of a linear model or
 * a softmax network on a LibSVM data set, IDX images (or a built-in synthetic set) with Double Sketched SGD and prints
 * the theory constants, the run and a summary; `mast node` runs a node process of distributed runs (workerd);
 * `mast repro` checks the golden digests in this runtime.
 *
 * Zero runtime dependencies: Node built-ins only; everything it computes goes through the public API.
 *
 * Exit codes: 0 success; 2 a bad flag, value, file or data (one `mast: …` line on stderr); 1 a diverged run (one
 * line) or an unexpected internal error (with its stack).
 * @module
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DivergenceError, DistributedError } from "../../index.js";
import { reproMain } from "../repro.js";
import { nodeMain } from "./node.js";
import { CliDivergence, UsageError, show } from "./errors.js";
import { TRAIN_OPTIONS, joinNegativeValues, parseArgsError, trainFlags } from "./flags.js";
import { MAIN_HELP, TRAIN_HELP } from "./help.js";
import { num } from "./format.js";
import { train } from "./train.js";

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "repro") {
    return reproMain(argv.slice(1), { log: (line) => console.log(line), error: (line) => console.error(line) });
  }
  if (argv[0] === "node") return nodeMain(argv.slice(1));
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv), options: TRAIN_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw parseArgsError(e);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) { process.stdout.write(`${readVersion()}\n`); return 0; }
  if (values.help) { process.stdout.write(command === "train" ? TRAIN_HELP : MAIN_HELP); return 0; }
  if (command === undefined) throw new UsageError("missing command; try mast train, or mast --help");
  if (command === "help") { process.stdout.write(rest[0] === "train" ? TRAIN_HELP : MAIN_HELP); return 0; }
  if (command !== "train") throw new UsageError(`unknown command ${show(command)}; the commands are train, node and repro (see mast --help)`);
  if (rest.length > 0) throw new UsageError(`unexpected argument ${show(rest[0])} (see mast train --help)`);
  return train(trainFlags(values), readVersion());
}

process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0); // e.g. `mast train | head`
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`mast: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof CliDivergence) {
      process.stderr.write(`mast: ${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof DistributedError) {
      process.stderr.write(`mast: ${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof DivergenceError) {
      // a network with hidden layers has no theory step to point at (suggestedStepSize is NaN), and its guard can also
      // stop a run whose x stayed finite but whose f did not
      const what = /x stayed finite/.test(e.message) ? "f became non-finite (x stayed finite)" : "x became non-finite";
      const advice = Number.isFinite(e.suggestedStepSize) && e.suggestedStepSize > 0
        ? `try --step ≤ ${num(e.suggestedStepSize)} (the theory step size, --step theory)` : "try a smaller --step";
      process.stderr.write(`mast: ${e.message.split(" ")[0]} diverged at step ${e.step}: ${what} with step size ${num(e.stepSize)}; ${advice}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`mast: internal error\n${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
