// Headless Chromium for the browser tests (Debian's /usr/bin/chromium driven by playwright-core, with the flags that
// work on this machine, as in scripts/test-runtimes.mjs), and a static server for a folder.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import type { Browser, Page } from "playwright-core";

export const CI = process.env.CI === "true" || process.env.CI === "1";
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * chromiumOrSkip(what): whether the browser tests can run. Outside CI a missing Chromium skips them with a visible
 * message; in CI it is a failure (.ci/run installs chromium).
 */
export function chromiumOrSkip(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (CI) throw new Error(`${what}: Chromium is missing at ${CHROMIUM}, and CI must run the browser tests (apt-get install -y chromium)`);
  console.warn(`[skip] ${what}: Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return false;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 60_000,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

/** consoleErrors(page): the page's console errors, page errors and failed requests, collected as they come. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  return errors;
}

const MIME: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".wasm": "application/wasm", ".css": "text/css" };

/** serveFolder(dir): a static server for dir on 127.0.0.1 (a free port); its base URL ends with "/". */
export async function serveFolder(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const path = normalize(join(dir, rel === "/" ? "index.html" : rel));
    if (!path.startsWith(normalize(dir) + sep) || !existsSync(path)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { "content-type": MIME[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, server };
}
