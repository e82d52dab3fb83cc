// The palette commands of the byte map panel and the strings pane (bound in shell/commands.ts).
import { useAppStore } from '../../state/appStore';
import { binaryStoreOf } from './binaryStore';

/** A hex view of a file (not a merged view) is showing. */
const inHexView = (): boolean => {
  const state = useAppStore.getState().file?.store.getState();
  return (
    state !== undefined && state.view === 'hex' && state.info.merged === undefined && state.info.compared === undefined
  );
};

const toggle = (which: 'panel' | 'strings') => (): void => {
  const open = useAppStore.getState().file;
  if (open === null) return;
  const store = binaryStoreOf(open.store).getState();
  if (which === 'panel') store.setPanelOpen(!store.panelOpen);
  else store.setStringsOpen(!store.stringsOpen);
};

export const binaryCommands = {
  'view.byteMap': {
    run: toggle('panel'),
    available: inHexView,
    why: 'the byte map is part of the hex view',
  },
  'view.strings': {
    run: toggle('strings'),
    available: inHexView,
    why: 'strings are listed beside the hex view',
  },
} as const;
