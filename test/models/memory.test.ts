// The memory a problem is checked against before anything is allocated (src/models/memory.ts) covers what its kernel
// really allocates, and is not far above it.
import { describe, it, expect } from "vitest";
import { mast, lcg } from "../helpers.ts";
import { dataProblemBytes, quadraticBytes, modelBytes, networkBytes } from "../../src/models/memory.ts";

describe("memory estimates against real allocations", () => {
  const within = (estimate: number, used: number) => {
    expect(estimate).toBeGreaterThanOrEqual(used);
    expect(estimate - used).toBeLessThan(64 * 1024 + 0.02 * used);
  };
  it("data problems, dense and CSR, small and large d and n", async () => {
    const m = await mast();
    for (const [n, d, density] of [[10, 3, 1], [500, 200, 0.1], [3000, 20, 0.5], [50, 20000, 0.001]] as const) {
      const csr = m.data.synthetic({ rows: n, cols: d, density, seed: 1 });
      const p = m.problem({ data: csr }) as any;
      within(dataProblemBytes(n, d, csr.values.length, true).bytes, p.kernel.used());
      if (n * d <= 1e6) {
        const rnd = lcg(2);
        const dense = m.data.dense(Array.from({ length: n * d }, () => rnd()), { rows: n, cols: d, labels: Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1)) });
        within(dataProblemBytes(n, d, n * d, false).bytes, (m.problem({ data: dense }) as any).kernel.used());
      }
    }
  });
  it("quadratics and user models", async () => {
    const m = await mast();
    for (const d of [1, 7, 300]) {
      const A = new Float64Array(d * d);
      for (let j = 0; j < d; j++) A[j * d + j] = 1;
      within(quadraticBytes(d).bytes, (m.quadratic({ A, b: new Float64Array(d) }) as any).kernel.used());
      within(modelBytes(d).bytes, (m.model({ dimension: d, valueAndGradient: () => 0 }) as any).kernel.used());
    }
  });
  it("networks: data, scratch for maxBatch rows, per-parameter buffers", async () => {
    const m = await mast();
    for (const [n, cols, hidden, B] of [[20, 3, [], 8], [300, 50, [40, 30], 64], [1000, 784, [256], 256]] as const) {
      const rnd = lcg(3);
      const data = m.data.dense(Array.from({ length: n * cols }, () => rnd()), { rows: n, cols, labels: Array.from({ length: n }, (_, i) => i % 3) });
      const net = m.network({ data, hidden: [...hidden], maxBatch: B }) as any;
      within(networkBytes(net.layout, n, B).bytes, net.kernel.used());
      const shifted = m.network({ data, hidden: [...hidden], maxBatch: B, shift: net.initialParameters(1) }) as any;
      within(networkBytes(net.layout, n, B, true).bytes, shifted.kernel.used());
    }
  });
});
