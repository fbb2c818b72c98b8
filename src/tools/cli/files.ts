/**
 * The files `mast train` reads and writes, with a one-line {@link UsageError} naming the flag and the path when the
 * file system says no.
 * @module
 */
import { accessSync, constants as fsConstants, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { UsageError } from "./errors.js";

/** Where the public copies of the LibSVM data sets (a9a, w8a, …) are. */
export const LIBSVM_PAGE = "https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/";

/** The folders a bare data-set name (`--data a9a`) is looked up in: $MAST_DATA/libsvm, then ../shared/data/libsvm. */
export function dataFolders(): string[] {
  const out: string[] = [];
  if (process.env.MAST_DATA) out.push(join(process.env.MAST_DATA, "libsvm"));
  out.push(resolve("..", "shared", "data", "libsvm"));
  return out;
}

/**
 * dataPath(flag, path): the file to read for --flag. A path that exists is itself; a bare name that does not exist
 * here (`a9a`, `a9a.t`) is looked up in {@link dataFolders}, with or without `.gz`. When it is nowhere, the message
 * names the file, the folders searched and where the public copy is.
 */
export function dataPath(flag: string, path: string): string {
  if (existsSync(path) || path.includes(sep) || path.includes("/")) return path;
  const folders = dataFolders();
  for (const dir of folders) for (const name of [path, `${path}.gz`]) if (existsSync(join(dir, name))) return join(dir, name);
  throw new UsageError(`cannot read --${flag} file ${path}: no such file here, nor in ${folders.join(" or ")} (with or without .gz); ` +
    `the LibSVM data sets are at ${LIBSVM_PAGE} (set $MAST_DATA to the folder that holds libsvm/)`);
}

/** readInput(flag, path): the bytes of the file given to --flag. */
export function readInput(flag: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EACCES" ? "permission denied"
      : err.code === "EISDIR" ? "is a directory" : err.message;
    const where = err.code === "ENOENT" && (flag === "data" || flag === "test") ? ` (public LibSVM data sets: ${LIBSVM_PAGE})` : "";
    throw new UsageError(`cannot read --${flag} file ${path}: ${why}${where}`);
  }
}

/** checkWritable(flag, path): refuse, before any work, a --flag file that could not be written afterwards. */
export function checkWritable(flag: string, path: string): void {
  const full = resolve(path);
  let st: ReturnType<typeof statSync> | null = null;
  try { st = statSync(full); } catch { /* a new file: its folder must exist and be writable */ }
  if (st?.isDirectory()) throw new UsageError(`cannot write --${flag} file ${path}: is a directory`);
  const target = st ? full : dirname(full);
  try {
    if (!st && !statSync(target).isDirectory()) throw new UsageError(`cannot write --${flag} file ${path}: ${target} is not a directory`);
    accessSync(target, fsConstants.W_OK);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`cannot write --${flag} file ${path}: ${err.code === "ENOENT" ? `no such directory ${target}` : err.code === "EACCES" ? "permission denied" : err.message}`);
  }
}

/** writeBytes(flag, path, bytes): a binary file such as a checkpoint. */
export function writeBytes(flag: string, path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`cannot write --${flag} file ${path}: ${err.code === "ENOENT" ? "no such directory" : err.message}`);
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
