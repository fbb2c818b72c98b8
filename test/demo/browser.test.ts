// The demo in a real browser: `node scripts/demo.mjs --port 0` (what `npm run demo` runs) builds and serves the page,
// headless Chromium opens it and uses it as a person would — the default run must end with the digest Node computes,
// plots with data and 100% progress; a LibSVM file goes through the file input; a malformed file and a bad number get
// the library's message next to their control; Stop stops; no console error; a screenshot goes to a temp dir.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { Browser, Page } from "playwright-core";
import { init } from "mast-wasm";
import { runDemo } from "../../demo/train.ts";
import { DEFAULTS, type Settings } from "../../demo/settings.ts";
import { DATA_SOURCES, type InputFiles } from "../../demo/sources.ts";
import { chromiumOrSkip, consoleErrors, launchChromium } from "../browser.ts";
import { root } from "../helpers.ts";
import { idxPair } from "../fixtures/idx.ts";

const run = chromiumOrSkip("the demo in Chromium");
const fixture = join(root, "test", "fixtures", "demo", "tiny.libsvm");
const golden = JSON.parse(readFileSync(join(root, "demo", "golden.json"), "utf8"));

let server: ChildProcess, url = "", browser: Browser, page: Page, errors: string[] = [];
beforeAll(async () => {
  if (!run) return;
  server = spawn(process.execPath, [join(root, "scripts", "demo.mjs"), "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  url = await new Promise<string>((resolve, reject) => {
    server.stdout!.on("data", (d) => { log += d; const m = log.match(/http:\/\/127\.0\.0\.1:\d+\//); if (m) resolve(m[0]); });
    server.stderr!.on("data", (d) => { log += d; });
    server.on("exit", (code) => reject(new Error(`scripts/demo.mjs exited (${code}): ${log}`)));
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = consoleErrors(page);
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: 30_000 });
});
afterAll(async () => {
  await browser?.close();
  server?.kill();
});

const state = (p: Page) => p.evaluate(() => document.body.dataset.state);
async function finish(p: Page, states = ["done"]): Promise<string> {
  await p.waitForFunction((s) => s.includes(document.body.dataset.state ?? ""), states, { timeout: 60_000 });
  return (await state(p))!;
}
async function nodeDigest(s: Partial<Settings>, files: InputFiles = {}): Promise<string> {
  const r = await runDemo(await init(), { ...DEFAULTS, ...s }, files);
  if (r.status !== "done") throw new Error(r.status);
  return r.digest;
}

describe.skipIf(!run)("the demo in Chromium", () => {
  it("serves on 127.0.0.1 with labelled controls, built from the data sources", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll<HTMLInputElement>("input, select")]
      .filter((el) => (el.labels?.length ?? 0) === 0).map((el) => el.id));
    expect(unlabelled).toEqual([]);
    expect(await page.$$eval("#source option", (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(DATA_SOURCES.map((s) => s.id));
    expect(await page.isVisible("#file-libsvm-data")).toBe(false); // only with the LibSVM source
  });

  it("the default run, started from the keyboard, ends at 100% with the digest Node computes, plots with data, and 'match'", async () => {
    await page.focus("#seed");
    await page.keyboard.press("Enter");
    expect(await finish(page)).toBe("done");
    const digest = await page.textContent("#digest");
    expect(digest).toBe(await nodeDigest({}));
    expect(digest).toBe(golden.digest);
    expect(await page.getAttribute("#verdict", "class")).toBe("match");
    expect(await page.textContent("#command")).toBe(golden.command);
    expect(await page.$eval("#progress", (p) => (p as HTMLProgressElement).value)).toBe(100);
    expect(await page.textContent("#progress-text")).toMatch(/^320,700 \/ 320,700 steps \(100%\) · [\d,]+ steps\/s$/);
    const lines = await page.$$eval("#plot-loss path.line", (ps) => ps.map((p) => (p.getAttribute("d")!.match(/L/g) ?? []).length));
    expect(lines.length).toBe(2);
    expect(lines[0]).toBeGreaterThan(90);          // f at every record row
    expect(lines[1]).toBe(20);                     // f_D at the 21 pauses
    expect(await page.$$eval("#plot-accuracy circle.marker", (c) => c.length)).toBe(42); // train and test
    expect(await page.$$eval("#plot-prune g.boxplot", (b) => b.length)).toBe(8);        // 4 levels × (MAST, ERM)
    expect(await page.textContent("#summary")).toMatch(/test accuracy\d+\.\d+%/);
  });

  it("reads on a narrow screen (no horizontal scrolling); a screenshot goes to a temp dir", async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(scroll).toBeLessThanOrEqual(client);
    const shot = join(mkdtempSync(join(tmpdir(), "mast-demo-shot-")), "demo-narrow.png");
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`demo screenshot: ${shot}`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("trains on a LibSVM file picked through the file input, with the digest Node computes for it", async () => {
    await page.selectOption("#source", "libsvm");
    await page.setInputFiles("#file-libsvm-data", fixture);
    await page.fill("#iterations", "3000");
    await page.click("#start");
    expect(await finish(page)).toBe("done");
    expect(await page.textContent("#command")).toContain("--data tiny.libsvm --loss logistic");
    expect(await page.textContent("#digest")).toBe(await nodeDigest({ source: "libsvm", iterations: "3000" }, { data: { name: "tiny.libsvm", bytes: new Uint8Array(readFileSync(fixture)) } }));
    expect(await page.getAttribute("#verdict", "class")).toBe("");
  });

  it("a malformed file gets the parser's message next to the file input, and the page keeps working", async () => {
    await page.setInputFiles("#file-libsvm-data", { name: "bad.libsvm", mimeType: "text/plain", buffer: Buffer.from("+1 1:1 2:1\n-1 3:1 2:0.5\n") });
    await page.click("#start");
    expect(await finish(page, ["done", "error"])).toBe("error");
    expect(await page.textContent("#error-libsvm-data")).toMatch(/^bad\.libsvm: libsvm line 2: .*increasing/);
    expect(await page.getAttribute("#file-libsvm-data", "aria-invalid")).toBe("true");
    await page.setInputFiles("#file-libsvm-data", fixture);
    await page.click("#start");
    expect(await finish(page, ["done", "error"])).toBe("done");
    expect(await page.textContent("#error-libsvm-data")).toBe("");
  });

  it("trains an MLP with dropout over its hidden units on IDX files picked through the file inputs, with the digest Node computes", async () => {
    const { images, labels } = idxPair(300, 4);
    const dir = mkdtempSync(join(tmpdir(), "mast-demo-idx-"));
    writeFileSync(join(dir, "img.idx"), images);
    writeFileSync(join(dir, "lab.idx"), labels);
    await page.selectOption("#source", "idx");
    expect(await page.isVisible("#file-idx-labels")).toBe(true);
    await page.setInputFiles("#file-idx-data", join(dir, "img.idx"));
    await page.setInputFiles("#file-idx-labels", join(dir, "lab.idx"));
    await page.selectOption("#loss", "mlp");
    expect(await page.isVisible("#hidden")).toBe(true);
    await page.fill("#hidden", "12");
    await page.selectOption("#over", "units");
    await page.selectOption("#sketch", "bernoulli");
    await page.fill("#sketchParam", "0.5");
    await page.fill("#batch", "16");
    await page.fill("#step", "0.2");
    await page.fill("#iterations", "300");
    await page.click("#start");
    expect(await finish(page, ["done", "error"])).toBe("done");
    const settings: Partial<Settings> = { source: "idx", loss: "mlp", hidden: "12", over: "units", sketch: "bernoulli", sketchParam: "0.5", batch: "16", step: "0.2", iterations: "300" };
    expect(await page.textContent("#digest")).toBe(await nodeDigest(settings, { data: { name: "img.idx", bytes: images }, labels: { name: "lab.idx", bytes: labels } }));
    expect(await page.textContent("#command")).toContain("--data img.idx --labels lab.idx --model mlp:12");
    expect(await page.$$eval("#plot-prune g.boxplot", (b) => b.length)).toBe(8);        // 4 levels × (MAST, trained without a sketch)
    expect(await page.textContent("#plot-prune")).toMatch(/hidden units/);
    // a label file that is not IDX: the parser's message next to the labels input, and the page keeps working
    await page.setInputFiles("#file-idx-labels", { name: "lab.txt", mimeType: "text/plain", buffer: Buffer.from("1\n2\n") });
    await page.click("#start");
    expect(await finish(page, ["done", "error"])).toBe("error");
    expect(await page.textContent("#error-idx-labels")).toMatch(/^lab\.txt: idx labels: /);
    await page.selectOption("#source", "synthetic");
    await page.selectOption("#loss", "logistic");
  });

  it("a bad number gets the library's message next to its control; Stop stops a long run", async () => {
    await page.click("#defaults");
    await page.fill("#iterations", "lots");
    await page.click("#start");
    expect(await finish(page, ["done", "error"])).toBe("error");
    expect(await page.textContent("#error-iterations")).toBe(`iterations must be an integer, got "lots"`);
    await page.fill("#iterations", "200000000");
    await page.click("#start");
    await page.waitForFunction(() => Number((document.getElementById("progress") as HTMLProgressElement).value) > 0, null, { timeout: 30_000 });
    await page.click("#stop");
    expect(await finish(page, ["done", "stopped", "error"])).toBe("stopped");
    expect(await page.textContent("#progress-text")).toMatch(/stopped at step [\d,]+: no digest/);
    expect(await page.isEnabled("#again")).toBe(true);
  });

  it("logged no console error", () => {
    expect(errors).toEqual([]);
  });
});
