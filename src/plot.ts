/**
 * mast-wasm/plot: dependency-free SVG figures (boxplots in the paper's layout, line plots with log axes) for traces
 * and pruning experiments.
 * @module mast-wasm/plot
 */
export { boxplotSvg, lineSvg, escapeXml, PALETTE } from "./tools/plot/index.js";
export { linearScale, logScale, niceStep, formatTick } from "./tools/plot/scale.js";
export type { BoxGroup, BoxplotOptions, LineSeries, LineOptions, PlotOptions, ReferenceLine } from "./tools/plot/index.js";
export type { Scale } from "./tools/plot/scale.js";
