import { describe, expect, it } from 'vitest';
import { acceleratorOf, commandTable, isViewKey } from '../../shared/commands';
import { commandForKey, keyMatches, parseKey, type KeyPress } from './keys';

const press = (key: string, modifiers: Partial<Omit<KeyPress, 'key'>> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...modifiers,
});

describe('key specs of the command table', () => {
  it('parse modifiers and the key, including a plus key', () => {
    expect(parseKey('Ctrl+Shift+P')).toEqual({ ctrl: true, shift: true, alt: false, key: 'p' });
    expect(parseKey('Ctrl++')).toEqual({ ctrl: true, shift: false, alt: false, key: '+' });
    expect(parseKey('F3')).toEqual({ ctrl: false, shift: false, alt: false, key: 'F3' });
    expect(parseKey('?')).toEqual({ ctrl: false, shift: false, alt: false, key: '?' });
  });

  it('match events: Ctrl or Cmd, Shift exact for letters and keys, ignored for symbols', () => {
    expect(keyMatches('Ctrl+Shift+P', press('P', { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(keyMatches('Ctrl+Shift+P', press('p', { metaKey: true, shiftKey: true }))).toBe(true);
    expect(keyMatches('Ctrl+Shift+P', press('p', { ctrlKey: true }))).toBe(false);
    expect(keyMatches('Ctrl+O', press('o', { ctrlKey: true, altKey: true }))).toBe(false);
    expect(keyMatches('F3', press('F3', { shiftKey: true }))).toBe(false);
    expect(keyMatches('Shift+F3', press('F3', { shiftKey: true }))).toBe(true);
    expect(keyMatches('?', press('?', { shiftKey: true }))).toBe(true);
    expect(keyMatches('Ctrl++', press('+', { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(keyMatches('Ctrl+Tab', press('Tab', { ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(keyMatches('Ctrl+Shift+Tab', press('Tab', { ctrlKey: true, shiftKey: true }))).toBe(true);
  });

  it('find their command; a text field keeps plain keys and the edit keys', () => {
    expect(commandForKey(press('P', { ctrlKey: true, shiftKey: true }), false)).toBe('help.palette');
    expect(commandForKey(press('Tab', { ctrlKey: true }), false)).toBe('tab.next');
    expect(commandForKey(press('w', { ctrlKey: true }), true)).toBe('file.close');
    expect(commandForKey(press('w'), false)).toBe('view.wrap');
    expect(commandForKey(press('w'), true)).toBeNull();
    expect(commandForKey(press('?', { shiftKey: true }), true)).toBeNull();
    expect(commandForKey(press('z', { ctrlKey: true }), true)).toBeNull();
    expect(commandForKey(press('z', { ctrlKey: true }), false)).toBe('edit.undo');
    expect(commandForKey(press('F1'), true)).toBe('help.keys');
    expect(commandForKey(press('q', { ctrlKey: true }), false)).toBeNull();
  });

  it('no key runs two commands, and every command has a title and a menu group', () => {
    const owners = new Map<string, string>();
    for (const command of commandTable) {
      expect(command.title.length).toBeGreaterThan(0);
      for (const key of command.keys) {
        const parsed = JSON.stringify(parseKey(key));
        expect(owners.get(parsed), `${key} of ${command.id}`).toBeUndefined();
        owners.set(parsed, command.id);
      }
    }
  });

  it('give Electron accelerators, and tell view keys apart', () => {
    expect(acceleratorOf('Ctrl+Shift+P')).toBe('CmdOrCtrl+Shift+P');
    expect(acceleratorOf('Ctrl++')).toBe('CmdOrCtrl+Plus');
    expect(acceleratorOf('F3')).toBe('F3');
    expect(isViewKey('W')).toBe(true);
    expect(isViewKey('?')).toBe(true);
    expect(isViewKey('F1')).toBe(false);
    expect(isViewKey('Shift+F3')).toBe(false);
    expect(isViewKey('Ctrl+W')).toBe(false);
  });
});
