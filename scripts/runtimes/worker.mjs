// The golden check as a Cloudflare Worker (workerd): the .wasm is a module binding (a WebAssembly.Module, since
// workers may not compile bytes) passed to init(). GET /?build=simd|scalar answers with the JSON report; with
// &endpoints=URL,URL only the distributed scenarios run, with their nodes in those node processes (this Worker is then
// the coordinator).
import { init } from "mast-wasm";
import { goldenReport, goldenScenarios } from "mast-wasm/repro";
import simd from "mast-wasm/mast-simd.wasm";
import scalar from "mast-wasm/mast-scalar.wasm";

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const build = params.get("build") ?? "simd";
    const endpoints = params.get("endpoints");
    const opts = endpoints ? { only: goldenScenarios.filter((s) => s.method === "distributed").map((s) => s.name), distributed: { endpoints: endpoints.split(",") } } : {};
    try {
      const mast = await init(build === "scalar" ? scalar : simd);
      return Response.json(await goldenReport(mast, opts));
    } catch (e) {
      return Response.json({ error: String(e?.stack ?? e), build }, { status: 500 });
    }
  },
};
