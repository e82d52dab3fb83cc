// The binary tools' panes under the hex view, as the tab's own state opens them.
import type { ReactElement } from 'react';
import { BinaryPanel } from './BinaryPanel';
import { StringsPane } from './StringsPane';
import { useBinaryStore } from './binaryStore';

export function BinaryPanes(): ReactElement {
  const panelOpen = useBinaryStore((state) => state.panelOpen);
  const stringsOpen = useBinaryStore((state) => state.stringsOpen);
  return (
    <>
      {panelOpen && <BinaryPanel />}
      {stringsOpen && <StringsPane />}
    </>
  );
}
