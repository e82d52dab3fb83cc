// The open file's byte and line caches, created again when the services' generations say the data
// changed (re-mapped, re-indexed) and marked stale when the pending edits change.
import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { getApi } from '../data/api';
import { ByteCache } from '../data/byteCache';
import { LineCache } from '../data/lineCache';
import { useFileStore } from '../state/fileStore';
import { useLogStore } from '../state/logStore';
import { messages } from '../state/messages';

export function useFileCaches(): {
  byteCache: ByteCache;
  lineCache: LineCache | null;
  /** The filtered view's rows while it shows with an enabled rule, else null. */
  filteredCache: LineCache | null;
} {
  const filterId = useLogStore((state) =>
    state.filterView && state.status !== null && state.status.active ? state.status.filterId : null,
  );
  const { session, size, mapGeneration, generation, encoding, editGeneration } = useFileStore(
    useShallow((state) => ({
      session: state.info.session,
      size: state.info.size,
      mapGeneration: state.mapGeneration,
      generation: state.generation,
      encoding: state.index?.encoding ?? null,
      editGeneration: state.edit?.generation ?? 0,
    })),
  );
  const byteCache = useMemo(
    () => new ByteCache(getApi(), session, size, mapGeneration, messages.error),
    [session, size, mapGeneration],
  );
  const lineCache = useMemo(
    () => (encoding === null ? null : new LineCache(getApi(), session, encoding, generation, messages.error)),
    [session, encoding, generation],
  );
  const filteredCache = useMemo(
    () =>
      encoding === null || filterId === null
        ? null
        : new LineCache(getApi(), session, encoding, generation, messages.error, filterId),
    [session, encoding, generation, filterId],
  );
  useEffect(() => {
    byteCache.setEditGeneration(editGeneration);
    lineCache?.setEditGeneration(editGeneration);
    filteredCache?.setEditGeneration(editGeneration);
  }, [byteCache, lineCache, filteredCache, editGeneration]);
  return { byteCache, lineCache, filteredCache };
}
