/**
 * Node processes on this machine (Node.js only): each a workerd process serving dist/cluster-node.js on its own port,
 * a stand-in for a machine. `startNode` writes the workerd config (the Worker, its .wasm as module bindings, an HTTP
 * socket) into a temporary folder, starts workerd from node_modules, and resolves with the node's URL once it answers;
 * `start` starts several. Every process is stopped by `stop()` and, as a last resort, when this process exits.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Options of {@link startNode}. */
export interface NodeProcessOptions {
  /** The TCP port (default: a free one). */
  port?: number;
  /** The address to listen on (default "127.0.0.1"). Anything else needs a token. */
  host?: string;
  /** Refuse requests without `Authorization: Bearer <token>`. */
  token?: string;
  /** The largest request body in bytes (default 100 MiB). */
  maxBodyBytes?: number;
  /** The workerd binary (default: $MAST_WORKERD, else the `workerd` package). */
  workerd?: string;
  /** What to do with workerd's output: keep it for `logs()` (default "pipe") or also copy it to this process's. */
  output?: "pipe" | "inherit";
  /** How long to wait for the node to answer (default 15000 ms). */
  startTimeoutMs?: number;
  /**
   * Serve the runs from a Durable Object, as the Worker does on Cloudflare (default false: the Worker serves them
   * itself, since a workerd process has one isolate).
   */
  durableObject?: boolean;
}

/** A running node process. */
export interface NodeProcess {
  /** Its URL, an endpoint for `minimize({ method: "distributed", endpoints })`. */
  readonly url: string;
  /** The TCP port it listens on. */
  readonly port: number;
  /** workerd's process id. */
  readonly pid: number;
  /** Resolves with workerd's exit code (or the signal's name) when it exits. */
  readonly exited: Promise<number | string>;
  /** The last 64 KB of workerd's output (the node's log lines). */
  logs(): string;
  /** Stop it: SIGTERM, then SIGKILL after 3 s; resolves when the process is gone and its folder removed. */
  stop(): Promise<void>;
}

/** Options of {@link start}. */
export interface ClusterOptions extends Omit<NodeProcessOptions, "port"> {
  /** How many node processes. */
  nodes: number;
  /** Their ports (default: free ones). */
  ports?: number[];
}

/** What {@link start} returns. */
export interface Cluster {
  /** The nodes' URLs, in order. */
  endpoints: string[];
  /** The node processes, in the order of `endpoints`. */
  nodes: NodeProcess[];
  /** Stop every node process. */
  stop(): Promise<void>;
}

const LOG_KEEP = 64 * 1024;
/** The workerd processes started here and still running. While there are any, this process's exit and the signals
 *  that end it stop them first (SIGKILL on exit, SIGTERM on a signal; a signal nobody else listens to is then raised
 *  again, so it still ends the process). */
const live = new Set<ChildProcess>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let guarded = false;

function killAll(): void { for (const c of live) { try { c.kill("SIGKILL"); } catch { /* gone */ } } }
function onSignal(sig: NodeJS.Signals): void {
  for (const c of live) { try { c.kill("SIGTERM"); } catch { /* gone */ } }
  if (process.listenerCount(sig) === 1) { unguard(); process.kill(process.pid, sig); }
}
function guard(): void {
  if (guarded) return;
  guarded = true;
  process.on("exit", killAll);
  for (const sig of SIGNALS) process.on(sig, onSignal);
}
function unguard(): void {
  if (!guarded) return;
  guarded = false;
  process.off("exit", killAll);
  for (const sig of SIGNALS) process.off(sig, onSignal);
}
function forget(child: ChildProcess): void {
  live.delete(child);
  if (live.size === 0) unguard();
}

/** workerdPath(): the workerd binary: $MAST_WORKERD, else the `workerd` package's. */
export function workerdPath(): string {
  const env = process.env.MAST_WORKERD;
  if (env) return env;
  try {
    const mod = createRequire(import.meta.url)("workerd") as { default?: string } | string;
    const p = typeof mod === "string" ? mod : mod.default;
    if (typeof p === "string" && existsSync(p)) return p;
  } catch { /* below */ }
  throw new Error("mast node needs workerd, Cloudflare's Workers runtime: npm install --save-dev workerd (or set MAST_WORKERD to its binary)");
}

/** The files a node process serves: the Worker and the kernels, next to this module in dist/. */
function distFile(name: string): string {
  const p = fileURLToPath(new URL(`./${name}`, import.meta.url));
  if (!existsSync(p)) throw new Error(`mast node: ${p} is missing (build dist/ first: node scripts/build.mjs)`);
  return p;
}

/**
 * workerdConfig({ host, port, token, maxBodyBytes, durableObject }): the capnp config of one node: the Worker
 * (cluster-node.js), its two .wasm files as module bindings, and an HTTP socket. The token is read from the environment
 * variable MAST_TOKEN of the workerd process (it is never written to disk). With `durableObject`, the runs live in a
 * Durable Object (class MastNode, in memory), as on Cloudflare.
 */
export function workerdConfig(o: { host: string; port: number; token: boolean; maxBodyBytes?: number; durableObject?: boolean }): string {
  const bindings: string[] = [];
  if (o.token) bindings.push(`(name = "MAST_TOKEN", fromEnvironment = "MAST_TOKEN")`);
  if (o.maxBodyBytes !== undefined) bindings.push(`(name = "MAST_MAX_BODY", text = "${o.maxBodyBytes}")`);
  if (o.durableObject) bindings.push(`(name = "MAST_NODE", durableObjectNamespace = "MastNode")`);
  const objects = o.durableObject
    ? `\n  durableObjectNamespaces = [ (className = "MastNode", uniqueKey = "mast-node") ],\n  durableObjectStorage = (inMemory = void),`
    : "";
  return `# mast node: one node of a distributed run (mast-wasm), served by workerd.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "node", worker = .node) ],
  sockets = [ (name = "http", address = "${o.host}:${o.port}", http = (), service = "node") ],
);

const node :Workerd.Worker = (
  modules = [
    (name = "cluster-node.js", esModule = embed "cluster-node.js"),
    (name = "mast-simd.wasm", wasm = embed "mast-simd.wasm"),
    (name = "mast-scalar.wasm", wasm = embed "mast-scalar.wasm"),
  ],
  bindings = [ ${bindings.join(", ")} ],${objects}
  compatibilityDate = "2025-09-01",
);
`;
}

/** A free TCP port on host (the kernel's choice; there is a short race until workerd binds it). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, host, () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function checkOptions(o: NodeProcessOptions): { host: string; port: number | undefined } {
  const host = o.host ?? "127.0.0.1";
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 1 && o.port <= 65535)) throw new RangeError(`port must be an integer in 1..65535, got ${o.port}`);
  if (o.token !== undefined && !(typeof o.token === "string" && /^[\x21-\x7e]{1,4096}$/.test(o.token))) {
    throw new TypeError("token must be a string of 1 to 4096 visible ASCII characters (no spaces)");
  }
  if (o.maxBodyBytes !== undefined && !(Number.isInteger(o.maxBodyBytes) && o.maxBodyBytes >= 1)) throw new RangeError(`maxBodyBytes must be a positive integer, got ${o.maxBodyBytes}`);
  const loopback = host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]";
  if (!loopback && o.token === undefined) {
    throw new RangeError(`host ${host} makes the node reachable from other machines: give it a token (a node must never be exposed without one)`);
  }
  return { host, port: o.port };
}

/** startNode(options): one node process; resolves once it answers on its URL. */
export async function startNode(opts: NodeProcessOptions = {}): Promise<NodeProcess> {
  const { host, port: fixed } = checkOptions(opts);
  const exe = opts.workerd ?? workerdPath();
  const files = ["cluster-node.js", "mast-simd.wasm", "mast-scalar.wasm"].map((f) => [f, distFile(f)] as const);
  const attempts = fixed === undefined ? 3 : 1;
  let last: unknown = null;
  for (let a = 0; a < attempts; a++) {
    const port = fixed ?? await freePort(host);
    try {
      return await launch(exe, files, host, port, opts);
    } catch (e) {
      last = e;
      if (!(e instanceof Error && /Address already in use|bind/i.test(e.message))) throw e;
    }
  }
  throw last;
}

async function launch(exe: string, files: (readonly [string, string])[], host: string, port: number, opts: NodeProcessOptions): Promise<NodeProcess> {
  const dir = mkdtempSync(join(tmpdir(), "mast-node-"));
  for (const [name, path] of files) copyFileSync(path, join(dir, name));
  writeFileSync(join(dir, "node.capnp"), workerdConfig({ host, port, token: opts.token !== undefined, maxBodyBytes: opts.maxBodyBytes, durableObject: opts.durableObject }));
  const env = { ...process.env };
  delete env.MAST_TOKEN;
  if (opts.token !== undefined) env.MAST_TOKEN = opts.token;
  const child = spawn(exe, ["serve", join(dir, "node.capnp")], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  guard();
  let log = "";
  const keep = (d: Buffer, to: NodeJS.WriteStream) => {
    log = (log + d.toString()).slice(-LOG_KEEP);
    if (opts.output === "inherit") to.write(d);
  };
  child.stdout!.on("data", (d: Buffer) => keep(d, process.stdout));
  child.stderr!.on("data", (d: Buffer) => keep(d, process.stderr));
  let code: number | string | null = null;
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (c, signal) => { code = c ?? signal ?? "unknown"; forget(child); rmSync(dir, { recursive: true, force: true }); resolve(code); });
    child.on("error", (e) => { log += String(e); code = "spawn failed"; forget(child); rmSync(dir, { recursive: true, force: true }); resolve(code); });
  });
  const url = `http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
  const stop = async (): Promise<void> => {
    if (code === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => { if (code === null) child.kill("SIGKILL"); }, 3000);
      await exited;
      clearTimeout(timer);
    }
    await exited;
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  const headers: Record<string, string> = opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : {};
  for (;;) {
    if (code !== null) throw new Error(`mast node: workerd exited (${code}) before it answered on ${url}: ${log.trim().split("\n").slice(-3).join(" | ")}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mast node: workerd did not answer on ${url} within ${opts.startTimeoutMs ?? 15_000} ms`);
    }
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
      const body = await res.json() as { mast?: string };
      if (res.ok && body.mast === "node") break;
      await stop();
      throw new Error(`mast node: ${url} answered ${res.status} ${JSON.stringify(body)} (is another server on port ${port}?)`);
    } catch (e) {
      if (e instanceof Error && e.message.startsWith("mast node:")) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return { url, port, pid: child.pid!, exited, logs: () => log, stop };
}

/** start({ nodes, … }): `nodes` node processes on free ports (or `ports`); stops them all if one fails to start. */
export async function start(opts: ClusterOptions): Promise<Cluster> {
  const { nodes: n, ports, ...rest } = opts;
  if (!(Number.isInteger(n) && n >= 1 && n <= 256)) throw new RangeError(`nodes must be an integer in 1..256, got ${n}`);
  if (ports !== undefined && (!Array.isArray(ports) || ports.length !== n)) throw new RangeError(`ports must have one port per node (${n}), got ${ports?.length}`);
  const started: NodeProcess[] = [];
  const stopAll = async () => { await Promise.all(started.map((p) => p.stop())); };
  try {
    const all = await Promise.allSettled(Array.from({ length: n }, (_, i) => startNode({ ...rest, port: ports?.[i] })));
    for (const r of all) if (r.status === "fulfilled") started.push(r.value);
    const bad = all.find((r) => r.status === "rejected");
    if (bad) throw (bad as PromiseRejectedResult).reason;
  } catch (e) {
    await stopAll();
    throw e;
  }
  return { endpoints: started.map((p) => p.url), nodes: started, stop: stopAll };
}
