// Key specs of the command table ('Ctrl+Shift+P', 'F3', '?') matched against keyboard events, and
// shown as people read them.
import { commandTable, isViewKey, type CommandId, type KeySpec } from '../../shared/commands';

export interface ParsedKey {
  readonly ctrl: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
  /** event.key as the spec names it, letters lower-cased. */
  readonly key: string;
}

export function parseKey(spec: KeySpec): ParsedKey {
  const plusKey = spec.endsWith('++');
  const parts = (plusKey ? spec.slice(0, -2) : spec).split('+').filter((part) => part !== '');
  const key = plusKey ? '+' : (parts.pop() ?? '');
  return {
    ctrl: parts.includes('Ctrl'),
    shift: parts.includes('Shift'),
    alt: parts.includes('Alt'),
    key: key.length === 1 ? key.toLowerCase() : key,
  };
}

/** The parts of a keyboard event that key specs compare. */
export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

/** Whether `event` is the key `spec` names. Ctrl is Cmd on macOS; Shift is ignored for symbols ('?', '+'). */
export function keyMatches(spec: KeySpec, event: KeyPress): boolean {
  const want = parseKey(spec);
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (key !== want.key) return false;
  if ((event.ctrlKey || event.metaKey) !== want.ctrl || event.altKey !== want.alt) return false;
  const symbol = key.length === 1 && !/[a-z0-9]/.test(key);
  return symbol || event.shiftKey === want.shift;
}

/** The command a key press runs and the key spec it matched, if any. */
export function bindingForKey(event: KeyPress, typing: boolean): { id: CommandId; key: KeySpec } | null {
  for (const command of commandTable) {
    for (const key of command.keys) {
      if (!keyMatches(key, event)) continue;
      // A text field keeps plain keys (a view key) and the edit keys.
      if (typing && (isViewKey(key) || command.group === 'Edit')) continue;
      return { id: command.id, key };
    }
  }
  return null;
}

/** The command a key press runs, if any. `typing`: focus is in a text field, which keeps its own keys. */
export function commandForKey(event: KeyPress, typing: boolean): CommandId | null {
  return bindingForKey(event, typing)?.id ?? null;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** A key spec as shown in menus, the palette and the sheet ('Ctrl+Shift+P', or '⌘⇧P' on macOS). */
export function keyLabel(spec: KeySpec): string {
  if (!isMac) return spec;
  const parsed = parseKey(spec);
  const key = parsed.key.length === 1 ? parsed.key.toUpperCase() : parsed.key;
  return `${parsed.ctrl ? '⌘' : ''}${parsed.alt ? '⌥' : ''}${parsed.shift ? '⇧' : ''}${key}`;
}
