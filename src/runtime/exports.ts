/**
 * The raw exports of mast-*.wasm, as the host sees them (pointer ABI: usize → number, i32/u32 → number, f64 →
 * number). One source of truth with assembly/index.ts: test/runtime/exports.test.ts checks that every name here is a
 * real export with this many parameters, and that every real export is declared here.
 * @module
 */

/** The wasm module's exports. */
export interface Exports {
  memory: WebAssembly.Memory;
  hasSimd(): number;
  // errors and memory (assembly/errors.ts, memory.ts)
  errorCode(): number; errorLine(): number; clearError(): void;
  alloc(bytes: number): number; mark(): number; release(m: number): void; memoryBytes(): number;
  // the generator (assembly/philox.ts)
  philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): void;
  out0: WebAssembly.Global; out1: WebAssembly.Global; out2: WebAssembly.Global; out3: WebAssembly.Global;
  setSeed(lo: number, hi: number): void;
  seekAt(stream: number, step: number, word: number): void;
  next32At(): number; nextBelowAt(n: number): number; nextUniformAt(): number;
  firstBelowAt(stream: number, step: number, n: number): number;
  firstUniformAt(stream: number, step: number): number;
  firstWord16At(stream: number, step: number, w: number): number;
  // vectors (assembly/vector.ts)
  dot(px: number, py: number, n: number): number;
  axpy(a: number, px: number, py: number, n: number): void;
  scale(a: number, px: number, n: number): void;
  gatherDot(prow: number, pidx: number, pz: number, m: number): number;
  gatherAxpy(a: number, prow: number, pidx: number, pacc: number, m: number): void;
  allFinite(px: number, n: number): number;
  // sketches (assembly/sketch.ts)
  sketchWorkspace(d: number): void;
  sketchPin(n: number): void;
  sketchConfigure(kind: number, k: number, p: number, probs: number): void;
  sketchSample(step: number): number;
  sketchBlock(round: number, node: number): number;
  supportPtr(): number; scalePtr(): number; isIdentity(): number; setSketchStream(s: number): void;
  floydAt(n: number, K: number, stream: number, step: number, pOut: number, pMarks: number, st: number): void;
  floydTableAt(n: number, K: number, stream: number, step: number, pOut: number, st: number): number; marksPtr(): number;
  // data, losses, objectives (assembly/data.ts, loss.ts, problem.ts)
  setDense(values: number, labels: number, n: number, d: number): void;
  setCsr(indptr: number, indices: number, values: number, labels: number, n: number, d: number): void;
  rowSquaredNorms(pOut: number): void;
  lossValueAt(kind: number, m: number, b: number): number;
  lossDerivAt(kind: number, m: number, b: number): number;
  lossCurvatureAt(kind: number, m: number, b: number): number;
  expAt(x: number): number; logAt(x: number): number;
  setDataProblem(loss: number, l2: number, pv: number): void;
  setUnpenalised(n: number): void;
  setQuadraticProblem(pA: number, pB: number, pV: number, d: number): void;
  setModelProblem(pv: number, d: number): void;
  value(px: number): number;
  gradient(px: number, pg: number): void;
  margins(px: number, pOut: number): void;
  hessian(px: number, pH: number): void;
  powerIteration(c: number, sigma: number, maxIter: number, tol: number, scale: number): number;
  powerIterationIn(u: number, c: number, sigma: number, maxIter: number, tol: number, scale: number): number; dataIndicesPtr(): number;
  // DSGD and data sampling (assembly/dsgd.ts, sampling.ts)
  dsgdConfigure(batch: number, gamma: number, pGammas: number): void;
  samplingConfigure(kind: number, tau: number, pP: number, pAlias: number, pW: number): void;
  avgConfigure(tA: number, weights: number, pS: number, pL: number, d: number, init: number): void;
  avgOff(): void;
  averagingFrom(): number;
  avgTouchStep(px: number, pT: number, m: number, t: number): void;
  avgTouchAllStep(px: number, t: number): void;
  avgRead(px: number, T: number, pOut: number): void;
  avgLazyB(): number; avgLazyResume(b: number, pu: number): void; avgValue(px: number, T: number): number;
  avgReadRange(px: number, T: number, pOut: number, j0: number, count: number): void;
  dsgdRun(px: number, t0: number, steps: number): number;
  resetCounters(): void; getCoordsTouched(): number; getDensePasses(): number; getRowsTouched(): number; setRowsTouched(v: number): void; getFailStep(): number;
  sketchedGradientAt(px: number, t: number, pOut: number): number;
  deltaPtr(): number;
  supportGradient(m: number, pOut: number): void;
  applySupportStep(px: number, m: number, gamma: number): number;
  lazyReset(): void; lazyStatePtr(): number; lazyStateAlpha(): number; setLazyState(alpha: number): void;
  setFusedPaths(on: number): void;
  pathCount(path: number): number;
  // variance reduction (assembly/vr.ts)
  sketchSetAlloc(N: number, total: number): number; sketchSetIndices(): number; sketchSetScales(): number;
  loadSetSketch(j: number): number;
  vrConfigure(kind: number, b: number, p: number, m: number): void;
  refreshBatch(t: number): number; refreshMember(r: number): number; refreshDue(t: number): number;
  beginRefresh(px: number): void; accumulateG(m: number): void; endRefresh(): void; stashAcc(m: number): void;
  vrUpdate(px: number, m: number, gamma: number): number; setDraw(t: number): number;
  vrRun(px: number, t0: number, steps: number): number; setGradient(px: number, pOut: number): void;
  wPtr(): number; gPtr(): number; getVrFailStep(): number; getVrCoords(): number; getRefreshes(): number; resetVrCounters(): void;
  // user models (assembly/model.ts)
  modelPointPtr(): number; modelGradPtr(): number; modelPoint(px: number, m: number): void; modelRestore(m: number): void;
  modelResetPoint(d: number): void; modelGradient(m: number): number;
  // Monte Carlo (assembly/montecarlo.ts)
  sketchedValueSamples(px: number, samples: number, pOut: number): void;
  meanAndStderr(p: number, n: number, pOut: number): void;
  sketchedGradientMean(px: number, samples: number, pOut: number): void;
  // synthetic data (assembly/synthetic.ts)
  syntheticCounts(n: number, d: number, density: number, seedLo: number, seedHi: number, pIndptr: number): number;
  syntheticFill(n: number, d: number, density: number, seedLo: number, seedHi: number,
    pIndptr: number, pIndices: number, pValues: number, pLabels: number, pW: number): void;
  // networks (assembly/nn/)
  nnConfigure(sizes: number, L: number, act: number, lam: number, bmax: number): number;
  nnSetPenalty(on: number): void;
  nnParamCount(): number;
  nnSize(l: number): number;
  nnOffsetW(l: number): number;
  nnOffsetB(l: number): number;
  nnActPtr(l: number): number;
  nnWidth(l: number): number;
  nnGradPtr(): number;
  nnSetData(x: number, labels: number, n: number, n0: number): void;
  nnSwapData(x: number, labels: number, n: number): number;
  nnSampleRows(step: number, tau: number): number;
  nnRowsPtr(): number;
  nnRowWeightsPtr(): number;
  nnSketchUnits(kind: number, param: number, pPerLayer: number): void;
  nnSetUnitStream(s: number): void;
  nnSampleUnits(step: number): number;
  nnKeptPtr(l: number): number;
  nnKeptScalePtr(l: number): number;
  nnKeptCount(l: number): number;
  nnSetShift(v: number): void;
  nnResetCounters(): void;
  nnRowsTouched(): number;
  nnCoordsTouched(): number;
  nnSetRowsTouched(n: number): void;
  nnMacs(): number;
  nnLastLoss(): number;
  nnLossSum(): number;
  nnFailStep(): number;
  nnGradIdxPtr(): number;
  nnGradValPtr(): number;
  nnGradLen(): number;
  nnLastParPtr(): number;
  nnGradient(px: number, pRows: number, pRowW: number, B: number, D: number, stepT: number): number;
  nnSgd(px: number, pRows: number, pRowW: number, B: number, D: number, stepT: number, gamma: number): number;
  nnGradientCoords(px: number, pT: number, pS: number, m: number, pRows: number, pRowW: number, B: number, D: number): number;
  nnSgdCoords(px: number, pT: number, pS: number, m: number, pRows: number, pRowW: number, B: number, D: number, gamma: number): number;
  nnRun(px: number, t0: number, steps: number, tau: number, gamma: number): number;
  nnValue(px: number): number;
  nnAccuracy(px: number, pPred: number): number;
  nnFullGradient(px: number, pg: number): number;
  nnInit(px: number, seed: number): void;
  nnSetSeed(seed: number): void;
  nnMatmulNT(pC: number, ldc: number, pA: number, lda: number, pB: number, ldb: number, pBias: number, M: number, N: number, K: number): void;
  nnMatmulNN(pC: number, ldc: number, pA: number, lda: number, pB: number, ldb: number, M: number, N: number, R: number): void;
  nnMatmulTN(pC: number, ldc: number, pA: number, lda: number, pB: number, ldb: number, M: number, N: number, R: number): void;
  nnPeak(iters: number, pConst: number): number;
  nnActivate(kind: number, pZ: number, n: number): void;
  nnActivateBackward(kind: number, pA: number, pD: number, n: number): void;
  nnSoftmaxXent(pZ: number, pDZ: number, B: number, C: number, pY: number, pW: number, D: number, pE: number): number;
  nnRunSampled(px: number, t0: number, steps: number, coords: number): number;
  nnSampleBatch(t: number): number;
  nnBatchRowsPtr(): number;
  nnBatchWeightsPtr(): number;
  nnBatchDivisor(): number;
  nnMaxBatch(): number;
  nnAccumulate(pG: number): void;
  nnDivide(pG: number, b: number): void;
  nnVrUpdate(px: number, pG: number, pIdx: number, pGx: number, pGw: number, m: number, gamma: number, pJournal: number): number;
}
