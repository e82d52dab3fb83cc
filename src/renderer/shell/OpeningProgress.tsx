// A compressed file being opened: how far its decompression into a temporary copy has got, with a
// way to stop it.
import type { ReactElement } from 'react';
import { getApi } from '../data/api';
import { Progress } from '../components/Progress';
import { formatSize } from '../format';
import { useAppStore } from '../state/appStore';

export function OpeningProgress(): ReactElement | null {
  const progress = useAppStore((state) => state.decompressing);
  if (progress === null) return null;
  const percent =
    progress.compressedTotal === 0 ? 0 : Math.floor((progress.compressedRead / progress.compressedTotal) * 100);
  return (
    <div className="notice" role="status" data-testid="open-progress" data-percent={percent}>
      <Progress label={`Decompressing ${progress.name}`} percent={percent} />
      <span>
        Decompressing {progress.name} ({progress.compression}): {percent}%, {formatSize(progress.outputWritten)} so far
      </span>
      <button type="button" onClick={() => void getApi().cancelOpen()}>
        Cancel
      </button>
    </div>
  );
}
