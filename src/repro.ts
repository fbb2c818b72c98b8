/**
 * mast-wasm/repro: the golden scenarios (small fixed problems whose digests must be the same bits in every runtime
 * and build), their runner and report, and the TypeScript reference of the library's generator.
 * @module mast-wasm/repro
 */
export { goldenScenarios, goldenExpected, runGolden, goldenReport, goldenTable, runtimeInfo } from "./tools/golden.js";
export type { GoldenScenario, GoldenOutput, GoldenDigests, GoldenResult, GoldenReport, RunGoldenOptions, RuntimeInfo, GoldenEnv, GoldenEndpoints, GoldenThreads } from "./tools/golden.js";
export { philox4x32, PRUNE_STREAM } from "./tools/prune.js";
