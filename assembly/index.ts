// The only export list of the module. Raw pointer ABI: the host allocates with alloc(), takes views, calls kernels.
export { errorCode, errorLine, clearError } from "./errors";
export { alloc, mark, release, memoryBytes } from "./memory";
export { philox, setSeed, seekAt, next32At, nextBelowAt, nextUniformAt, firstBelowAt, firstUniformAt, firstWord16At, out0, out1, out2, out3 } from "./philox";
export { dot, axpy, scale, gatherDot, gatherAxpy, allFinite } from "./vector";
export {
  sketchWorkspace, sketchPin, sketchConfigure, sketchSample, sketchBlock, supportPtr, scalePtr, isIdentity, setSketchStream, floydAt, floydTableAt, marksPtr,
} from "./sketch";
export { setDense, setCsr, rowSquaredNorms } from "./data";
export { lossValueAt, lossDerivAt, expAt, logAt } from "./loss";
export { setDataProblem, setQuadraticProblem, setModelProblem, setUnpenalised, value, gradient, margins } from "./problem";
export { dsgdConfigure, dsgdRun, sketchedGradientAt, deltaPtr, supportGradient, applySupportStep } from "./dsgd";
export { lazyReset, lazyStatePtr, lazyStateAlpha, setLazyState } from "./fused";
export { resetCounters, getCoordsTouched, getDensePasses, getRowsTouched, setRowsTouched, getFailStep, setFusedPaths, pathCount } from "./run";
export { samplingConfigure } from "./sampling";
export { avgConfigure, avgOff, averagingFrom, avgTouchStep, avgTouchAllStep, avgRead, avgReadRange, avgLazyB, avgLazyResume } from "./average";
export { avgValue } from "./avgvalue";
export {
  sketchSetAlloc, sketchSetIndices, sketchSetScales, loadSetSketch, vrConfigure, refreshBatch, refreshMember, refreshDue,
  beginRefresh, accumulateG, endRefresh, stashAcc, vrUpdate, setDraw, vrRun, setGradient, wPtr, gPtr, getVrFailStep,
  getVrCoords, getRefreshes, resetVrCounters,
} from "./vr";
export { modelPointPtr, modelGradPtr, modelPoint, modelRestore, modelResetPoint, modelGradient } from "./model";
export { sketchedValueSamples, meanAndStderr, sketchedGradientMean } from "./montecarlo";
export { powerIteration, powerIterationIn, dataIndicesPtr } from "./power";
export { syntheticCounts, syntheticFill } from "./synthetic";

/** hasSimd(): 1 in the SIMD build, 0 in the scalar build. */
export function hasSimd(): i32 { return ASC_FEATURE_SIMD ? 1 : 0; }
export { hessian, lossCurvatureAt } from "./hessian";
export { nnConfigure, nnSetPenalty, nnParamCount, nnSize, nnOffsetW, nnOffsetB, nnActPtr, nnWidth, nnGradPtr } from "./nn/config";
export { nnSetData, nnSwapData, nnSampleRows, nnRowsPtr, nnRowWeightsPtr } from "./nn/data";
export { nnSketchUnits, nnSetUnitStream, nnSampleUnits, nnKeptPtr, nnKeptScalePtr, nnKeptCount } from "./nn/units";
export {
  nnSetShift, nnResetCounters, nnRowsTouched, nnCoordsTouched, nnSetRowsTouched, nnMacs, nnLastLoss, nnLossSum, nnFailStep, nnGradIdxPtr, nnGradValPtr, nnGradLen, nnLastParPtr,
  nnGradient, nnSgd, nnGradientCoords, nnSgdCoords, nnRun,
} from "./nn/step";
export { nnValue, nnAccuracy, nnFullGradient } from "./nn/eval";
export { nnInit, nnSetSeed } from "./nn/init";
export { nnMatmulNT, nnMatmulNN, nnMatmulTN, nnPeak } from "./nn/gemm";
export { nnActivate, nnActivateBackward } from "./nn/act";
export { nnSoftmaxXent } from "./nn/softmax";
export { nnRunSampled, nnSampleBatch, nnBatchRowsPtr, nnBatchWeightsPtr, nnBatchDivisor, nnMaxBatch, nnAccumulate, nnDivide, nnVrUpdate } from "./nn/run";
