// Opening a compare tab: the services compare two open files and answer a session of its own,
// which becomes a tab like any other (its name, its close button), shown by CompareView.
import { create } from 'zustand';
import type { FileInfo } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import type { SessionId } from '../../../shared/units';
import { getApi } from '../../data/api';
import { useAppStore, type OpenFile } from '../../state/appStore';
import { createFileStore } from '../../state/fileStore';
import { createFindStore } from '../../state/findStore';
import { createLogStore } from '../../state/logStore';
import { createTimeStore } from '../../state/timeStore';
import { createHexToolsStore } from '../../state/hexToolsStore';
import { messages, useMessages } from '../../state/messages';

/** Whether the picker of the second file is open. */
export const useComparePicker = create<{ open: boolean; setOpen(open: boolean): void }>()((set) => ({
  open: false,
  setOpen: (open) => set({ open }),
}));

/** A tab of a file of its own (not a merged view, not a compare tab). */
export const isPlainFile = (tab: OpenFile | null): tab is OpenFile => {
  const info = tab?.store.getState().info;
  return info !== undefined && info.merged === undefined && info.compared === undefined;
};

export const isCompareTab = (tab: OpenFile | null): boolean => tab?.store.getState().info.compared !== undefined;

/** Adds the compare tab the services answered, in front. */
function adoptCompare(result: Result<FileInfo>): void {
  if (!result.ok) return messages.error(`The files could not be compared: ${result.message}`);
  const info = result.value;
  const api = getApi();
  const settings = useAppStore.getState().settings;
  // The stores every tab has; a compare tab reads only its info (no index, edits or search start).
  const store = createFileStore(info, 'hex', api, messages, { bytesPerRow: settings.bytesPerRow });
  const find = createFindStore(
    info.session,
    api,
    messages,
    () => undefined,
    () => null,
  );
  const model: OpenFile = {
    session: info.session,
    store,
    find,
    log: createLogStore(info.session, api, messages),
    time: createTimeStore(info.session, api, messages),
    tools: createHexToolsStore(info.session),
  };
  useMessages.getState().clear();
  useAppStore.setState((state) => ({ tabs: [...state.tabs, model], file: model }));
}

/** Compares the active tab's file with the open file of session `other`. */
export async function compareWith(other: SessionId): Promise<void> {
  const active = useAppStore.getState().file;
  if (!isPlainFile(active)) return messages.info('Compare with…: the active tab must be a file.');
  adoptCompare(await getApi().compareFiles(active.session, other));
}

/** Opens an offered (or recent) file, then compares the tab that was active with it. */
export async function compareWithOffer(offerId: number, path: string): Promise<void> {
  const app = useAppStore.getState();
  const active = app.file;
  if (!isPlainFile(active)) return messages.info('Compare with…: the active tab must be a file.');
  await app.openOffered(offerId);
  const opened = useAppStore.getState().tabs.find((tab) => tab.store.getState().info.path === path);
  if (opened === undefined) return; // opening it failed, and said why
  adoptCompare(await getApi().compareFiles(active.session, opened.session));
}
