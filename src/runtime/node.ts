/**
 * Node's built-in modules, imported only on the paths that need them (reading a `file:` URL, resolving a path, worker
 * threads). The specifier is computed, so bundlers for the browser (esbuild, Vite, webpack) leave the import alone
 * instead of failing to resolve `node:…`; those paths never run in a browser.
 * @module
 */

/** The built-ins the library uses. */
export type NodeBuiltin = "fs/promises" | "path" | "url" | "worker_threads" | "http" | "https";

/** nodeBuiltin(name): `import("node:" + name)`, hidden from bundlers (see the module comment). */
export function nodeBuiltin<T>(name: NodeBuiltin): Promise<T> {
  const specifier = "node:" + name;
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}
