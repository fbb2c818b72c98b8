/**
 * Gunzip with the platform's `DecompressionStream("gzip")` (Node, Deno, Bun, browsers, workerd): no dependency.
 * @module
 */

/** isGzip(bytes): the input starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean { return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b; }

/** gunzip(bytes, what): the decompressed bytes; `what` names the input in errors ("libsvm", "idx images", …). */
export async function gunzip(bytes: Uint8Array, what: string): Promise<Uint8Array> {
  if (typeof DecompressionStream !== "function") {
    throw new Error(`${what}: input is gzip-compressed but DecompressionStream is not available in this runtime`);
  }
  try {
    // a fresh ArrayBuffer-backed copy (also detaches us from SharedArrayBuffer-backed or later-mutated inputs)
    const copy = new Uint8Array(bytes);
    const stream = new Blob([copy]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`${what}: invalid gzip data (input starts with 1f 8b): ${detail}`, { cause: err });
  }
}
