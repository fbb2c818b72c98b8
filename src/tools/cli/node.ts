/**
 * `mast node`: run one node process of distributed runs — workerd serving dist/cluster-node.js on a port — print its
 * URL when it answers, and stop it on SIGINT or SIGTERM.
 * @module
 */
import { parseArgs } from "node:util";
import { startNode } from "../cluster/process.js";
import { PROTOCOL } from "../../methods/distributed/protocol.js";
import { UsageError, show } from "./errors.js";
import { parseArgsError, parseInteger } from "./flags.js";

export const NODE_OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  token: { type: "string" },
  "max-body": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const NODE_HELP = `Usage: mast node [--port P] [--host H] [--token T] [--max-body BYTES]

Run one node of distributed runs: a workerd process (Cloudflare's Workers runtime, from node_modules) serving the
node side of the round protocol over HTTP. It prints its URL when ready; give the URLs of your nodes to
  mast train --method distributed --nodes M --endpoints URL,URL,…
or minimize({ method: "distributed", endpoints: [...] }). Stop it with Ctrl-C (SIGINT) or SIGTERM.

  --port P          the TCP port (default 8701)
  --host H          the address to listen on (default 127.0.0.1). Any other address needs --token
  --token T         refuse requests without "Authorization: Bearer T" (also read from $MAST_TOKEN; prefer
                    the variable: a flag is visible to other users in the process list). Never expose a
                    node without a token: anyone who reaches it can make it compute and hold data
  --max-body BYTES  the largest request (a shard) it takes, default 104857600 (100 MiB)

Exit codes: 0 stopped by a signal; 1 workerd failed or exited; 2 a bad flag.
`;

/** nodeMain(argv): the `mast node` command (argv excludes "node"); resolves with the exit code once stopped. */
export async function nodeMain(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({ args: argv, options: NODE_OPTIONS, allowPositionals: true, strict: true });
    values = parsed.values;
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${show(parsed.positionals[0])} (see mast node --help)`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw parseArgsError(e);
  }
  if (values.help) { process.stdout.write(NODE_HELP); return 0; }
  const str = (k: string) => values[k] as string | undefined;
  const port = str("port") === undefined ? 8701 : parseInteger("port", str("port")!, 1, 65535);
  const host = str("host") ?? "127.0.0.1";
  const token = str("token") ?? (process.env.MAST_TOKEN || undefined);
  if (token !== undefined && !/^[\x21-\x7e]{1,4096}$/.test(token)) throw new UsageError("--token must be 1 to 4096 visible ASCII characters (no spaces)");
  const maxBodyBytes = str("max-body") === undefined ? undefined : parseInteger("max-body", str("max-body")!, 1024, 2 ** 32);
  const loopback = ["127.0.0.1", "localhost", "::1"].includes(host);
  if (!loopback && token === undefined) {
    throw new UsageError(`--host ${host} makes the node reachable from other machines: give it --token (or $MAST_TOKEN); a node must never be exposed without one`);
  }
  let node;
  try {
    node = await startNode({ port, host, token, maxBodyBytes, output: "inherit" });
  } catch (e) {
    process.stderr.write(`mast: ${e instanceof Error ? e.message.replace(/^mast node: /, "") : String(e)}\n`);
    return 1;
  }
  process.stdout.write(`mast node: ${node.url} (workerd pid ${node.pid}, protocol ${PROTOCOL}, ` +
    `${token !== undefined ? "token required" : "no token: keep this port on this machine"})\n`);
  const stopped = await new Promise<"signal" | number | string>((resolve) => {
    const onSignal = () => resolve("signal");
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    void node.exited.then((code) => resolve(code));
  });
  await node.stop();
  if (stopped === "signal") {
    process.stdout.write(`mast node: stopped\n`);
    return 0;
  }
  process.stderr.write(`mast: workerd exited (${stopped}): ${node.logs().trim().split("\n").slice(-3).join(" | ")}\n`);
  return 1;
}
