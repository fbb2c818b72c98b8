// `mast node` (a workerd node process on a port) and `mast train --endpoints`: the node prints its URL when ready and
// stops cleanly on SIGINT and SIGTERM, leaving no workerd process; a run over node processes gives the digest of
// threads; a token is enforced; bad flags exit 2 with one line.
import { describe, it, expect } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../helpers.ts";

const cli = join(root, "dist", "cli.js");
const TIMEOUT = 60_000;

function mast(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => { stdout += s; });
    child.stderr.setEncoding("utf8").on("data", (s: string) => { stderr += s; });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

const freePort = () => new Promise<number>((r) => { const s = createServer().listen(0, "127.0.0.1", () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const digestOf = (out: string) => (out.match(/^digest\s+([0-9a-f]{64})$/m) ?? [])[1];

/** `mast node …` in the background: resolves once it printed its URL. */
async function node(args: string[], env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(process.execPath, [cli, "node", ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => { stderr += s; });
  const closed = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
      const m = stdout.match(/^mast node: (http:\/\/\S+) .*$/m);
      if (m) resolve(m[0]);
    });
    child.on("close", () => reject(new Error(`mast node exited: ${stdout} ${stderr}`)));
  });
  const url = line.match(/(http:\/\/\S+)/)![1];
  const pid = Number(line.match(/workerd pid (\d+)/)![1]);
  return { child, url, pid, line, closed, out: () => stdout, err: () => stderr };
}

describe("mast node", () => {
  it("prints its URL when ready, serves `mast train --endpoints` with the digest of threads, and stops on SIGTERM and SIGINT leaving no workerd", async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const a = await node(["--port", String(p1)]);
    const b = await node(["--port", String(p2)]);
    try {
      expect(a.url).toBe(`http://127.0.0.1:${p1}`);
      expect(a.line).toMatch(/\(workerd pid \d+, protocol 2, no token: keep this port on this machine\)$/);
      expect(alive(a.pid)).toBe(true);
      expect(await (await fetch(a.url)).json()).toMatchObject({ mast: "node", protocol: 2 });
      const args = ["train", "--quiet", "--method", "distributed", "--nodes", "4", "--iterations", "40", "--seed", "3"];
      const threads = await mast([...args, "--workers", "2"]);
      const over = await mast([...args, "--endpoints", `${a.url},${b.url}`]);
      expect(over.code, over.stderr).toBe(0);
      expect(digestOf(over.stdout)).toBe(digestOf(threads.stdout));
      expect(over.stdout).toMatch(/rounds\/s .*2 node processes; minimize\(\) took/);
      expect(over.stdout).toMatch(/^HTTP bodies\s+rounds [\d,]+ down, [\d,]+ up; shards [\d,]+ \(once\)/m);
      expect(a.out()).toMatch(/mast node: run [0-9a-f]{8} node 0: shard of \d+ rows × 123 columns \(csr\)/);
      // a network: IST over an MLP's hidden units, its nodes in the same node processes, the digest of threads
      const dir = mkdtempSync(join(tmpdir(), "mast-node-net-"));
      try {
        const rows = Array.from({ length: 240 }, (_, i) => `${i % 3} ${[1, 2, 3, 4].map((j) => `${j}:${(((i * 7 + j * 13) % 17) / 17 + (j === 1 + (i % 3) ? 1 : 0)).toFixed(3)}`).join(" ")}`);
        writeFileSync(join(dir, "classes.libsvm"), rows.join("\n") + "\n");
        const net = ["train", "--quiet", "--data", join(dir, "classes.libsvm"), "--model", "mlp:6", "--method", "distributed", "--nodes", "2", "--batch", "8", "--step", "0.2", "--iterations", "25"];
        const [nt, nh] = [await mast([...net, "--workers", "2"]), await mast([...net, "--endpoints", `${a.url},${b.url}`])];
        expect(nh.code, nh.stderr).toBe(0);
        expect(digestOf(nh.stdout)).toBe(digestOf(nt.stdout));
      } finally { rmSync(dir, { recursive: true, force: true }); }
    } finally {
      a.child.kill("SIGTERM");
      b.child.kill("SIGINT");
    }
    expect(await a.closed).toBe(0);
    expect(await b.closed).toBe(0);
    expect(a.out()).toMatch(/mast node: stopped\n$/);
    expect(b.out()).toMatch(/mast node: stopped\n$/);
    expect(alive(a.pid)).toBe(false);
    expect(alive(b.pid)).toBe(false);
  }, TIMEOUT);

  it("with --token (or $MAST_TOKEN) a coordinator without it is refused; a killed workerd ends `mast node` with exit 1", async () => {
    const port = await freePort();
    const n = await node(["--port", String(port)], { MAST_TOKEN: "cli-T0ken" });
    try {
      expect(n.line).toMatch(/token required\)$/);
      const args = ["train", "--quiet", "--method", "distributed", "--nodes", "2", "--iterations", "10", "--endpoints", n.url];
      const refused = await mast(args, { MAST_TOKEN: "" });
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split("\n")).toHaveLength(1);
      expect(refused.stderr).toMatch(new RegExp(`^mast: distributed run failed at set-up: node [01] \\(endpoint ${n.url}\\) answered 401: this node needs a token`));
      const ok = await mast([...args, "--token", "cli-T0ken"]);
      expect(ok.code, ok.stderr).toBe(0);
      process.kill(n.pid, "SIGKILL");
      expect(await n.closed).toBe(1);
      expect(n.err()).toMatch(/^mast: workerd exited \(SIGKILL\)/m);
    } finally {
      n.child.kill("SIGTERM");
    }
    expect(alive(n.pid)).toBe(false);
    // a port that is taken: workerd cannot listen, exit 1
    const busy = createServer().listen(port, "127.0.0.1");
    await new Promise((r) => busy.once("listening", r));
    try {
      const r = await mast(["node", "--port", String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Address already in use/);
      expect(r.stderr).toMatch(/^mast: workerd exited \(1\) before it answered/m);
    } finally { busy.close(); }
  }, TIMEOUT);

  it("bad flags exit 2 with one line", async () => {
    for (const [args, re] of [
      [["node", "--host", "0.0.0.0"], /--host 0\.0\.0\.0 makes the node reachable from other machines: give it --token/],
      [["node", "--port", "0"], /--port must be an integer in 1\.\.65535/],
      [["node", "--port", "x"], /--port must be an integer/],
      [["node", "--token", "a b"], /--token must be 1 to 4096 visible ASCII characters/],
      [["node", "--max-body", "10"], /--max-body must be an integer in 1024\.\./],
      [["node", "extra"], /unexpected argument "extra"/],
      [["node", "--frobnicate"], /unknown flag --frobnicate/],
      [["train", "--endpoints", "http://127.0.0.1:1"], /--endpoints goes with --method distributed/],
      [["train", "--method", "distributed", "--endpoints", "ftp://x"], /--endpoints must be http\(s\) URLs separated by commas, got "ftp:\/\/x" at position 1/],
      [["train", "--method", "distributed", "--workers", "2", "--endpoints", "http://127.0.0.1:1"], /--workers goes with threads/],
      [["train", "--method", "distributed", "--token", "t"], /--token goes with --endpoints/],
      [["train", "--method", "distributed", "--node-timeout", "5"], /--node-timeout goes with --endpoints/],
    ] as [string[], RegExp][]) {
      const r = await mast(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    const help = await mast(["node", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Never expose a\s+node without a token/);
  }, TIMEOUT);
});
