#!/usr/bin/env node
// The import graph of src/: every relative import (values and types alike), checked for circles and for arrows that
// point up the layers (runtime → data → sketch → methods → models → tools and entries). Uses the TypeScript
// compiler's own import scanner, so re-exports, `import type` and dynamic imports are all seen.
//
//   node scripts/check-imports.mjs        prints the graph's size and any problem; exit 1 on a problem
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The folders of src/ in layer order: a file may import its own folder and folders earlier in the list. */
export const LAYERS = ["runtime", "data", "sketch", "methods", "models"];

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** importGraph(srcDir): file (relative to srcDir) → the files it imports. */
export function importGraph(srcDir = join(root, "src")) {
  const graph = new Map();
  for (const file of files(srcDir)) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const deps = [];
    for (const ref of info.importedFiles) {
      // .wasm imports are the built kernels next to the bundle in dist/ (the Worker entry imports them), not sources
      if (!ref.fileName.startsWith(".") || ref.fileName.endsWith(".wasm")) continue;
      const target = resolve(dirname(file), ref.fileName).replace(/\.js$/, ".ts");
      deps.push(relative(srcDir, target));
    }
    graph.set(relative(srcDir, file), deps);
  }
  return graph;
}

/** cycles(graph): every import circle, each as the list of files around it (found by depth-first search). */
export function cycles(graph) {
  const out = [], state = new Map(), stack = [];
  const visit = (f) => {
    state.set(f, 1);
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (!graph.has(g)) continue;
      if (state.get(g) === 1) out.push([...stack.slice(stack.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return out;
}

/** upwardImports(graph): imports from a layer folder into a later one (e.g. methods/ → models/). */
export function upwardImports(graph) {
  const layer = (f) => LAYERS.indexOf(f.split("/")[0]);
  const out = [];
  for (const [f, deps] of graph) {
    const lf = layer(f);
    if (lf < 0) continue;
    for (const g of deps) {
      const lg = layer(g);
      if (lg < 0 || lg > lf) out.push([f, g]);
    }
  }
  return out;
}

/** missingTargets(graph): relative imports of files that do not exist. */
export function missingTargets(graph) {
  const out = [];
  for (const [f, deps] of graph) for (const g of deps) if (!graph.has(g)) out.push([f, g]);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const g = importGraph();
  const problems = [
    ...cycles(g).map((c) => `import circle: ${c.join(" → ")}`),
    ...upwardImports(g).map(([f, t]) => `upward import: ${f} → ${t} (layers: ${LAYERS.join(" → ")})`),
    ...missingTargets(g).map(([f, t]) => `missing file: ${f} imports ${t}`),
  ];
  let edges = 0;
  for (const d of g.values()) edges += d.length;
  console.log(`src/: ${g.size} files, ${edges} imports`);
  for (const p of problems) console.log(p);
  process.exit(problems.length ? 1 : 0);
}
