import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boxplotStats } from "../../dist/index.js";
import { boxplotSvg, lineSvg, linearScale, logScale, niceStep, formatTick, escapeXml } from "../../dist/plot.js";

/** A small well-formedness check: balanced tags, quoted attributes, no bare & or < in text. Returns the element names. */
function checkXml(svg: string): string[] {
  const body = svg.replace(/^<\?xml[^>]*\?>\s*/, "");
  const stack: string[] = [], names: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0, m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    const text = body.slice(last, m.index);
    if (/<|&(?!(amp|lt|gt|quot|#39);)/.test(text)) throw new Error(`bad text before offset ${m.index}: ${JSON.stringify(text.slice(0, 60))}`);
    last = re.lastIndex;
    const [, close, name, , self] = m;
    if (close) { if (stack.pop() !== name) throw new Error(`unbalanced </${name}> at ${m.index}`); }
    else { names.push(name); if (!self) stack.push(name); }
  }
  if (stack.length) throw new Error(`unclosed <${stack.join(">, <")}>`);
  if (body.slice(last).trim() !== "") throw new Error(`trailing text: ${body.slice(last, last + 60)}`);
  if (names[0] !== "svg") throw new Error("the root element is not <svg>");
  return names;
}

const count = (s: string, needle: RegExp) => (s.match(needle) ?? []).length;
const attrs = (s: string, cls: string, attr: string) =>
  [...s.matchAll(new RegExp(`<[^>]*class="${cls}"[^>]*>`, "g"))].map((m) => Number(new RegExp(`\\s${attr}="([^"]*)"`).exec(m[0])![1]));

describe("scales and ticks", () => {
  it("nice steps, tick labels without round-off noise, monotone mapping", () => {
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(0.37, 8)).toBe(0.05);
    expect(niceStep(0.37, 6)).toBe(0.1);
    expect(niceStep(7300, 8)).toBe(1000);
    expect(formatTick(0.30000000000000004, 0.1)).toBe("0.3");
    expect(formatTick(12000, 2000)).toBe("12,000");
    expect(formatTick(0.125, 0.025)).toBe("0.125");
    const s = linearScale([0.62, 0.87], [400, 50], 6);
    expect(s.ticks.map((t) => t.label)).toEqual(["0.65", "0.70", "0.75", "0.80", "0.85"]);
    for (let i = 1; i < s.ticks.length; i++) expect(s(s.ticks[i].value)).toBeLessThan(s(s.ticks[i - 1].value));
    const l = logScale([1e-3, 10], [0, 400]);
    expect(l.ticks.map((t) => t.label)).toContain("0.01");
    expect(l(1e-2) - l(1e-3)).toBeCloseTo(l(10) - l(1), 9);
  });
});

describe("boxplotSvg", () => {
  const groups = [0.1, 0.5, 0.9].map((q, g) => ({
    label: `q = ${q}`,
    boxes: [
      Array.from({ length: 50 }, (_, i) => 0.6 + 0.1 * g + 0.002 * i),
      boxplotStats(Array.from({ length: 50 }, (_, i) => 0.7 + 0.05 * g + 0.001 * i).concat([0.3])),
    ],
  }));
  const svg = boxplotSvg(groups, { series: ["ERM <pruned>", "MAST & pruned"], title: "Pruning: ERM vs MAST", xLabel: "sparsity q", yLabel: "test accuracy" });

  it("is a well-formed SVG document with one box, median, two whiskers and two caps per (group, series)", () => {
    const names = checkXml(svg);
    expect(names.filter((n) => n === "rect").length).toBeGreaterThanOrEqual(6);
    expect(count(svg, /class="box"/g)).toBe(6);
    expect(count(svg, /class="median"/g)).toBe(6);
    expect(count(svg, /class="whisker"/g)).toBe(12);
    expect(count(svg, /class="cap"/g)).toBe(12);
    expect(count(svg, /class="outlier"/g)).toBe(3);   // the 0.3 in each MAST group
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  });

  it("has a title, axis labels, tick labels and an escaped legend", () => {
    expect(svg).toMatch(/class="title"[^>]*>Pruning: ERM vs MAST</);
    expect(svg).toMatch(/class="xlabel"[^>]*>sparsity q</);
    expect(svg).toMatch(/class="ylabel"[^>]*>test accuracy</);
    expect(svg).toContain(">ERM &lt;pruned&gt;<");
    expect(svg).toContain(">MAST &amp; pruned<");
    expect(count(svg, /class="legend-swatch"/g)).toBe(2);
    expect(count(svg, /class="xtick"/g)).toBe(3);
    const yticks = [...svg.matchAll(/class="ytick"[^>]*>([^<]*)</g)].map((m) => Number(m[1]));
    expect(yticks.length).toBeGreaterThanOrEqual(4);
    expect(yticks.every((v) => Number.isFinite(v))).toBe(true);
  });

  it("maps values to coordinates monotonically (higher median → higher on the page, i.e. smaller y)", () => {
    const medians = [...svg.matchAll(/data-median="([^"]*)"/g)].map((m) => Number(m[1]));
    const ys = attrs(svg, "median", "y1");
    expect(medians.length).toBe(6);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) {
      if (medians[i] > medians[j]) expect(ys[i]).toBeLessThan(ys[j]);
    }
    // tick labels run upwards
    const tickY = attrs(svg, "ytick", "y"), tickV = [...svg.matchAll(/class="ytick"[^>]*>([^<]*)</g)].map((m) => Number(m[1]));
    for (let i = 1; i < tickV.length; i++) { expect(tickV[i]).toBeGreaterThan(tickV[i - 1]); expect(tickY[i]).toBeLessThan(tickY[i - 1]); }
  });

  it("rejects mismatched input", () => {
    expect(() => boxplotSvg([], { series: ["a"] })).toThrow(/non-empty/);
    expect(() => boxplotSvg([{ label: "x", boxes: [[1]] }], { series: ["a", "b"] })).toThrow(/2 entries/);
  });
});

describe("lineSvg", () => {
  const x = Array.from({ length: 30 }, (_, i) => 10 * (i + 1));
  const series = [1, 2, 3].map((k) => ({ name: `q = 0.${k}`, x, y: x.map((t) => 0.3 + k / (1 + t / 50)) }));
  const svg = lineSvg(series, { title: "f_D vs iterations", xLabel: "iteration", yLabel: "f_D", referenceLines: [{ y: 0.3, label: "f*" }] });

  it("is a well-formed SVG with one path per series, a legend entry per series and reference line", () => {
    checkXml(svg);
    expect(count(svg, /<path class="line"/g)).toBe(3);
    expect(count(svg, /class="legend-swatch"/g)).toBe(4);
    expect(count(svg, /class="reference"/g)).toBe(1);
    expect(svg).toMatch(/class="title"[^>]*>f_D vs iterations</);
  });

  it("maps x and y monotonically", () => {
    const d = /<path class="line" data-series="q = 0.1" d="([^"]*)"/.exec(svg)![1];
    const pts = [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(pts.length).toBe(30);
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i][0]).toBeGreaterThan(pts[i - 1][0]);   // x increases → right
      expect(pts[i][1]).toBeGreaterThan(pts[i - 1][1]);   // y decreases → down the page
    }
  });

  it("log axes: drops non-positive values (breaking the line) and places decades evenly", () => {
    const s = lineSvg([{ name: "gap", x: [0, 1, 10, 100, 1000], y: [1, 0.1, 0.01, -1, 1e-4] }], { logX: true, logY: true, title: "log" });
    checkXml(s);
    const d = /<path class="line"[^>]*d="([^"]*)"/.exec(s)![1];
    expect(count(d, /M/g)).toBe(2);   // x = 0 dropped; y = −1 breaks the line
    expect(count(d, /L/g)).toBe(1);
    const labels = [...s.matchAll(/class="xtick"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(labels).toEqual(expect.arrayContaining(["1", "10", "100", "1,000"]));
  });

  it("escapes text", () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe("a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    checkXml(lineSvg([{ name: "<&>", x: [1, 2], y: [1, 2] }], { title: "x < y & z" }));
  });

  const rsvg = spawnSync("rsvg-convert", ["--version"]).status === 0;
  if (!rsvg) console.warn("[skip] rsvg-convert not installed (apt-get install librsvg2-bin): the SVGs are not rendered to PNG");
  it.skipIf(!rsvg)("renders to PNG with rsvg-convert", () => {
    const dir = mkdtempSync(join(tmpdir(), "mast-plot-"));
    try {
      for (const [name, s] of [["box", boxplotSvg([{ label: "a", boxes: [[1, 2, 3], [2, 3, 4]] }], { series: ["x", "y"], title: "t" })], ["line", svg]] as const) {
        writeFileSync(join(dir, `${name}.svg`), s);
        const r = spawnSync("rsvg-convert", ["-o", join(dir, `${name}.png`), join(dir, `${name}.svg`)]);
        expect(r.status, String(r.stderr)).toBe(0);
        const png = readFileSync(join(dir, `${name}.png`));
        expect(png.subarray(1, 4).toString()).toBe("PNG");
        expect(png.readUInt32BE(16)).toBe(900);   // width
      }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
