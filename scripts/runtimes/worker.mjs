// The golden check as a Cloudflare Worker (workerd): the .wasm is a module binding (a WebAssembly.Module, since
// workers may not compile bytes) passed to init(). GET /?build=simd|scalar answers with the JSON report.
import { init } from "mast-wasm";
import { goldenReport } from "mast-wasm/repro";
import simd from "mast-wasm/mast-simd.wasm";
import scalar from "mast-wasm/mast-scalar.wasm";

export default {
  async fetch(request) {
    const build = new URL(request.url).searchParams.get("build") ?? "simd";
    try {
      const mast = await init(build === "scalar" ? scalar : simd);
      return Response.json(await goldenReport(mast));
    } catch (e) {
      return Response.json({ error: String(e?.stack ?? e), build }, { status: 500 });
    }
  },
};
