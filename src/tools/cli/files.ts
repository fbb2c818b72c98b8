/**
 * The files `mast train` reads and writes, with a one-line {@link UsageError} naming the flag and the path when the
 * file system says no.
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { UsageError } from "./errors.js";

/** readInput(flag, path): the bytes of the file given to --flag. */
export function readInput(flag: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EACCES" ? "permission denied"
      : err.code === "EISDIR" ? "is a directory" : err.message;
    throw new UsageError(`cannot read --${flag} file ${path}: ${why}`);
  }
}

/** writeJson(path, value): the --json report, pretty-printed, ending with a newline. */
export function writeJson(path: string, value: unknown): void {
  try {
    writeFileSync(path, JSON.stringify(value, null, 2) + "\n");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`cannot write --json file ${path}: ${err.code === "ENOENT" ? "no such directory" : err.message}`);
  }
}
