// The application menu, built from the command table: the same titles and keys as the palette and
// the shortcuts sheet. Its accelerators are shown but not registered, so keys reach the renderer's
// one key handler (which also leaves a text field its own keys); a click sends the command's id.
import type { MenuItemConstructorOptions } from 'electron';
import { acceleratorOf, commandTable, isViewKey, type CommandGroup } from '../shared/commands';
import type { MenuCommand, OfferedFile } from '../shared/contract';

const menuGroups: readonly CommandGroup[] = ['File', 'Edit', 'Find', 'Go', 'View', 'Help'];

export function menuTemplate(
  recent: readonly OfferedFile[],
  sendCommand: (command: MenuCommand) => void,
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] {
  const items = (group: CommandGroup): MenuItemConstructorOptions[] =>
    commandTable
      // Copy is the system's role below, which text fields need; the view answers its copy event.
      .filter((command) => command.group === group && command.id !== 'edit.copy')
      .flatMap((command): MenuItemConstructorOptions[] => {
        const key = command.keys[0];
        const item: MenuItemConstructorOptions = {
          label: command.title,
          click: () => sendCommand({ command: command.id }),
          ...(key === undefined || isViewKey(key)
            ? {}
            : { accelerator: acceleratorOf(key), registerAccelerator: false }),
        };
        return command.separatorBefore === true ? [{ type: 'separator' }, item] : [item];
      });
  const recentMenu: MenuItemConstructorOptions = {
    label: 'Recent',
    submenu:
      recent.length === 0
        ? [{ label: 'No recent files', enabled: false }]
        : recent.map((offer) => ({
            label: offer.name,
            toolTip: offer.path,
            click: () => sendCommand({ command: 'file.openRecent', offerId: offer.offerId }),
          })),
  };
  const menu = menuGroups.map((group): MenuItemConstructorOptions => {
    const submenu = items(group);
    if (group === 'File') {
      submenu.splice(1, 0, recentMenu);
      submenu.push({ type: 'separator' }, { role: 'quit' });
    }
    // Text fields (the find bar, go to) need the system's clipboard roles; macOS reaches them only here.
    if (group === 'Edit') submenu.push({ type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' });
    return { label: group, submenu };
  });
  if (platform === 'darwin') menu.unshift({ role: 'appMenu' });
  return menu;
}
