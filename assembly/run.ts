// The state of a run that every step kernel shares: γ (a constant or a per-step buffer), the work counters, the steps
// each path took, and the test hook that sends fused-path steps through the general path.
import { PATH_COUNT, SAMPLE_FULL, SAMPLE_INDEPENDENT } from "./codes";
import { problemKind, PROBLEM_DATA, lamEnd, dim } from "./problem";
import { samplingKind, tau } from "./sampling";

let gamma: f64 = 0;
let pGammas: usize = 0;    // per-step γ_t for t0 ≤ t < t0 + steps, or 0 for a constant γ

/** setStep(γ, pGammas): a constant γ, or (pGammas ≠ 0) γ of step t0 + s at pGammas[s]. */
export function setStep(g: f64, gammas: usize): void { gamma = g; pGammas = gammas; }
/** stepSize(s): γ of the s-th step of the current call. */
@inline export function stepSize(s: i32): f64 { return pGammas != 0 ? load<f64>(pGammas + (<usize>s << 3)) : gamma; }

/** Step at which a non-finite iterate appeared (x kept at the last finite iterate), or −1. */
export let failStep: f64 = -1;
/** Work counters: x coordinates read or written, data rows whose gradient was evaluated. */
export let coordsTouched: f64 = 0;
/** Passes over a d-vector outside the steps (set-up, write-back, read-out, f at record points): a call's fixed cost. */
export let densePasses: f64 = 0;
/** countDensePass(): one more such pass. */
@inline export function countDensePass(): void { densePasses += 1; }
export let rowsTouched: f64 = 0;
// Steps taken by each path (PATH_* in codes.ts), so that tests can tell which path ran.
const pathSteps: usize = memory.data(<i32>PATH_COUNT << 3, 8);

/** countPath(path, steps): add steps to a path's count. */
@inline export function countPath(path: i32, steps: i32): void {
  const p = pathSteps + (<usize>path << 3);
  store<f64>(p, load<f64>(p) + <f64>steps);
}
/** pathCount(path) -> steps taken by that path since the last resetCounters(). */
export function pathCount(path: i32): f64 { return path >= 0 && path < PATH_COUNT ? load<f64>(pathSteps + (<usize>path << 3)) : -1; }

/** resetCounters(): zero the work and path counters. */
export function resetCounters(): void {
  coordsTouched = 0; rowsTouched = 0; failStep = -1; densePasses = 0;
  memory.fill(pathSteps, 0, <usize>PATH_COUNT << 3);
}
export function getCoordsTouched(): f64 { return coordsTouched; }
export function getDensePasses(): f64 { return densePasses; }
export function getRowsTouched(): f64 { return rowsTouched; }
export function setRowsTouched(v: f64): void { rowsTouched = v; }
export function getFailStep(): f64 { return failStep; }

/** Whether one-row steps take the fused kernels (singleRowStep, csrRandKStep, the lazy path, pairedGradients and the VR
 *  identity step). Always on in use; differential tests turn it off to run the general path on the same draws. */
let fusedPaths = true;
/** setFusedPaths(on): a test hook: 0 sends every step through the general path (deltaFrom, gradientFromDelta, …). */
export function setFusedPaths(on: i32): void { fusedPaths = on != 0; }

/** singleRowSampling(): each step uses one sampled row of a data problem, and the fused paths are on (they assume
 *  every coordinate carries the ℓ2 term: a problem with an intercept takes the general path). */
export function singleRowSampling(): bool {
  return fusedPaths && problemKind == PROBLEM_DATA && samplingKind != SAMPLE_FULL && samplingKind != SAMPLE_INDEPENDENT && tau == 1 && lamEnd == dim;
}
/** lazyBatchSampling(): sampled rows (any τ) of a data problem whose every coordinate carries the ℓ2 term, fused paths
 *  on: with the identity on CSR rows, the lazy x = α u path takes these steps. */
export function lazyBatchSampling(): bool {
  return fusedPaths && problemKind == PROBLEM_DATA && samplingKind != SAMPLE_FULL && lamEnd == dim;
}
