/**
 * The command line's errors: a bad flag, value, file or data (one line, exit code 2) and a diverged run (one line,
 * exit code 1); library argument errors rephrased to name the flag.
 * @module
 */
import { LibsvmParseError } from "../../index.js";

/** A problem with the command line or its inputs: one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A run whose objective became non-finite although x stayed finite: one line on stderr, exit code 1. */
export class CliDivergence extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliDivergence";
  }
}

/** A library message naming an option, with the option spelled as its flag. */
export function cliName(msg: string): string {
  return msg.replace(/^(referenceBatch|refreshProbability|snapshotEvery|sampling|sketchSet(?:\.size)?)\b/, (k) =>
    "--" + k.replace(/\.size$/, "").replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()));
}

/** Rephrase a library error about a flag's value so that it names the flag (`sketch must …` → `--sketch must …`). */
export function flagMessage(flag: string, apiName: string, raw: string, e: Error, d: number | null): string {
  let msg = e.message;
  if (d !== null) msg = msg.replace(`..${Number.MAX_SAFE_INTEGER}`, `..${d}`);
  else msg = msg.replace(`..${Number.MAX_SAFE_INTEGER}`, "..d");
  if (msg.startsWith(`${apiName} `)) return `--${flag} ${msg.slice(apiName.length + 1)}`;
  return `--${flag} ${show(raw)}: ${msg}`;
}

export function isArgumentError(e: unknown): e is Error {
  return e instanceof TypeError || e instanceof RangeError || e instanceof LibsvmParseError;
}

/** show(v): a flag value quoted for a message, cut at 40 characters. */
export function show(v: string): string {
  return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
}
