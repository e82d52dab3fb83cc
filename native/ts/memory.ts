// Process-wide memory housekeeping.
import { loadBinding } from './binding';
import { callNative } from './errors';

/**
 * Hands memory that closed sessions freed (search results, line tables) back to the operating
 * system: glibc keeps freed memory for reuse, fragmented between what is still in use, so the
 * process would stay as large as its peak. Calls malloc_trim(0) with glibc; a no-op elsewhere.
 * Meant for after a session closes, not for a hot path: it walks the allocator's free lists.
 */
export function releaseMemory(): void {
  const binding = loadBinding();
  callNative(() => binding.releaseMemory(), undefined);
}
