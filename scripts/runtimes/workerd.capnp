# workerd config for the golden check: the worker (worker.mjs) imports the package as "mast-wasm" and the .wasm as
# WebAssembly.Module bindings, exactly as a Worker bundling mast-wasm would. Paths are relative to this file.
# Run: workerd serve scripts/runtimes/workerd.capnp --socket-addr http=127.0.0.1:PORT
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "golden", worker = .goldenWorker),
    # fetch() may reach loopback addresses: the cluster cells give the worker node processes on 127.0.0.1
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "golden") ],
);

const goldenWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "mast-wasm", esModule = embed "../../dist/index.js"),
    (name = "mast-wasm/repro", esModule = embed "../../dist/repro.js"),
    (name = "mast-wasm/mast-simd.wasm", wasm = embed "../../dist/mast-simd.wasm"),
    (name = "mast-wasm/mast-scalar.wasm", wasm = embed "../../dist/mast-scalar.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
