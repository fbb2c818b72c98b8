// A bump allocator over the module's own linear memory: alloc once, take views, release to a mark.
import { ERR_MEMORY } from "./codes";
import { fail } from "./errors";

let top: usize = 0;
// Addresses at or above `dirty` were never handed out: memory.grow gives zeroed pages, so alloc clears only below it.
// Untouched pages then cost no resident memory (a d-sized buffer a run never uses stays virtual).
let dirty: usize = 0;

// start(): the first free 16-byte-aligned address after static data.
@inline function start(): usize { return (__heap_base + 15) & ~(<usize>15); }

/** alloc(bytes) -> ptr: 16-byte aligned, zero-filled (only what was used before is cleared); grows memory (detaching JS views). */
export function alloc(bytes: usize): usize {
  if (top == 0) top = start();
  const p = top;
  if (bytes > <usize>0xffffffe0 - p) fail(ERR_MEMORY);   // would wrap the 32-bit address space
  const end = (p + bytes + 15) & ~(<usize>15);
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const need = <i32>((end - have + 0xffff) >> 16);
    const cur = memory.size();
    const grow = need > cur ? need : cur;            // at least double
    if (memory.grow(grow) < 0 && memory.grow(need) < 0) fail(ERR_MEMORY);
  }
  if (p < dirty) memory.fill(p, 0, (end < dirty ? end : dirty) - p);
  if (end > dirty) dirty = end;
  top = end;
  return p;
}

/** mark() -> the current top, for release(). */
export function mark(): usize { if (top == 0) top = start(); return top; }

/** release(m): free everything allocated after mark m. */
export function release(m: usize): void { top = m; }

/** memoryBytes(): current linear memory size in bytes. */
export function memoryBytes(): f64 { return <f64>((<usize>memory.size()) << 16); }
