// The page: builds the controls, starts the training worker, draws the live plots with mast-wasm/plot, and shows the
// result, the pruning boxplot and the "same bits" panel. All state is in the DOM (body[data-state] is loading, ready,
// running, done, stopped or error), which is also what the browser test reads.
import { boxplotSvg, lineSvg } from "mast-wasm/plot";
import type { BoxGroup, LineSeries } from "mast-wasm/plot";
import { DATA_SOURCES, type InputFiles, type FileRole } from "./sources.js";
import { DEFAULTS, FIELDS, SKETCH_PARAM, type Settings } from "./settings.js";
import type { PageMessage, WorkerMessage } from "./worker.js";
import type { PausePoint, ProgressRow, RunResult } from "./train.js";
import golden from "./golden.json";

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: no element #${id}`);
  return el as T;
};
const form = $<HTMLFormElement>("settings");
const TEXT_FIELDS = ["hidden", "l2", "sketchParam", "batch", "step", "iterations", "seed"] as const;
const SELECT_FIELDS = ["source", "loss", "over", "sketch", "method"] as const;
/** The file roles whose inputs belong to the selected source. */
const FILE_ROLES: readonly FileRole[] = ["data", "labels", "test", "testLabels"];

// --- controls -------------------------------------------------------------------------------------------------
const sourceSelect = $<HTMLSelectElement>("source");
for (const s of DATA_SOURCES) sourceSelect.append(new Option(s.label, s.id));
const fileInputs = new Map<string, HTMLInputElement>();
for (const s of DATA_SOURCES) {
  for (const f of s.files) {
    const id = `file-${s.id}-${f.role}`;
    const div = document.createElement("div");
    div.className = "field";
    div.dataset.source = s.id;
    div.innerHTML = `<label for="${id}"></label><input type="file" id="${id}" name="${f.role}" aria-describedby="error-${f.role}"><p class="error" id="error-${s.id}-${f.role}" role="alert"></p>`;
    div.querySelector("label")!.textContent = f.label;
    const input = div.querySelector("input")!;
    input.accept = f.accept;
    input.setAttribute("aria-describedby", `error-${s.id}-${f.role}`);
    $("files").append(div);
    fileInputs.set(`${s.id}:${f.role}`, input);
  }
}
/** The error element of a field ("" is the form's general one); file roles belong to the selected source. */
function errorElement(field: string): HTMLElement {
  if ((FILE_ROLES as readonly string[]).includes(field)) return document.getElementById(`error-${sourceSelect.value}-${field}`) ?? $("error-");
  return document.getElementById(`error-${field}`) ?? $("error-");
}
function controlOf(field: string): HTMLElement | null {
  if ((FILE_ROLES as readonly string[]).includes(field)) return fileInputs.get(`${sourceSelect.value}:${field}`) ?? null;
  return (FIELDS as readonly string[]).includes(field) ? document.getElementById(field) : null;
}

function showSource(): void {
  for (const div of $("files").querySelectorAll<HTMLElement>("[data-source]")) div.hidden = div.dataset.source !== sourceSelect.value;
}
function showSketchParam(): void {
  const fam = $<HTMLSelectElement>("sketch").value as Settings["sketch"];
  const input = $<HTMLInputElement>("sketchParam");
  $("sketchParam-label").textContent = `Sketch parameter: ${SKETCH_PARAM[fam].label}`;
  input.disabled = fam === "identity";
  input.placeholder = fam === "randk" ? "round(d/2)" : "";
}
/** The network controls (hidden widths, what the sketch draws over) show only for the models that use them. */
function showModel(): void {
  const model = $<HTMLSelectElement>("loss").value;
  $("field-hidden").hidden = model !== "mlp";
  $("field-over").hidden = model !== "mlp";
  if (model !== "mlp") $<HTMLSelectElement>("over").value = "coordinates";
}
function setSettings(s: Settings): void {
  for (const k of [...TEXT_FIELDS, ...SELECT_FIELDS]) ($(k) as HTMLInputElement).value = s[k];
  showSource();
  showSketchParam();
  showModel();
}
function readSettings(): Settings {
  const v = (k: string): string => ($(k) as HTMLInputElement).value;
  return {
    source: v("source"), loss: v("loss") as Settings["loss"], hidden: v("hidden"), over: v("over") as Settings["over"], l2: v("l2"), sketch: v("sketch") as Settings["sketch"], sketchParam: v("sketchParam"),
    method: v("method") as Settings["method"], batch: v("batch"), step: v("step"), iterations: v("iterations"), seed: v("seed"),
  };
}
async function readFiles(): Promise<InputFiles> {
  const out: InputFiles = {};
  for (const role of FILE_ROLES) {
    const file = fileInputs.get(`${sourceSelect.value}:${role}`)?.files?.[0];
    if (file) out[role] = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  }
  return out;
}
sourceSelect.addEventListener("change", showSource);
$("loss").addEventListener("change", showModel);
$("sketch").addEventListener("change", () => {
  const fam = $<HTMLSelectElement>("sketch").value as Settings["sketch"];
  $<HTMLInputElement>("sketchParam").value = SKETCH_PARAM[fam].initial;
  showSketchParam();
});
setSettings({ ...DEFAULTS });

function clearErrors(): void {
  for (const el of document.querySelectorAll<HTMLElement>(".error")) el.textContent = "";
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}
function showError(field: string, message: string): void {
  const el = errorElement(field);
  el.textContent = message;
  el.dataset.field = field;
  const control = controlOf(field);
  control?.setAttribute("aria-invalid", "true");
  control?.focus();
}

// --- state and rendering --------------------------------------------------------------------------------------
const state = document.body.dataset;
let trace: ProgressRow[] = [], points: PausePoint[] = [], total = 0, speed = 0;
let lastRun: { settings: Settings; files: InputFiles } | null = null;
let note = ""; // appended to the progress line (how a run ended)
let frame = 0;

const svg = (s: string): string => s.replace(/^<\?xml[^>]*>\s*/, "");
const pct = (x: number | null): string => (x === null ? "–" : `${(100 * x).toFixed(2)}%`);
const num = (x: number, sig = 6): string => (Number.isFinite(x) ? String(Number(x.toPrecision(sig))) : String(x));

function renderPlots(): void {
  frame = 0;
  const done = trace.length ? trace[trace.length - 1].iteration : 0;
  const p = total > 0 ? Math.min(100, (100 * done) / total) : state.state === "done" ? 100 : 0;
  $<HTMLProgressElement>("progress").value = p;
  $<HTMLProgressElement>("progress").textContent = `${p.toFixed(0)}%`;
  $("progress-text").textContent = total > 0 || note === ""
    ? `${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} steps (${p.toFixed(0)}%) · ${Math.round(speed).toLocaleString("en-US")} steps/s${note}`
    : note.replace(/^ · /, "");
  if (trace.length === 0) { $("plot-loss").innerHTML = ""; $("plot-accuracy").innerHTML = ""; return; }
  const series: LineSeries[] = [{ name: "f(x_t)", x: trace.map((r) => r.iteration), y: trace.map((r) => r.f) }];
  if (points.length) series.push({ name: "f_D(x_t), Monte Carlo", x: points.map((q) => q.iteration), y: points.map((q) => q.fD), markers: true, dash: "6 3" });
  $("plot-loss").innerHTML = svg(lineSvg(series, { title: "Objective", xLabel: "iteration t", yLabel: "value", width: 640, height: 380 }));
  const acc: LineSeries[] = [];
  const withTrain = points.filter((q) => q.train !== null), withTest = points.filter((q) => q.test !== null);
  if (withTrain.length) acc.push({ name: "train", x: withTrain.map((q) => q.iteration), y: withTrain.map((q) => q.train!), markers: true });
  if (withTest.length) acc.push({ name: "test", x: withTest.map((q) => q.iteration), y: withTest.map((q) => q.test!), markers: true });
  $("plot-accuracy").innerHTML = acc.length
    ? svg(lineSvg(acc, { title: "Accuracy", xLabel: "iteration t", yLabel: "fraction correct", width: 640, height: 380 }))
    : points.length ? "<p>No accuracy: it needs labels −1/+1.</p>" : "";
}
const schedule = (): void => { if (!frame) frame = requestAnimationFrame(renderPlots); };

function setRunning(running: boolean): void {
  $<HTMLButtonElement>("start").disabled = running;
  $<HTMLButtonElement>("stop").disabled = !running;
  $<HTMLButtonElement>("again").disabled = running || lastRun === null;
  $<HTMLButtonElement>("defaults").disabled = running;
}

function showResult(r: RunResult): void {
  const rows: [string, string][] = [
    ["data", `${r.info.dataLabel}: ${r.info.rows.toLocaleString("en-US")} rows × ${r.info.cols} features${r.info.testRows ? `; test: ${r.info.testLabel}` : ""}`],
    ["sketch, step", `${r.info.sketch}, γ = ${num(r.info.stepSize)} (theory ${num(r.info.theoryStep)})`],
    ["f(x_0) → f(x_T)", `${num(r.f0, 8)} → ${num(r.f, 8)}`],
    ["f_D(x_T)", `${num(r.fD.mean, 8)} ± ${num(r.fD.stderr, 3)} (Monte Carlo, ${r.fD.samples} sketches)`],
    ["train accuracy", pct(r.trainAccuracy)],
    ["test accuracy", pct(r.testAccuracy)],
    ["steps/s", `${Math.round(r.stepsPerSecond).toLocaleString("en-US")} (${r.iterations.toLocaleString("en-US")} steps in ${r.minimizeMs.toFixed(0)} ms)`],
  ];
  if (r.prune.erm) {
    rows.push(r.prune.unit === "coordinates" && r.prune.baseline.startsWith("Newton")
      ? [`ERM (Newton) ${r.prune.on} accuracy`, `${pct(r.prune.erm.accuracy)} (${r.prune.erm.iterations} Newton steps${r.prune.erm.converged ? "" : ", not converged"})`]
      : [`baseline ${r.prune.on} accuracy`, `${pct(r.prune.erm.accuracy)} (${r.prune.baseline}, ${r.prune.erm.iterations.toLocaleString("en-US")} steps)`]);
  }
  const dl = $("summary");
  dl.replaceChildren(...rows.flatMap(([k, v]) => { const dt = document.createElement("dt"), dd = document.createElement("dd"); dt.textContent = k; dd.textContent = v; return [dt, dd]; }));
  const pr = r.prune;
  if (pr.levels.length) {
    const withErm = pr.erm !== null;
    const units = pr.unit === "units";
    const groups: BoxGroup[] = pr.levels.map((l) => ({ label: `${units ? "units" : "K"} = ${l.k} (${Math.round(100 * l.fraction)}%)`, boxes: withErm ? [l.mast, l.erm] : [l.mast] }));
    $("plot-prune").innerHTML = svg(boxplotSvg(groups, {
      series: withErm ? ["MAST (this run)", units || !pr.baseline.startsWith("Newton") ? "trained without a sketch" : "ERM (Newton)"] : ["MAST (this run)"],
      title: units ? "Random pruning: keep a fraction of every hidden layer's units" : "Random pruning: keep K coordinates, zero the rest",
      subtitle: `${pr.levels[0].mast.n} random masks a level, ${pr.on} accuracy`, xLabel: units ? "hidden units kept" : "coordinates kept", yLabel: `${pr.on} accuracy`, width: 760, height: 420,
    }));
  } else $("plot-prune").innerHTML = "";
  $("prune-note").textContent = pr.note;
  $("results").hidden = false;

  $("digest").textContent = r.digest;
  $("command").textContent = r.info.command;
  const verdict = $("verdict");
  const isDefault = JSON.stringify(r.info.args) === JSON.stringify(golden.args);
  if (isDefault && r.digest === golden.digest) {
    verdict.className = "match";
    verdict.textContent = `Match: these are the default settings, and Node (${golden.node}) computes the same digest.`;
  } else if (isDefault) {
    verdict.className = "mismatch";
    verdict.textContent = `MISMATCH: these are the default settings, and Node (${golden.node}) computes ${golden.digest}.`;
  } else {
    verdict.className = "";
    verdict.textContent = "No stored Node digest for these settings (only for the defaults): run the command below to compare.";
  }
  $("same-bits").hidden = false;
}

// --- the worker -----------------------------------------------------------------------------------------------
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "mast-demo" });
const send = (m: PageMessage): void => worker.postMessage(m);
worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
  const m = ev.data;
  switch (m.type) {
    case "ready":
      state.state = "ready";
      state.build = m.build;
      $("progress-text").textContent = `ready (${m.build} kernels)`;
      break;
    case "started":
      total = m.info.iterations;
      $("run-info").textContent = `${m.info.dataLabel}: ${m.info.rows.toLocaleString("en-US")} × ${m.info.cols}, sketch ${m.info.sketch}, γ = ${num(m.info.stepSize)}`;
      break;
    case "progress":
      trace.push(m.row);
      total = m.total;
      speed = m.stepsPerSecond;
      schedule();
      break;
    case "pause":
      points.push(m.point);
      schedule();
      break;
    case "done":
      trace = m.result.trace;
      points = m.result.points;
      speed = m.result.stepsPerSecond;
      state.state = "done";
      renderPlots();
      showResult(m.result);
      setRunning(false);
      $("again").focus();
      break;
    case "stopped":
      state.state = "stopped";
      note = ` · stopped at step ${m.result.iterations.toLocaleString("en-US")}: no digest, the run did not finish`;
      renderPlots();
      setRunning(false);
      break;
    case "error":
      state.state = "error";
      showError(m.field, m.name === "DivergenceError" ? `The run diverged: ${m.message}` : m.message);
      note = " · stopped by an error (see the message)";
      renderPlots();
      setRunning(false);
      break;
  }
};
worker.onerror = (e) => { state.state = "error"; showError("", `the worker failed: ${e.message}`); setRunning(false); };

function start(run: { settings: Settings; files: InputFiles }): void {
  clearErrors();
  lastRun = run;
  trace = []; points = []; total = 0; speed = 0; note = "";
  $("results").hidden = true;
  $("same-bits").hidden = true;
  $("run-info").textContent = "";
  renderPlots();
  state.state = "running";
  setRunning(true);
  send({ type: "run", settings: run.settings, files: run.files });
}
form.addEventListener("submit", (e) => {
  e.preventDefault();
  if (state.state === "running" || state.state === "loading") return;
  state.state = "running";
  setRunning(true);
  void readFiles().then((files) => start({ settings: readSettings(), files }), (err: unknown) => {
    state.state = "error";
    setRunning(false);
    showError("data", `could not read the file: ${String(err)}`);
  });
});
$("stop").addEventListener("click", () => send({ type: "stop" }));
$("again").addEventListener("click", () => { if (lastRun) start(lastRun); });
$("defaults").addEventListener("click", () => { clearErrors(); setSettings({ ...DEFAULTS }); });
$("copy").addEventListener("click", () => { void navigator.clipboard?.writeText($("command").textContent ?? "").catch(() => {}); });
