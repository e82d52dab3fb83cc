// The command table: every action of the app once, with its title, keys and menu place. The
// renderer binds each id to what it does (src/renderer/shell/commands.ts); the keyboard handler, the
// command palette, the shortcuts sheet and Electron's application menu are all built from this table,
// so they never disagree. Imports nothing.

/** Where a command sits in Electron's application menu (and how the shortcuts sheet groups it). */
export type CommandGroup = 'File' | 'Edit' | 'Find' | 'Go' | 'View' | 'Help';

/**
 * A key, as people write it: modifiers then the key, joined by '+': 'Ctrl+Shift+P', 'F3', 'W', '?'.
 * Ctrl means Cmd on macOS. A key without Ctrl or Alt (a letter, '?', ']') is a view key: it acts
 * only when focus is not in a text field, and the menu shows it without taking it.
 */
export type KeySpec = string;

export interface CommandSpec {
  readonly id: CommandId;
  readonly title: string;
  readonly group: CommandGroup;
  /** The keys that run it; the first is the one shown. */
  readonly keys: readonly KeySpec[];
  /** Left out of the application menu (palette and keys only). */
  readonly menu?: false;
  /** Starts a new section of its menu. */
  readonly separatorBefore?: true;
}

const spec = <const I extends string>(
  id: I,
  title: string,
  group: CommandGroup,
  keys: readonly KeySpec[] = [],
  extra: Partial<Pick<CommandSpec, 'menu' | 'separatorBefore'>> = {},
) => ({ id, title, group, keys, ...extra }) as const;

const table = [
  spec('file.open', 'Open…', 'File', ['Ctrl+O']),
  spec('file.close', 'Close tab', 'File', ['Ctrl+W']),
  spec('file.closeOthers', 'Close other tabs', 'File'),
  spec('file.mergeByTime', 'Merge open files by time', 'File'),
  spec('file.compareWith', 'Compare with…', 'File'),
  spec('file.save', 'Commit edits (or save a copy of a read-only file)', 'File', ['Ctrl+S'], { separatorBefore: true }),
  spec('file.discard', 'Discard edits', 'File'),
  spec('file.exportFiltered', 'Export the filtered lines…', 'File', [], { separatorBefore: true }),
  spec('file.exportMarked', 'Export the marked lines…', 'File'),
  spec('edit.undo', 'Undo', 'Edit', ['Ctrl+Z']),
  spec('edit.redo', 'Redo', 'Edit', ['Ctrl+Shift+Z', 'Ctrl+Y']),
  spec('edit.copy', 'Copy the selection', 'Edit', ['Ctrl+C'], { separatorBefore: true }),
  spec('edit.selectAll', 'Select all', 'Edit', ['Ctrl+A']),
  spec('edit.copyAs.hex', 'Copy as hex text', 'Edit', [], { separatorBefore: true }),
  spec('edit.copyAs.c', 'Copy as C array', 'Edit'),
  spec('edit.copyAs.python', 'Copy as Python bytes', 'Edit'),
  spec('edit.copyAs.base64', 'Copy as Base64', 'Edit'),
  spec('edit.copyAs.xxd', 'Copy as hexdump (xxd)', 'Edit'),
  spec('edit.bookmark', 'Bookmark the selection…', 'Edit', ['Ctrl+B'], { separatorBefore: true }),
  spec('edit.hashes', 'Hashes of the selection (CRC32, MD5, SHA-1, SHA-256)', 'Edit'),
  spec('find.find', 'Find', 'Find', ['Ctrl+F']),
  spec('find.next', 'Find next', 'Find', ['F3']),
  spec('find.previous', 'Find previous', 'Find', ['Shift+F3']),
  spec('find.replace', 'Replace', 'Find', ['Ctrl+H']),
  spec('find.matches', 'Show or hide the matches pane', 'Find'),
  spec('go.line', 'Go to line or offset', 'Go', ['Ctrl+G']),
  spec('go.time', 'Go to time', 'Go', ['Ctrl+T']),
  spec('go.nextMark', 'Next marked line', 'Go', [']', 'F2'], { separatorBefore: true }),
  spec('go.previousMark', 'Previous marked line', 'Go', ['[', 'Shift+F2']),
  spec('go.nextDiff', 'Next difference (compare tab)', 'Go', ['F7'], { separatorBefore: true }),
  spec('go.previousDiff', 'Previous difference (compare tab)', 'Go', ['Shift+F7']),
  spec('tab.next', 'Next tab', 'Go', ['Ctrl+Tab', 'Ctrl+PageDown'], { separatorBefore: true }),
  spec('tab.previous', 'Previous tab', 'Go', ['Ctrl+Shift+Tab', 'Ctrl+PageUp']),
  spec('view.text', 'Text view', 'View'),
  spec('view.hex', 'Hex view', 'View'),
  spec('view.records', 'Record view (a table of fixed-size records)', 'View'),
  spec('view.follow', 'Follow the end of the file', 'View', ['F'], { separatorBefore: true }),
  spec('view.wrap', 'Wrap long lines', 'View', ['W']),
  spec('view.filtered', 'Filtered view: show only the lines the rules keep', 'View', ['Ctrl+Shift+L'], {
    separatorBefore: true,
  }),
  spec('view.mark', 'Mark or unmark the current line', 'View', ['M']),
  spec('view.marks', 'Show or hide the marked lines', 'View'),
  spec('view.highlights', 'Highlight rules…', 'View'),
  spec('view.bookmarks', 'Show or hide the bookmarks', 'View'),
  spec('view.timeline', 'Show or hide the timeline', 'View'),
  spec('view.byteMap', 'Show or hide the byte map panel (entropy, histogram)', 'View'),
  spec('view.strings', 'Show or hide the strings pane', 'View'),
  spec('edit.copyMarked', 'Copy marked lines', 'Edit'),
  spec('view.encoding.utf-8', 'Encoding: UTF-8', 'View', [], { separatorBefore: true }),
  spec('view.encoding.latin1', 'Encoding: Latin-1 (ISO-8859-1)', 'View'),
  spec('view.encoding.utf-16le', 'Encoding: UTF-16 LE', 'View'),
  spec('view.encoding.utf-16be', 'Encoding: UTF-16 BE', 'View'),
  spec('view.rowWidth.8', 'Hex row width: 8 bytes', 'View', [], { separatorBefore: true }),
  spec('view.rowWidth.16', 'Hex row width: 16 bytes', 'View'),
  spec('view.rowWidth.32', 'Hex row width: 32 bytes', 'View'),
  spec('view.offsetBase', 'Toggle decimal / hex offsets', 'View'),
  spec('view.theme.toggle', 'Toggle theme', 'View', [], { separatorBefore: true }),
  spec('view.theme.light', 'Theme: light', 'View'),
  spec('view.theme.dark', 'Theme: dark', 'View'),
  spec('view.theme.system', 'Theme: follow the system', 'View'),
  spec('view.fontSize.increase', 'Bigger text', 'View', ['Ctrl+=', 'Ctrl++'], { separatorBefore: true }),
  spec('view.fontSize.decrease', 'Smaller text', 'View', ['Ctrl+-']),
  spec('view.fontSize.reset', 'Reset text size', 'View', ['Ctrl+0']),
  spec('help.palette', 'Show all commands', 'Help', ['Ctrl+Shift+P']),
  spec('help.keys', 'Keyboard shortcuts', 'Help', ['F1', '?']),
] as const;

export type CommandId = (typeof table)[number]['id'];

export const commandTable: readonly CommandSpec[] = table;

export const commandIds: readonly CommandId[] = table.map((command) => command.id);

export function isCommandId(value: unknown): value is CommandId {
  return typeof value === 'string' && (commandIds as readonly string[]).includes(value);
}

export function commandSpec(id: CommandId): CommandSpec {
  const found = commandTable.find((command) => command.id === id);
  if (found === undefined) throw new Error(`no command ${id}`);
  return found;
}

/** A key is a view key (no Ctrl or Alt, not a function key): it never reaches a text field's owner. */
export function isViewKey(key: KeySpec): boolean {
  const parts = key.split('+').filter((part) => part !== '');
  const modifiers = parts.slice(0, -1);
  const last = key.endsWith('++') ? '+' : (parts[parts.length - 1] ?? '');
  return !modifiers.includes('Ctrl') && !modifiers.includes('Alt') && !/^F\d{1,2}$/.test(last);
}

/** Electron's accelerator for a key spec ('Ctrl+Shift+P' → 'CmdOrCtrl+Shift+P'). */
export function acceleratorOf(key: KeySpec): string {
  return key.replace(/^Ctrl\+/, 'CmdOrCtrl+').replace(/\+\+$/, '+Plus');
}
