// Electron's entry (electron-vite builds it to out/main/index.js): the one place that loads
// `electron` at run time. Everything else is in ./adapter, which takes Electron as typed ports.
import { app, BrowserWindow, dialog, ipcMain, Menu, screen, session, shell } from 'electron';
import { startApp } from './adapter';

startApp<BrowserWindow, Menu>({
  electron: { app, BrowserWindow, dialog, ipcMain, Menu, screen, session, shell },
  userDataDir: app.getPath('userData'),
  mainDir: __dirname,
  argv: process.argv,
  workingDirectory: process.cwd(),
  isPackaged: app.isPackaged,
  platform: process.platform,
  devServerUrl: process.env['ELECTRON_RENDERER_URL'],
});
