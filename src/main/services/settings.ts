// The user's settings and remembered state, in one JSON file that the host names (Electron: in
// userData; the browser host: in its XDG config folder; tests: a temp dir, or none at all).
// - Writes are atomic: a temp file in the same folder, flushed, renamed over the old one.
// - A file that cannot be read as settings is set aside (renamed) with a notice, never a crash.
// - A folder that cannot be written keeps the settings in memory, with a notice.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import {
  DEFAULT_SETTINGS,
  FONT_SIZE_MAX,
  FONT_SIZE_MIN,
  MAX_RECENT_FILES,
  hexRowWidths,
  themeChoices,
  type FileMemory,
  type Settings,
  type SettingsPatch,
} from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import { byteOffset } from '../../shared/units';
import type { FileIdentity } from './fileIdentity';
import { fileMemorySpec, recordLayoutsSpec } from '../../shared/schema';
import { validateHighlightSettings, type HighlightSettings } from '../../shared/highlight';

export const SETTINGS_VERSION = 1;
/** Files whose state is remembered (position; later marks and rules): the most recently saved. */
export const MAX_REMEMBERED_FILES = 200;
/** Bursts of changes (a position saved as the user scrolls) are written once they settle. */
export const SETTINGS_WRITE_DELAY_MS = 250;

export const defaultSettings: Settings = DEFAULT_SETTINGS;

/** What is remembered of one file, keyed by its path; valid only for the same file (device, inode). */
export interface FileRecord {
  readonly dev: number;
  readonly ino: number;
  /** The file's size and mtime when saved: marks come back only while it is unchanged or grown. */
  readonly size?: number;
  readonly mtimeMs?: number;
  readonly savedAt: number;
  readonly position: FileMemory;
}

interface SettingsFile {
  readonly version: number;
  readonly settings: Settings;
  readonly recent: readonly string[];
  readonly files: Readonly<Record<string, FileRecord>>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isInteger = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;

/** Each field checked on its own: a bad one falls back to its default, the rest are kept. */
function settingsFrom(value: unknown): Settings {
  const raw = isRecord(value) ? value : {};
  return {
    theme: themeChoices.find((choice) => choice === raw['theme']) ?? defaultSettings.theme,
    fontSize: isInteger(raw['fontSize'], FONT_SIZE_MIN, FONT_SIZE_MAX) ? raw['fontSize'] : defaultSettings.fontSize,
    bytesPerRow: hexRowWidths.find((width) => width === raw['bytesPerRow']) ?? defaultSettings.bytesPerRow,
    wrap: typeof raw['wrap'] === 'boolean' ? raw['wrap'] : defaultSettings.wrap,
    highlights: highlightsFrom(raw['highlights']),
    recordLayouts: recordLayoutsFrom(raw['recordLayouts']),
  };
}

/** The saved record layouts, read with the channel's own schema; a bad list falls back to none. */
function recordLayoutsFrom(value: unknown): Settings['recordLayouts'] {
  if (value === undefined) return defaultSettings.recordLayouts;
  try {
    const parsed = recordLayoutsSpec.parse(value);
    return parsed.ok ? parsed.value : defaultSettings.recordLayouts;
  } catch {
    return defaultSettings.recordLayouts;
  }
}

function highlightsFrom(value: unknown): HighlightSettings {
  if (value === undefined) return defaultSettings.highlights;
  const valid = validateHighlightSettings(value);
  return valid.ok ? valid.value : defaultSettings.highlights;
}

/** A remembered position read back with the channel's own schema; anything it refuses is forgotten. */
function positionFrom(value: unknown): FileMemory | null {
  try {
    const parsed = fileMemorySpec.parse(value);
    return parsed.ok ? withoutAbsentFields(parsed.value) : null;
  } catch {
    return null;
  }
}

/** The same memory without fields that are undefined (the schema's copy keeps their keys). */
function withoutAbsentFields(memory: FileMemory): FileMemory {
  return Object.fromEntries(Object.entries(memory).filter(([, field]) => field !== undefined)) as unknown as FileMemory;
}

function fileRecordFrom(value: unknown): FileRecord | null {
  if (!isRecord(value)) return null;
  const position = positionFrom(value['position']);
  const { dev, ino, savedAt, size, mtimeMs } = value;
  if (position === null || typeof dev !== 'number' || typeof ino !== 'number' || typeof savedAt !== 'number')
    return null;
  return {
    dev,
    ino,
    savedAt,
    position,
    ...(typeof size === 'number' ? { size } : {}),
    ...(typeof mtimeMs === 'number' ? { mtimeMs } : {}),
  };
}

/** The file's content as settings, or why it is not settings at all. */
function parseSettingsFile(text: string): SettingsFile | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `it is not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!isRecord(value)) return 'it is not a JSON object';
  if (value['version'] !== SETTINGS_VERSION)
    return `its version is ${JSON.stringify(value['version'])}, not ${SETTINGS_VERSION}`;
  const recent = Array.isArray(value['recent'])
    ? value['recent'].filter((path): path is string => typeof path === 'string' && path.length > 0)
    : [];
  const files: Record<string, FileRecord> = {};
  if (isRecord(value['files'])) {
    for (const [path, record] of Object.entries(value['files'])) {
      const parsed = fileRecordFrom(record);
      if (parsed !== null) files[path] = parsed;
    }
  }
  return {
    version: SETTINGS_VERSION,
    settings: settingsFrom(value['settings']),
    recent: [...new Set(recent)].slice(0, MAX_RECENT_FILES),
    files,
  };
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Writes `text` to `path` atomically: a sibling temp file, fsync, rename, fsync of the folder. */
export function writeFileAtomically(path: string, text: string): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
  try {
    const handle = openSync(temp, 'w', 0o600);
    try {
      writeSync(handle, text);
      fsyncSync(handle);
    } finally {
      closeSync(handle);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  try {
    const directory = openSync(folder, 'r');
    try {
      fsyncSync(directory);
    } finally {
      closeSync(directory);
    }
  } catch {
    // Some systems cannot fsync a folder; the rename itself is still atomic.
  }
}

export class SettingsStore implements Disposable {
  private state: SettingsFile;
  private notice: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writeFailed = false;
  /** Set when the file on disk must not be overwritten (it could not be read, nor set aside). */
  private frozen = false;
  private disposed = false;

  /** `path` null keeps everything in memory (tests, or a host without a settings folder). */
  constructor(
    readonly path: string | null,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.state = { version: SETTINGS_VERSION, settings: defaultSettings, recent: [], files: {} };
    if (path !== null) this.load(path);
  }

  get settings(): Settings {
    return this.state.settings;
  }

  /** Something the user must hear about once (a corrupt file set aside, a folder not writable). */
  takeNotice(): string | null {
    const notice = this.notice;
    this.notice = null;
    return notice;
  }

  /** Merges `patch`; answers the settings and whether anything changed (nothing is written if not). */
  update(patch: SettingsPatch): { readonly settings: Settings; readonly changed: boolean } {
    const settings = settingsFrom({ ...this.state.settings, ...patch });
    const changed = JSON.stringify(settings) !== JSON.stringify(this.state.settings);
    if (changed) {
      this.state = { ...this.state, settings };
      this.scheduleWrite();
    }
    return { settings, changed };
  }

  /** Most recent first. */
  recent(): readonly string[] {
    return this.state.recent;
  }

  /** Puts `path` first in the recent files; answers whether the list changed. */
  addRecent(path: string): boolean {
    if (this.state.recent[0] === path) return false;
    const recent = [path, ...this.state.recent.filter((item) => item !== path)].slice(0, MAX_RECENT_FILES);
    this.state = { ...this.state, recent };
    this.scheduleWrite();
    return true;
  }

  /**
   * Where `path` was left, if it is still the same file (device and inode); an offset past its end
   * is pulled in. Marks come back only while the file is unchanged or grown since they were saved:
   * a file rewritten in place or truncated holds other lines.
   */
  position(path: string, identity: FileIdentity): FileMemory | null {
    const record = this.state.files[path];
    if (record === undefined || record.dev !== identity.dev || record.ino !== identity.ino) return null;
    let position = record.position;
    if (position.offset >= Math.max(1, identity.size)) {
      position = { ...position, offset: byteOffset(Math.max(0, identity.size - 1)) };
    }
    const linesKept =
      record.size !== undefined &&
      (identity.size > record.size || (identity.size === record.size && identity.mtimeMs === record.mtimeMs));
    if (!linesKept && position.marks !== undefined) {
      position = Object.fromEntries(
        Object.entries(position).filter(([key]) => key !== 'marks'),
      ) as unknown as FileMemory;
    }
    return position;
  }

  savePosition(path: string, identity: FileIdentity, memory: FileMemory): void {
    const position = withoutAbsentFields(memory);
    const previous = this.state.files[path];
    if (
      previous !== undefined &&
      previous.dev === identity.dev &&
      previous.ino === identity.ino &&
      previous.size === identity.size &&
      previous.mtimeMs === identity.mtimeMs &&
      JSON.stringify(previous.position) === JSON.stringify(position)
    ) {
      return;
    }
    const record: FileRecord = {
      dev: identity.dev,
      ino: identity.ino,
      size: identity.size,
      mtimeMs: identity.mtimeMs,
      savedAt: Date.now(),
      position,
    };
    // Bounded: records stay in the order they were saved (the file keeps that order too), and the
    // ones saved longest ago are forgotten first.
    const kept = Object.entries(this.state.files)
      .filter(([known]) => known !== path)
      .slice(-(MAX_REMEMBERED_FILES - 1));
    this.state = { ...this.state, files: Object.fromEntries([...kept, [path, record]]) };
    this.scheduleWrite();
  }

  rememberedFiles(): number {
    return Object.keys(this.state.files).length;
  }

  /** Writes what is pending now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.write();
  }

  dispose(): void {
    if (this.disposed) return;
    if (this.timer !== undefined) this.flush();
    this.disposed = true;
  }

  private load(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      this.notice = `Your settings file ${path} could not be read (${errorText(error)}); hexlog starts with the defaults and will not overwrite it.`;
      this.frozen = true;
      this.log(this.notice);
      return;
    }
    // An empty file (a crash before the first write on some file systems) is as good as none.
    if (text.trim() === '') return;
    const version = /"version"\s*:\s*(\d+)/.exec(text)?.[1];
    if (version !== undefined && Number(version) > SETTINGS_VERSION) {
      this.frozen = true;
      this.notice = `Your settings file ${path} was written by a newer hexlog (version ${version}); this one starts with the defaults and leaves the file as it is.`;
      this.log(this.notice);
      return;
    }
    const parsed = parseSettingsFile(text);
    if (typeof parsed !== 'string') {
      this.state = parsed;
      return;
    }
    const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(path, aside);
      this.notice = `Your settings file could not be used (${parsed}): it was set aside as ${basename(aside)} beside it, and hexlog starts with the defaults.`;
    } catch (error) {
      this.frozen = true;
      this.notice = `Your settings file ${path} could not be used (${parsed}) nor set aside (${errorText(error)}); hexlog starts with the defaults and will not overwrite it.`;
    }
    this.log(this.notice);
  }

  private scheduleWrite(): void {
    if (this.path === null || this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, SETTINGS_WRITE_DELAY_MS);
    this.timer.unref?.();
  }

  private write(): void {
    if (this.path === null || this.disposed || this.frozen) return;
    try {
      writeFileAtomically(this.path, `${JSON.stringify(this.state, null, 2)}\n`);
      this.writeFailed = false;
    } catch (error) {
      // Said once per run of failures; the settings keep working in memory.
      if (!this.writeFailed) {
        this.notice = `Settings could not be saved to ${this.path} (${errorText(error)}); they last until hexlog closes.`;
        this.log(this.notice);
      }
      this.writeFailed = true;
    }
  }
}
