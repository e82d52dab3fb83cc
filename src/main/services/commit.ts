// Crash-safe in-place commit of same-length edits. Before the file is touched, a journal beside it
// records every edit's old and new bytes and is made durable; only then are the new bytes written
// through a shared mapping and flushed, and the journal removed. A crash at any moment leaves either
// no journal (file wholly old or wholly new) or a complete journal that can roll the file back or
// forward, or a torn journal (crash while writing it) whose file was never touched.
//
// Journal layout, little-endian:
//   header   "HXLGJRNL", u32 version, u32 entry count, u64 file size, u64 edited bytes   (32 bytes)
//   entries  u64 offset, u32 length, old bytes, new bytes                                (each)
//   trailer  u32 CRC-32 of everything before it, "HXLGDONE"                              (12 bytes)
import {
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';

import { openMapped, type FileIdentity, type MappedFile } from '../../../native/index';
import type { PendingEdit } from '../../shared/editModel';
import { err, errFromThrown, ok, type Err, type Result } from '../../shared/result';

export type { FileIdentity } from '../../../native/index';
export type { PendingEdit } from '../../shared/editModel';

export interface JournalInfo {
  readonly journal: string;
  readonly entries: number;
  readonly editedBytes: number;
  /**
   * What the file holds under the journal's entries: all new bytes ('applied'), all old bytes ('old'),
   * some of each ('mixed'), bytes that are neither or a different size ('unknown': changed by someone
   * else since). 'torn': the journal itself is incomplete (crash while writing it), so the file was
   * never touched and removing the journal is safe; entries and editedBytes are then 0.
   */
  readonly state: 'applied' | 'old' | 'mixed' | 'unknown' | 'torn';
}

/** Where commitEdits keeps the journal for `path`: a hidden file beside it. */
export function journalPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.hexlog-journal`);
}

/** Test support only: called at each step of commitEdits, so a test can stop the process there. */
export type CommitStep = 'journal-chunk' | 'journal-synced' | 'edit-written' | 'flushed';
let stepHook: ((step: CommitStep, count: number) => void) | undefined;
export const commitTesting = {
  setStepHook(hook: ((step: CommitStep, count: number) => void) | undefined): void {
    stepHook = hook;
  },
};

/**
 * Writes edits into the file in place. Refuses, writing nothing, if the file's identity differs from
 * `expected` (size, dev, ino, mtimeMs), if any edit's oldBytes no longer match the file, or if an
 * earlier commit's journal is still there. Cost follows the number of edited bytes, not the file size.
 * Returns the file's new identity. If the journal cannot be removed after a complete commit, the
 * commit still succeeds: the leftover journal inspects as 'applied'.
 */
export function commitEdits(path: string, edits: readonly PendingEdit[], expected: FileIdentity): Result<FileIdentity> {
  const checked = checkEdits(path, edits);
  if (!checked.ok) return checked;
  const sorted = checked.value;
  const journal = journalPath(path);
  if (existsSync(journal)) {
    return err('EIO', `${path} has a journal from an earlier, interrupted commit (${journal}); recover it first`);
  }
  let file: MappedFile;
  try {
    file = openMapped(path, 'shared');
  } catch (error) {
    return withContext(fromThrown(error), `cannot open ${path} for writing`);
  }
  let journaled = false;
  try {
    const before = file.stat();
    const change = describeChange(expected, before);
    if (change !== '') {
      return err('EFILECHANGED', `${path} changed on disk since it was opened (${change}); nothing was written`);
    }
    const mismatch = findMismatch(path, sorted, before.size, (offset, target) => file.readInto(offset, target));
    if (mismatch !== undefined) return mismatch;
    if (sorted.length === 0) return ok(before);

    const written = writeJournal(journal, sorted, before.size);
    if (!written.ok) return written;
    journaled = true;
    stepHook?.('journal-synced', 0);

    let touched = 0;
    try {
      for (const edit of sorted) {
        touched++; // counted before the write: a failed write may have landed in part
        file.write(edit.offset, edit.newBytes);
        stepHook?.('edit-written', touched);
      }
      flushSpan(file, sorted);
    } catch (error) {
      return undoFailedCommit(path, journal, file, sorted.slice(0, touched), fromThrown(error));
    }
    stepHook?.('flushed', sorted.length);

    let after = file.stat();
    if (after.mtimeMs === before.mtimeMs) after = touchMtime(path, file);
    try {
      removeJournal(journal);
    } catch {
      // The edits are durable; a journal left behind inspects as 'applied' and finishing it changes nothing.
    }
    return ok(after);
  } catch (error) {
    const kept = journaled && existsSync(journal) ? `; the journal ${journal} was kept so it can be recovered` : '';
    return withContext(fromThrown(error), `commit to ${path} failed${kept}`);
  } finally {
    file.close();
  }
}

/** Is there a leftover journal for path (a crash during commit)? null when there is none. */
export function inspectJournal(path: string): Result<JournalInfo | null> {
  const journal = journalPath(path);
  if (!existsSync(journal)) return ok(null);
  const parsed = readJournal(path, journal);
  if (!parsed.ok) return parsed;
  if (parsed.value === 'torn') return ok({ journal, entries: 0, editedBytes: 0, state: 'torn' });
  const state = fileState(path, parsed.value);
  if (!state.ok) return state;
  const { entries } = parsed.value;
  const editedBytes = entries.reduce((sum, entry) => sum + entry.oldBytes.length, 0);
  return ok({ journal, entries: entries.length, editedBytes, state: state.value });
}

/** Restores every entry's old bytes, flushes, removes the journal. A torn journal is just removed. */
export function rollbackJournal(path: string): Result<null> {
  return recover(path, 'old');
}

/** Writes every entry's new bytes, flushes, removes the journal. Refused for a torn journal. */
export function finishJournal(path: string): Result<null> {
  return recover(path, 'new');
}

/** Removes the journal and keeps the file as it is now, whatever it holds. */
export function discardJournal(path: string): Result<null> {
  const journal = journalPath(path);
  try {
    removeJournal(journal);
    return ok(null);
  } catch (error) {
    return withContext(fromThrown(error), `cannot remove the journal ${journal}`);
  }
}

/**
 * For read-only files: a full copy of path with the edits applied, written to dest through a temporary
 * file beside it (fsync, then rename). The original is never opened for writing. The copy keeps the
 * original's permissions plus owner-write.
 */
export function saveCopy(path: string, edits: readonly PendingEdit[], dest: string): Result<null> {
  const checked = checkEdits(path, edits);
  if (!checked.ok) return checked;
  const sorted = checked.value;
  if (resolve(dest) === resolve(path) || sameFile(path, dest)) {
    return err('EINVAL', `cannot save a copy of ${path} over itself; commit the edits instead`);
  }
  const temporary = join(dirname(dest), `.${basename(dest)}.hexlog-save-${process.pid}-${++saveCount}`);
  let fd: number | undefined;
  try {
    copyFileSync(path, temporary, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    fd = openSync(temporary, 'r+');
    const copy = fd;
    const stats = fstatSync(copy);
    fchmodSync(copy, (stats.mode & 0o7777) | 0o200);
    const mismatch = findMismatch(path, sorted, stats.size, (offset, target) => preadAll(copy, target, offset));
    if (mismatch !== undefined) {
      closeSync(copy);
      fd = undefined;
      unlinkSync(temporary);
      return mismatch;
    }
    for (const edit of sorted) pwriteAll(copy, edit.newBytes, edit.offset);
    fsyncSync(copy);
    closeSync(copy);
    fd = undefined;
    renameSync(temporary, dest);
    syncDirectory(dirname(dest));
    return ok(null);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // Never created, or already renamed.
    }
    return withContext(fromThrown(error), `cannot save a copy of ${path} to ${dest}`);
  }
}

// ---- Edits ----------------------------------------------------------------------------------

const MAX_ENTRY_BYTES = 0xffff_ffff;
let saveCount = 0; // tells apart the temporary files of saves started in the same process

/** Sorted, non-overlapping, non-empty edits, or EINVAL. */
function checkEdits(path: string, edits: readonly PendingEdit[]): Result<PendingEdit[]> {
  const sorted: PendingEdit[] = [];
  for (const edit of edits) {
    const { offset, oldBytes, newBytes } = edit;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      return err('EINVAL', `edit offset must be a non-negative safe integer, got ${offset} (${path})`);
    }
    if (oldBytes.length !== newBytes.length) {
      return err('EINVAL', `edit at ${offset} of ${path}: old and new bytes differ in length`);
    }
    if (oldBytes.length > MAX_ENTRY_BYTES) return err('EINVAL', `edit at ${offset} of ${path} is too long`);
    if (oldBytes.length > 0) sorted.push(edit);
  }
  sorted.sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    if (previous.offset + previous.oldBytes.length > sorted[i]!.offset) {
      return err('EINVAL', `edits at ${previous.offset} and ${sorted[i]!.offset} of ${path} overlap`);
    }
  }
  return ok(sorted);
}

/** The first edit whose old bytes are not what the file holds, as an error; undefined when all match. */
function findMismatch(
  path: string,
  edits: readonly PendingEdit[],
  size: number,
  read: (offset: number, target: Uint8Array) => number,
): Err | undefined {
  for (const { offset, oldBytes } of edits) {
    if (offset + oldBytes.length > size) {
      return err('EFILECHANGED', `edit at ${offset} of ${path} passes the end of the file (${size} bytes)`);
    }
    const current = new Uint8Array(oldBytes.length);
    if (read(offset, current) !== current.length || !sameBytes(current, oldBytes)) {
      return err(
        'EFILECHANGED',
        `the bytes at offset ${offset} of ${path} changed on disk since they were edited; nothing was written`,
      );
    }
  }
  return undefined;
}

function describeChange(expected: FileIdentity, now: FileIdentity): string {
  const changes: string[] = [];
  if (now.dev !== expected.dev || now.ino !== expected.ino) changes.push('replaced by another file');
  if (now.size !== expected.size) changes.push(`size ${expected.size} → ${now.size} bytes`);
  if (now.mtimeMs !== expected.mtimeMs) changes.push('modified');
  return changes.join(', ');
}

/** msync + fsync of the range the edits span; the kernel only writes the dirty pages in it. */
function flushSpan(file: MappedFile, sorted: readonly PendingEdit[]): void {
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return;
  file.flush(first.offset, last.offset + last.newBytes.length - first.offset);
}

/** Some file systems leave mtime alone on writes through a mapping; backups and watchers need it to move. */
function touchMtime(path: string, file: MappedFile): FileIdentity {
  try {
    utimesSync(path, statSync(path).atime, new Date());
  } catch {
    // Not the owner: the identity stays as it is.
  }
  return file.stat();
}

/** A write or flush failed after the journal was made: put the old bytes back, or keep the journal. */
function undoFailedCommit(
  path: string,
  journal: string,
  file: MappedFile,
  touched: readonly PendingEdit[],
  failure: Err,
): Err {
  try {
    for (const edit of touched) file.write(edit.offset, edit.oldBytes);
    flushSpan(file, touched);
    removeJournal(journal);
    return withContext(failure, `commit to ${path} failed and was undone; the file is unchanged`);
  } catch {
    return withContext(
      failure,
      `commit to ${path} failed part-way; the journal ${journal} was kept so the file can be recovered`,
    );
  }
}

// ---- Recovery -------------------------------------------------------------------------------

function recover(path: string, target: 'old' | 'new'): Result<null> {
  const journal = journalPath(path);
  if (!existsSync(journal)) return err('ENOENT', `there is no journal for ${path} (${journal})`);
  const parsed = readJournal(path, journal);
  if (!parsed.ok) return parsed;
  if (parsed.value === 'torn') {
    if (target === 'new') {
      return err(
        'EINVAL',
        `the journal ${journal} is incomplete (the commit stopped while writing it), so ${path} was never ` +
          'touched and there is nothing to finish; roll back or discard it',
      );
    }
    return discardJournal(path);
  }
  const state = fileState(path, parsed.value);
  if (!state.ok) return state;
  if (state.value === 'unknown') {
    return err(
      'EFILECHANGED',
      `${path} was changed by someone else since the interrupted commit; nothing was written ` +
        `(discard the journal ${journal} to keep the file as it is)`,
    );
  }
  const { entries } = parsed.value;
  let file: MappedFile;
  try {
    file = openMapped(path, 'shared');
  } catch (error) {
    return withContext(fromThrown(error), `cannot open ${path} for writing`);
  }
  try {
    for (const entry of entries) file.write(entry.offset, target === 'old' ? entry.oldBytes : entry.newBytes);
    flushSpan(file, entries);
    removeJournal(journal);
    return ok(null);
  } catch (error) {
    return withContext(fromThrown(error), `recovery of ${path} failed; the journal ${journal} was kept`);
  } finally {
    file.close();
  }
}

/** Compares the file with every entry, byte by byte (bytes whose old and new values agree count as either). */
function fileState(path: string, parsed: ParsedJournal): Result<JournalInfo['state']> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return withContext(fromThrown(error), `cannot read ${path} to check its journal`);
  }
  try {
    if (fstatSync(fd).size !== parsed.fileSize) return ok('unknown');
    let oldCount = 0;
    let newCount = 0;
    for (const { offset, oldBytes, newBytes } of parsed.entries) {
      const current = new Uint8Array(oldBytes.length);
      if (preadAll(fd, current, offset) !== current.length) return ok('unknown');
      for (let i = 0; i < current.length; i++) {
        if (oldBytes[i] === newBytes[i]) continue;
        if (current[i] === newBytes[i]) newCount++;
        else if (current[i] === oldBytes[i]) oldCount++;
        else return ok('unknown');
      }
    }
    return ok(oldCount === 0 ? 'applied' : newCount === 0 ? 'old' : 'mixed');
  } catch (error) {
    return withContext(fromThrown(error), `cannot read ${path} to check its journal`);
  } finally {
    closeSync(fd);
  }
}

// ---- Journal --------------------------------------------------------------------------------

const MAGIC = new TextEncoder().encode('HXLGJRNL');
const COMPLETE = new TextEncoder().encode('HXLGDONE');
const VERSION = 1;
const HEADER_BYTES = 32;
const ENTRY_HEADER_BYTES = 12;
const TRAILER_BYTES = 4 + COMPLETE.length;
const CHUNK_BYTES = 64 * 1024;

interface ParsedJournal {
  readonly fileSize: number;
  readonly entries: readonly PendingEdit[];
}

/** Creates the journal (never over an existing one), writes it, fsyncs it and its directory. */
function writeJournal(journal: string, edits: readonly PendingEdit[], fileSize: number): Result<null> {
  let fd: number;
  try {
    fd = openSync(journal, 'wx', 0o600);
  } catch (error) {
    return withContext(fromThrown(error), `cannot create the commit journal ${journal}; nothing was written`);
  }
  try {
    const writer = new JournalWriter(fd);
    const header = new Uint8Array(HEADER_BYTES);
    const view = new DataView(header.buffer);
    header.set(MAGIC, 0);
    view.setUint32(8, VERSION, true);
    view.setUint32(12, edits.length, true);
    view.setBigUint64(16, BigInt(fileSize), true);
    view.setBigUint64(24, BigInt(edits.reduce((sum, edit) => sum + edit.oldBytes.length, 0)), true);
    writer.append(header);
    const entryHeader = new Uint8Array(ENTRY_HEADER_BYTES);
    const entryView = new DataView(entryHeader.buffer);
    for (const { offset, oldBytes, newBytes } of edits) {
      entryView.setBigUint64(0, BigInt(offset), true);
      entryView.setUint32(8, oldBytes.length, true);
      writer.append(entryHeader);
      writer.append(oldBytes);
      writer.append(newBytes);
    }
    writer.finish();
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    syncDirectory(dirname(journal));
    return ok(null);
  } catch (error) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(journal);
    } catch {
      // Left behind, it reads as torn: safe to remove.
    }
    return withContext(fromThrown(error), `cannot write the commit journal ${journal}; nothing was written`);
  }
}

/** Appends through a buffer, keeping the CRC of everything written; the trailer goes last. */
class JournalWriter {
  readonly #buffer = new Uint8Array(CHUNK_BYTES);
  #used = 0;
  #crc = 0;

  constructor(private readonly fd: number) {}

  append(bytes: Uint8Array): void {
    if (bytes.length > CHUNK_BYTES - this.#used) {
      this.#flush();
      if (bytes.length >= CHUNK_BYTES) {
        this.#write(bytes);
        return;
      }
    }
    this.#buffer.set(bytes, this.#used);
    this.#used += bytes.length;
  }

  finish(): void {
    this.#flush();
    const trailer = new Uint8Array(TRAILER_BYTES);
    new DataView(trailer.buffer).setUint32(0, this.#crc, true);
    trailer.set(COMPLETE, 4);
    writeAll(this.fd, trailer);
  }

  #flush(): void {
    if (this.#used === 0) return;
    this.#write(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }

  #write(bytes: Uint8Array): void {
    this.#crc = crc32(bytes, this.#crc);
    writeAll(this.fd, bytes);
    stepHook?.('journal-chunk', bytes.length);
  }
}

/**
 * The journal's entries; 'torn' when it lacks its end marker (it was never completed, so the file was never
 * touched); EIO when it is complete but damaged.
 */
function readJournal(path: string, journal: string): Result<ParsedJournal | 'torn'> {
  let data: Uint8Array;
  try {
    data = readFileSync(journal);
  } catch (error) {
    return withContext(fromThrown(error), `cannot read the journal ${journal}`);
  }
  const body = data.length - TRAILER_BYTES;
  if (body < 0 || !sameBytes(data.subarray(body + 4), COMPLETE)) return ok('torn');
  const damaged = (why: string): Err =>
    err('EIO', `the journal ${journal} for ${path} is damaged (${why}); nothing was written`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(body, true) !== crc32(data.subarray(0, body))) return damaged('checksum mismatch');
  if (body < HEADER_BYTES || !sameBytes(data.subarray(0, MAGIC.length), MAGIC)) {
    return damaged('not a hexlog journal');
  }
  const version = view.getUint32(8, true);
  if (version !== VERSION) return damaged(`unsupported version ${version}`);
  const count = view.getUint32(12, true);
  const fileSize = Number(view.getBigUint64(16, true));
  const entries: PendingEdit[] = [];
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_HEADER_BYTES > body) return damaged('entries end early');
    const offset = Number(view.getBigUint64(at, true));
    const length = view.getUint32(at + 8, true);
    at += ENTRY_HEADER_BYTES;
    if (at + 2 * length > body) return damaged('entries end early');
    entries.push({
      offset,
      oldBytes: data.subarray(at, at + length),
      newBytes: data.subarray(at + length, at + 2 * length),
    });
    at += 2 * length;
  }
  if (at !== body) return damaged('bytes after the last entry');
  const checked = checkEdits(path, entries);
  if (!checked.ok) return damaged(checked.message);
  return ok({ fileSize, entries: checked.value });
}

function removeJournal(journal: string): void {
  try {
    unlinkSync(journal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  syncDirectory(dirname(journal));
}

// ---- Small helpers --------------------------------------------------------------------------

/** Makes a directory's entries (a new, renamed or removed file) durable. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
}

function pwriteAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length;) {
    done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  }
}

/** Reads until target is full or the file ends; returns the count. */
function preadAll(fd: number, target: Uint8Array, position: number): number {
  let done = 0;
  while (done < target.length) {
    const count = readSync(fd, target, done, target.length - done, position + done);
    if (count === 0) break;
    done += count;
  }
  return done;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameFile(a: string, b: string): boolean {
  try {
    const first = statSync(a);
    const second = statSync(b);
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    return false;
  }
}

// The system's other ways of saying "you may not write this file"; the app offers saveCopy for all of them.
const NOT_WRITABLE: ReadonlySet<string> = new Set(['EPERM', 'EROFS', 'ETXTBSY']);

function fromThrown(error: unknown): Err {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  if (error instanceof Error && typeof code === 'string' && NOT_WRITABLE.has(code)) return err('EACCES', error.message);
  return errFromThrown(error);
}

/** Keeps the code, puts what we were doing in front of the cause. */
function withContext(failure: Err, context: string): Err {
  return err(failure.code, `${context}: ${failure.message}`);
}
