// The demo's settings: their defaults, how the raw text of the controls becomes library arguments (the library checks
// them and its messages are shown next to the control they name), and the `mast train` command of a run.
import type { Loss, Sketch } from "mast-wasm";

/** The "Model" control: a linear model with its loss, or a network (mast.network): softmax regression or an MLP. */
export type ModelKind = Loss | "softmax" | "mlp";

/** What the controls hold, as typed (numbers stay text until the library checks them). */
export interface Settings {
  /** A DataSource id. */
  source: string;
  /** The model (the control keeps its first name, "loss"). */
  loss: ModelKind;
  /** MLP: the hidden layers' widths, "32" or "64,32". */
  hidden: string;
  /** Networks: what the sketch draws over, the parameters ("coordinates") or an MLP's hidden units. */
  over: "coordinates" | "units";
  l2: string;
  sketch: "identity" | "bernoulli" | "randk" | "permutation";
  /** K, p or M; empty for Rand-K means K = round(d/2), `mast train`'s default. */
  sketchParam: string;
  method: "dsgd" | "lsvrg" | "svrg";
  /** "full" or τ. */
  batch: string;
  /** "theory" or γ. */
  step: string;
  iterations: string;
  seed: string;
}

/** The defaults: `mast train`'s, with 50 epochs instead of 10 so that the run lasts long enough to watch. */
export const DEFAULTS: Readonly<Settings> = Object.freeze({
  source: "synthetic",
  loss: "logistic",
  hidden: "32",
  over: "coordinates",
  l2: "0.0001",
  sketch: "randk",
  sketchParam: "",
  method: "dsgd",
  batch: "1",
  step: "theory",
  iterations: "320700",
  seed: "0",
});

/** The controls, by the name the page gives them; errors are shown next to one of these. */
export const FIELDS = ["source", "data", "labels", "test", "testLabels", "loss", "hidden", "over", "l2", "sketch", "sketchParam", "method", "batch", "step", "iterations", "seed"] as const;
export type Field = (typeof FIELDS)[number];

/** The sketch parameter shown when a family is picked (Rand-K's empty value means round(d/2)). */
export const SKETCH_PARAM: Record<Settings["sketch"], { label: string; initial: string }> = {
  identity: { label: "(none)", initial: "" },
  bernoulli: { label: "keep probability p", initial: "0.5" },
  randk: { label: "K coordinates a step (empty: d/2)", initial: "" },
  permutation: { label: "M blocks", initial: "4" },
};

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * numeric(raw): the number a control holds when it is plain decimal text (as `mast train` accepts it), else the raw
 * text itself, so that the library's check quotes what was typed ("iterations must be an integer ≥ 0, got \"abc\"").
 */
export function numeric(raw: string): number | string {
  const s = raw.trim();
  return DECIMAL.test(s) ? Number(s) : raw;
}

/**
 * fieldOf(message): the control a library error is about, from the name it starts with (the library names the
 * argument first: "batch must be …", "sketch.k (K) must be …", "libsvm line 3: …"); null for the page's general area.
 */
export function fieldOf(message: string): Field | null {
  const m = /^(?:options\.)?([A-Za-z]+)/.exec(message);
  const name = m?.[1] ?? "";
  const map: Record<string, Field> = {
    libsvm: "data", data: "data", loss: "loss", l2: "l2", sketch: "sketchParam", k: "sketchParam", p: "sketchParam", nodes: "sketchParam",
    hidden: "hidden", idx: "data", images: "data", labels: "labels",
    method: "method", batch: "batch", stepSize: "step", iterations: "iterations", seed: "seed",
  };
  return map[name] ?? null;
}

/** The CLI spelling of a sketch (`--sketch`; `:units` when it draws an MLP's hidden units). */
export function sketchFlag(s: Sketch): string {
  const units = s.kind !== "identity" && s.over === "units" ? ":units" : "";
  switch (s.kind) {
    case "identity": return "identity";
    case "bernoulli": return `bernoulli:${s.p as number}${units}`;
    case "randK": return `randk:${s.k}${units}`;
    case "permutation": return `permutation:${s.nodes}${units}`;
  }
}

/** A run's settings after the library accepted them. */
export interface Checked {
  loss: ModelKind;
  /** Networks: the hidden widths ([] for softmax regression); null for the linear model. */
  hidden: number[] | null;
  l2: number;
  sketch: Sketch;
  method: Settings["method"];
  batch: "full" | number;
  step: "theory" | number;
  iterations: number;
  seed: number;
}

/** cliArgs(run, dataFlags): the `mast train` arguments that reproduce the run (every run-defining flag spelled out). */
export function cliArgs(run: Checked, dataFlags: string[]): string[] {
  const model = run.hidden === null ? ["--loss", run.loss] : ["--model", run.hidden.length ? `mlp:${run.hidden.join(",")}` : "softmax"];
  return [
    "train", ...dataFlags, ...model, "--l2", String(run.l2), "--sketch", sketchFlag(run.sketch), "--method", run.method,
    "--batch", String(run.batch), "--step", String(run.step), "--iterations", String(run.iterations), "--seed", String(run.seed),
  ];
}

/** shellCommand(args): `npx mast …` with each argument quoted for a POSIX shell where it needs it. */
export function shellCommand(args: string[]): string {
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ["npx", "mast", ...args].map(quote).join(" ");
}
