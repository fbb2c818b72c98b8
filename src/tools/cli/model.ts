/**
 * `--model`: which model `mast train` fits — the binary linear model of `mast.problem` (the default), or a softmax
 * network of `mast.network` without hidden layers (`softmax`) or with them (`mlp:W1,W2,…`).
 * @module
 */
import { UsageError, show } from "./errors.js";

/** The model of a run. */
export type ModelSpec =
  | { readonly kind: "linear" }
  | { readonly kind: "softmax"; readonly hidden: readonly number[] }
  | { readonly kind: "mlp"; readonly hidden: readonly number[] };

/** A network model (softmax or MLP). */
export type NetworkModel = Exclude<ModelSpec, { kind: "linear" }>;

/** The widest hidden layer and the most layers `mast.network` takes. */
const MAX_WIDTH = 2 ** 20;
const MAX_LAYERS = 64;

const SYNTAX = `linear, softmax or mlp:W1,W2,… (hidden layer widths, integers ≥ 1)`;

/** parseModel(raw): the model named by a --model value. */
export function parseModel(raw: string): ModelSpec {
  const s = raw.trim();
  if (s === "linear") return { kind: "linear" };
  if (s === "softmax") return { kind: "softmax", hidden: [] };
  const m = /^mlp(?::(.*))?$/.exec(s);
  if (m === null) throw new UsageError(`--model must be ${SYNTAX}, got ${show(raw)}`);
  if (m[1] === undefined || m[1].trim() === "") throw new UsageError(`--model mlp needs its hidden layer widths, e.g. mlp:256,256, got ${show(raw)}`);
  const parts = m[1].split(",");
  if (parts.length > MAX_LAYERS) throw new UsageError(`--model must have at most ${MAX_LAYERS} hidden layers, got ${parts.length} in ${show(raw)}`);
  const hidden = parts.map((p) => {
    const t = p.trim();
    const w = /^\d+$/.test(t) ? Number(t) : NaN;
    if (!(Number.isSafeInteger(w) && w >= 1 && w <= MAX_WIDTH)) {
      throw new UsageError(`--model mlp: every width must be an integer in 1..${MAX_WIDTH}, got ${show(t)} in ${show(raw)}`);
    }
    return w;
  });
  return { kind: "mlp", hidden };
}

/** modelName(m): the model as --model spells it (`mlp:256,256`). */
export function modelName(m: ModelSpec): string {
  return m.kind === "mlp" ? `mlp:${m.hidden.join(",")}` : m.kind;
}

/** isNetwork(m): the model is a `mast.network`. */
export function isNetwork(m: ModelSpec): m is NetworkModel { return m.kind !== "linear"; }
