// A .wasm imported as a module is a compiled WebAssembly.Module in Workers (wrangler, workerd): the node entry
// (cluster-node.ts) imports the kernels that way.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
