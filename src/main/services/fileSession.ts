// One open file: owns its mapping and answers reads and status checks as values.
import { accessSync, constants, statSync } from 'node:fs';
import { basename } from 'node:path';
import { openMapped, type FileIdentity, type MappedFile } from '../../../native/index';
import type { FileInfo, FileStatus } from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import { err, errFromThrown, ok, type Result } from '../../shared/result';
import { byteCount, type ByteCount, type ByteOffset, type SessionId } from '../../shared/units';

export class FileSession implements Disposable {
  private readonly opened: FileIdentity;

  private constructor(
    readonly id: SessionId,
    readonly owner: string,
    readonly path: string,
    private readonly file: MappedFile,
    private readonly writable: boolean,
  ) {
    this.opened = file.stat();
  }

  /** Maps `path` read-only; throws the addon's coded error when it cannot. */
  static open(id: SessionId, owner: string, path: string): FileSession {
    const file = openMapped(path, 'readonly');
    try {
      return new FileSession(id, owner, path, file, isWritable(path));
    } catch (error) {
      file.close();
      throw error;
    }
  }

  get size(): ByteCount {
    return byteCount(this.file.size());
  }

  get info(): FileInfo {
    return { session: this.id, name: basename(this.path), path: this.path, size: this.size, writable: this.writable };
  }

  /** Copies up to `length` bytes from `offset` into a fresh buffer; shorter at the end of the file. */
  readBytes(offset: ByteOffset, length: ByteCount): Result<Uint8Array> {
    const size = this.size;
    if (offset > size) return err('ERANGE', `offset ${offset} is past the end of ${this.path} (${size} bytes)`);
    const target = new Uint8Array(Math.min(length, size - offset));
    if (target.byteLength === 0) return ok(target);
    try {
      const copied = this.file.readInto(offset, target);
      return ok(copied === target.byteLength ? target : target.subarray(0, copied));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  status(): Result<FileStatus> {
    const mappedSize = this.size;
    const base = { session: this.id, mappedSize };
    let onDisk: { size: number; ino: number; dev: number; mtimeMs: number };
    try {
      onDisk = statSync(this.path);
    } catch {
      return ok({ ...base, currentSize: -1, state: 'vanished' });
    }
    if (onDisk.ino !== this.opened.ino || onDisk.dev !== this.opened.dev) {
      return ok({ ...base, currentSize: onDisk.size, state: 'replaced' });
    }
    let now: FileIdentity;
    try {
      now = this.file.stat();
    } catch (error) {
      return errFromThrown(error);
    }
    const state =
      now.size < mappedSize
        ? 'shrunk'
        : now.size > mappedSize
          ? 'grown'
          : now.mtimeMs !== this.opened.mtimeMs
            ? 'modified'
            : 'unchanged';
    return ok({ ...base, currentSize: now.size, state });
  }

  dispose(): void {
    this.file.close();
  }
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
