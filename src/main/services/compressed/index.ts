// Compressed logs (gzip, zstd): told by their bytes, decompressed into a private cache file that a
// session maps like any other. See decompress.ts for the design.
export { compressionOf, compressionOfBytes, decompressedName, isCompressedName, type Compression } from './detect';
export {
  decompressToCache,
  statFreeSpace,
  type DecompressedFile,
  type DecompressOptions,
  type DecompressOutcome,
  type DecompressProgress,
  type FreeSpace,
} from './decompress';
export { defaultCacheDir, sweepStaleCaches } from './cacheDir';
