// The Web Worker that trains: the page posts { type: "run", settings, files } and { type: "stop" }; the worker posts
// ready, started, progress, pause, done, stopped and error messages (see WorkerMessage). The page never blocks.
import { init } from "mast-wasm";
import { FieldError } from "./sources.js";
import type { InputFiles } from "./sources.js";
import type { Settings } from "./settings.js";
import { asFieldError, runDemo, type PausePoint, type ProgressRow, type RunInfo, type RunResult, type Stopped } from "./train.js";

/** What the page posts. */
export type PageMessage = { type: "run"; settings: Settings; files: InputFiles } | { type: "stop" };
/** What the worker posts. */
export type WorkerMessage =
  | { type: "ready"; build: string }
  | { type: "started"; info: RunInfo }
  | { type: "progress"; row: ProgressRow; total: number; stepsPerSecond: number }
  | { type: "pause"; point: PausePoint }
  | { type: "done"; result: RunResult }
  | { type: "stopped"; result: Stopped }
  | { type: "error"; field: string; name: string; message: string };

const scope = self as unknown as { postMessage(m: WorkerMessage): void; onmessage: ((e: MessageEvent<PageMessage>) => void) | null };
const post = (m: WorkerMessage): void => scope.postMessage(m);
const ready = init();
let stopRequested = false;
let busy = false;

ready.then((mast) => post({ type: "ready", build: mast.build }), (e: unknown) => post({ type: "error", field: "", name: "LoadError", message: String((e as Error)?.message ?? e) }));

scope.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === "stop") { stopRequested = true; return; }
  if (msg.type !== "run" || busy) return;
  busy = true;
  stopRequested = false;
  void (async () => {
    try {
      const mast = await ready;
      const r = await runDemo(mast, msg.settings, msg.files, {
        started: (info) => post({ type: "started", info }),
        progress: (row, total, stepsPerSecond) => post({ type: "progress", row, total, stepsPerSecond }),
        pause: (point) => post({ type: "pause", point }),
        stop: () => stopRequested,
      });
      post(r.status === "done" ? { type: "done", result: r } : { type: "stopped", result: r });
    } catch (e) {
      const f = asFieldError(e, "");
      const err = e instanceof Error ? e : new Error(String(e));
      post({ type: "error", field: f instanceof FieldError ? f.field : "", name: err.name, message: (f instanceof FieldError ? f : err).message });
    } finally {
      busy = false;
    }
  })();
};
