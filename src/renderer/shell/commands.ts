// What each command of the table (src/shared/commands.ts) does in the renderer, and whether it can
// run now. Keys, the palette, the shortcuts sheet and Electron's menu all run commands through here.
import { commandSpec, commandTable, type CommandId, type CommandSpec } from '../../shared/commands';
import {
  FONT_SIZE_DEFAULT,
  FONT_SIZE_MAX,
  FONT_SIZE_MIN,
  MAX_EXPORT_LINES,
  type TextEncodingName,
} from '../../shared/contract';
import { lineNumber } from '../../shared/units';
import { getApi } from '../data/api';
import { useAppStore, type OpenFile } from '../state/appStore';
import type { FileStore, ViewKind } from '../state/fileStore';
import { messages } from '../state/messages';
import { activeView } from './viewCommands';
import { writeClipboard } from '../clipboard';
import { plural } from '../format';
import { markedLinesText } from '../features/marks/markedLines';
import { isCompareTab, isPlainFile, useComparePicker } from '../features/compare/compareTab';
import { binaryCommands } from '../features/binary/binaryCommands';

interface Binding {
  run(): void | Promise<void>;
  /** Whether it applies now (a file is open, the right view shows); the palette lists only these. */
  available?(): boolean;
  /** Why it does not apply, when that is not "no file open" or "not in this view". */
  why?: string;
  /** Its key, pressed when it does not apply with a file open, says why (instead of doing nothing quietly). */
  explainKey?: true;
}

const app = () => useAppStore.getState();
const file = (): OpenFile | null => app().file;
const hasFile = (): boolean => file() !== null;
const inView = (view: ViewKind) => (): boolean => file()?.store.getState().view === view;
/** A file's tab, not a merged view's (which has no hex view or edits yet). */
const notMerged = (): boolean => hasFile() && file()?.store.getState().info.merged === undefined;
const mergedWhy = 'the merged view has no hex view or edits yet: use the tab of one of its files';

/** Runs `act` on the active file, if there is one. */
const onFile = (act: (file: OpenFile) => void | Promise<void>) => (): void | Promise<void> => {
  const open = file();
  return open === null ? undefined : act(open);
};

/** Switches views keeping the position: the current line's offset becomes the cursor, and back. */
export function switchView(store: FileStore, next: ViewKind): void {
  const state = store.getState();
  if (next === state.view) return;
  const offset = state.view === 'text' ? (state.currentLineOffset ?? 0) : state.cursor;
  if (next !== 'text') state.setCursor(offset);
  state.setReveal({ kind: 'offset', offset });
  state.setView(next);
}

/** F3 / Enter: the next (or previous) match from where the user is. */
export async function stepMatch(open: OpenFile, direction: 1 | -1): Promise<void> {
  const match = await open.find.getState().step(direction);
  if (match !== null) open.store.getState().setReveal({ kind: 'offset', offset: match.offset });
}

const encoding = (name: TextEncodingName): Binding => ({
  run: onFile((open) => open.store.getState().setEncoding(name)),
  available: hasFile,
});

const rowWidth = (bytesPerRow: 8 | 16 | 32): Binding => ({
  run: () => {
    file()?.store.getState().setBytesPerRow(bytesPerRow);
    app().updateSettings({ bytesPerRow });
  },
});

const fontSize = (change: (size: number) => number): Binding => ({
  run: () => {
    const size = Math.min(FONT_SIZE_MAX, Math.max(FONT_SIZE_MIN, change(app().settings.fontSize)));
    app().updateSettings({ fontSize: size });
  },
});

/** A command of the hex view's selection: the view runs it; its key says why elsewhere. */
const hexCommand = (id: CommandId): Binding => ({
  run: () => void activeView()?.run(id),
  available: () => inView('hex')() && isPlainFile(file()),
  why: 'it works on the hex view’s selection of a file: switch to a file’s hex view',
  explainKey: true,
});

const bindings: Record<CommandId, Binding> = {
  'file.open': { run: () => app().open() },
  'file.close': { run: () => app().closeTab(), available: hasFile },
  'file.closeOthers': {
    run: () => app().closeOtherTabs(),
    available: () => app().tabs.length > 1,
    why: 'no other tab is open',
  },
  'file.mergeByTime': {
    run: () => app().mergeByTime(),
    available: () => app().tabs.filter((tab) => tab.store.getState().info.merged === undefined).length > 1,
    why: 'it takes two or more open logs',
  },
  'file.compareWith': {
    run: () => useComparePicker.getState().setOpen(true),
    available: () => isPlainFile(file()),
    why: 'it compares the file of the active tab with another: switch to a file’s tab',
  },
  'go.nextDiff': {
    run: () => void activeView()?.run('go.nextDiff'),
    available: () => isCompareTab(file()),
    why: 'differences are visited in a compare tab (File › Compare with… opens one)',
    explainKey: true,
  },
  'go.previousDiff': {
    run: () => void activeView()?.run('go.previousDiff'),
    available: () => isCompareTab(file()),
    why: 'differences are visited in a compare tab (File › Compare with… opens one)',
    explainKey: true,
  },
  'file.save': { run: onFile(async (open) => void (await open.store.getState().save())), available: hasFile },
  'file.discard': { run: onFile((open) => open.store.getState().discardEdits()), available: hasFile },
  'file.exportFiltered': {
    run: onFile((open) => exportLines(open, 'filtered')),
    available: () => file()?.log.getState().status?.active === true,
    why: 'no filter rule is in force (turn on the filtered view and add a rule)',
  },
  'file.exportMarked': {
    run: onFile((open) => exportLines(open, 'marked')),
    available: () => (file()?.log.getState().marks.length ?? 0) > 0,
    why: 'no line is marked',
  },
  'edit.undo': { run: onFile((open) => open.store.getState().undo()), available: hasFile },
  'edit.redo': { run: onFile((open) => open.store.getState().redo()), available: hasFile },
  'edit.copy': { run: () => activeView()?.copy(), available: hasFile },
  'edit.selectAll': { run: () => activeView()?.selectAll(), available: hasFile },
  'edit.copyAs.hex': hexCommand('edit.copyAs.hex'),
  'edit.copyAs.c': hexCommand('edit.copyAs.c'),
  'edit.copyAs.python': hexCommand('edit.copyAs.python'),
  'edit.copyAs.base64': hexCommand('edit.copyAs.base64'),
  'edit.copyAs.xxd': hexCommand('edit.copyAs.xxd'),
  'edit.bookmark': hexCommand('edit.bookmark'),
  'edit.hashes': hexCommand('edit.hashes'),
  'view.bookmarks': {
    run: onFile((open) => {
      const tools = open.tools.getState();
      if (!tools.bookmarksOpen && open.store.getState().view !== 'hex') switchView(open.store, 'hex');
      tools.setBookmarksOpen(!tools.bookmarksOpen);
    }),
    available: () => isPlainFile(file()),
    why: mergedWhy,
  },
  'find.find': {
    run: onFile((open) => open.find.getState().requestFocus()),
    available: hasFile,
  },
  'find.replace': {
    run: onFile((open) => {
      open.find.getState().setReplaceOpen(true);
      open.find.getState().requestFocus();
    }),
    available: notMerged,
    why: 'the merged view is read-only: replace in the tab of the file',
    explainKey: true,
  },
  'find.next': { run: onFile((open) => stepMatch(open, 1)), available: hasFile },
  'find.previous': { run: onFile((open) => stepMatch(open, -1)), available: hasFile },
  'find.matches': { run: onFile((open) => open.find.getState().togglePane()), available: hasFile },
  'go.line': { run: () => activeView()?.goTo(), available: hasFile },
  'go.time': {
    run: onFile((open) => {
      if (open.store.getState().view === 'text') return void activeView()?.run('go.time');
      // From the hex view: the text view comes first, then its input.
      switchView(open.store, 'text');
      window.setTimeout(() => activeView()?.run('go.time'), 50);
    }),
    available: () => file()?.time.getState().state?.format != null,
    why: 'no timestamp format is in force for this file (the status bar’s Times menu chooses one)',
    explainKey: true,
  },
  'view.timeline': {
    run: onFile((open) => open.time.getState().setTimelineOpen(!open.time.getState().timelineOpen)),
    available: () => file()?.time.getState().state?.format != null,
    why: 'no timestamps were recognised in this file',
  },
  'tab.next': { run: () => app().cycleTab(1), available: () => app().tabs.length > 1, why: 'only one tab is open' },
  'tab.previous': {
    run: () => app().cycleTab(-1),
    available: () => app().tabs.length > 1,
    why: 'only one tab is open',
  },
  'view.text': {
    run: onFile((open) => switchView(open.store, 'text')),
    available: () => inView('hex')() || inView('records')(),
  },
  'view.hex': {
    run: onFile((open) => switchView(open.store, 'hex')),
    available: () => !inView('hex')() && notMerged(),
    why: mergedWhy,
  },
  'view.records': {
    run: onFile((open) => switchView(open.store, 'records')),
    available: () => !inView('records')() && notMerged(),
    why: mergedWhy,
  },
  'view.follow': { run: () => void activeView()?.run('view.follow'), available: inView('text') },
  'view.filtered': {
    run: onFile(async (open) => {
      if (open.store.getState().view !== 'text') switchView(open.store, 'text');
      await open.log.getState().setFilterView(!open.log.getState().filterView);
    }),
    available: hasFile,
  },
  'view.mark': { run: () => void activeView()?.run('view.mark'), available: inView('text') },
  'view.marks': {
    run: onFile((open) => open.log.getState().setMarksOpen(!open.log.getState().marksOpen)),
    available: hasFile,
  },
  'view.highlights': { run: () => app().setOverlay('highlights') },
  'go.nextMark': { run: () => void activeView()?.run('go.nextMark'), available: inView('text') },
  'go.previousMark': { run: () => void activeView()?.run('go.previousMark'), available: inView('text') },
  'edit.copyMarked': { run: onFile((open) => copyMarkedLines(open)), available: hasFile },
  'view.wrap': { run: () => app().updateSettings({ wrap: !app().settings.wrap }), available: inView('text') },
  'view.encoding.utf-8': encoding('utf-8'),
  'view.encoding.latin1': encoding('latin1'),
  'view.encoding.utf-16le': encoding('utf-16le'),
  'view.encoding.utf-16be': encoding('utf-16be'),
  'view.rowWidth.8': rowWidth(8),
  'view.rowWidth.16': rowWidth(16),
  'view.rowWidth.32': rowWidth(32),
  'view.offsetBase': {
    run: onFile((open) => {
      const state = open.store.getState();
      state.setOffsetBase(state.offsetBase === 'hex' ? 'dec' : 'hex');
    }),
    available: inView('hex'),
  },
  'view.theme.toggle': {
    run: () => app().updateSettings({ theme: resolvedTheme(app().settings.theme) === 'dark' ? 'light' : 'dark' }),
  },
  'view.theme.light': { run: () => app().updateSettings({ theme: 'light' }) },
  'view.theme.dark': { run: () => app().updateSettings({ theme: 'dark' }) },
  'view.theme.system': { run: () => app().updateSettings({ theme: 'system' }) },
  'view.fontSize.increase': fontSize((size) => size + 1),
  'view.fontSize.decrease': fontSize((size) => size - 1),
  'view.fontSize.reset': fontSize(() => FONT_SIZE_DEFAULT),
  'help.palette': { run: () => app().setOverlay('commands') },
  'help.keys': { run: () => app().setOverlay('keys') },
  ...binaryCommands,
};

/** Writes the filtered or the marked lines to a new file (a dialog in Electron, beside the file in the browser host). */
async function exportLines(open: OpenFile, kind: 'filtered' | 'marked'): Promise<void> {
  const log = open.log.getState();
  const status = log.status;
  if (kind === 'filtered' && (status === null || !status.active)) {
    return messages.info('No filter rule is in force: there is nothing to export.');
  }
  const source =
    kind === 'filtered'
      ? { kind, filterId: status!.filterId }
      : { kind, lines: log.marks.slice(0, MAX_EXPORT_LINES).map(lineNumber) };
  messages.info(`Exporting the ${kind} lines…`);
  const result = await getApi().exportLines(open.session, source);
  if (!result.ok) return messages.error(`Nothing was exported: ${result.message}`);
  if (result.value === null) return messages.info('The export was cancelled.');
  const { path, lines, bytes } = result.value;
  messages.info(`Exported ${plural(lines, 'line')} (${plural(bytes, 'byte')}) to ${path}.`);
}

/** Copies the marked lines' text, in file order, one per line. */
async function copyMarkedLines(open: OpenFile): Promise<void> {
  const marks = open.log.getState().marks;
  if (marks.length === 0) return messages.info('No marked lines to copy.');
  const text = await markedLinesText(open.session, marks, open.store.getState().index?.encoding ?? 'utf-8');
  if (!text.ok) return messages.error(`Copy failed: ${text.message}`);
  await writeClipboard(text.value).then(
    () => messages.info(`Copied ${plural(marks.length, 'marked line')}.`),
    () => messages.error('The clipboard refused the text.'),
  );
}

/** The theme the page shows for a choice: 'system' follows the OS (prefers-color-scheme). */
export function resolvedTheme(choice: 'light' | 'dark' | 'system'): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** Whether the command's key, pressed when it does not apply, should say why. */
export function explainsKey(id: CommandId): boolean {
  return bindings[id].explainKey === true && hasFile();
}

export function isAvailable(id: CommandId): boolean {
  return bindings[id].available?.() ?? true;
}

/** Runs a command; one that does not apply now says why instead of doing nothing. */
export function runCommand(id: CommandId): void {
  if (!isAvailable(id)) {
    const spec = commandSpec(id);
    const why = !hasFile() ? 'no file is open' : (bindings[id].why ?? 'not in this view');
    messages.info(`${spec.title}: ${why}.`);
    return;
  }
  void Promise.resolve(bindings[id].run()).catch((error: unknown) =>
    messages.error(`${commandSpec(id).title} failed: ${error instanceof Error ? error.message : String(error)}`),
  );
}

/** The commands that apply now, in table order. */
export function availableCommands(): readonly CommandSpec[] {
  return commandTable.filter((command) => isAvailable(command.id));
}
