// A session's byte maps (the whole file for the strip, a range for the panel) and its strings
// pass: each a native job over the session's mapping, owned here and disposed with the session or
// when replaced. The renderer polls their status. A job keeps the mapping it started on; once the
// session maps the file again (it grew, shrank or was replaced), the job reports EFILECHANGED so
// the view asks for a fresh one.
import {
  BYTE_MAP_REGIONS,
  MAX_STRINGS_PER_PAGE,
  MIN_REGION_BYTES,
  STRING_PREVIEW_CHARS,
  type BinaryJobError,
  type ByteMapPurpose,
  type ByteMapStatus,
  type StringEncodingChoice,
  type StringsPage,
  type StringsStatus,
} from '../../../shared/binaryTools';
import type { Disposable } from '../../../shared/disposable';
import { err, errFromThrown, ok, type Result } from '../../../shared/result';
import { byteCount, byteOffset, type ByteOffset, type SessionId } from '../../../shared/units';
import {
  createByteMap,
  createStringsScan,
  type ByteMap,
  type MappedFile,
  type StringEncoding,
  type StringsScan,
} from '../../../../native/index';

export interface BinaryToolsHost {
  readonly session: SessionId;
  /** The session's current mapping (replaced when the file is mapped again). */
  file(): MappedFile;
}

const FILE_CHANGED: BinaryJobError = {
  code: 'EFILECHANGED',
  message: 'The file changed on disk since this pass started: run it again.',
};

interface MapJob {
  readonly id: number;
  readonly purpose: ByteMapPurpose;
  readonly file: MappedFile;
  readonly map: ByteMap;
}

interface StringsJob {
  readonly id: number;
  readonly file: MappedFile;
  readonly minLength: number;
  readonly encodings: StringEncodingChoice;
  readonly scan: StringsScan;
}

const encodingsOf: Record<StringEncodingChoice, StringEncoding[]> = {
  ascii: ['ascii'],
  'utf-16le': ['utf-16le'],
  both: ['ascii', 'utf-16le'],
};

const latin1 = new TextDecoder('latin1');

export class BinaryTools implements Disposable {
  private readonly maps = new Map<ByteMapPurpose, MapJob>();
  private strings: StringsJob | null = null;
  private nextId = 1;
  private disposed = false;

  constructor(private readonly host: BinaryToolsHost) {}

  startByteMap(purpose: ByteMapPurpose, from: ByteOffset, to: ByteOffset): Result<ByteMapStatus> {
    if (this.disposed) return err('ECLOSED', 'The file is closed.');
    try {
      const file = this.host.file();
      const size = file.size();
      if (from > to || to > size) {
        return err('ERANGE', `The range ${from}..${to} is not within the file's ${size} bytes.`);
      }
      const regionBytes = Math.max(MIN_REGION_BYTES, Math.ceil((to - from) / BYTE_MAP_REGIONS));
      const map = createByteMap(file, from, to, { regionBytes });
      this.maps.get(purpose)?.map.dispose();
      const job: MapJob = { id: this.nextId++, purpose, file, map };
      this.maps.set(purpose, job);
      return ok(this.mapStatus(job));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  byteMapStatus(purpose: ByteMapPurpose): Result<ByteMapStatus | null> {
    const job = this.maps.get(purpose);
    if (job === undefined) return ok(null);
    try {
      return ok(this.mapStatus(job));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  cancelByteMap(purpose: ByteMapPurpose): Result<ByteMapStatus | null> {
    const job = this.maps.get(purpose);
    if (job === undefined) return ok(null);
    try {
      job.map.cancel();
      return ok(this.mapStatus(job));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  startStrings(minLength: number, encodings: StringEncodingChoice): Result<StringsStatus> {
    if (this.disposed) return err('ECLOSED', 'The file is closed.');
    try {
      const file = this.host.file();
      const scan = createStringsScan(file, minLength, encodingsOf[encodings]);
      this.strings?.scan.dispose();
      this.strings = { id: this.nextId++, file, minLength, encodings, scan };
      return ok(this.stringsStatusOf(this.strings));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  stringsStatus(): Result<StringsStatus | null> {
    if (this.strings === null) return ok(null);
    try {
      return ok(this.stringsStatusOf(this.strings));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  cancelStrings(): Result<StringsStatus | null> {
    if (this.strings === null) return ok(null);
    try {
      this.strings.scan.cancel();
      return ok(this.stringsStatusOf(this.strings));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  readStrings(stringsId: number, first: number, count: number): Result<StringsPage> {
    const job = this.stringsJob(stringsId);
    if (!job.ok) return job;
    const clamped = Math.min(count, MAX_STRINGS_PER_PAGE);
    try {
      const page = job.value.scan.read(first, clamped, STRING_PREVIEW_CHARS);
      const texts: string[] = [];
      let at = 0;
      for (const end of page.previewEnds) {
        texts.push(latin1.decode(page.preview.subarray(at, end)));
        at = end;
      }
      return ok({
        stringsId,
        first,
        offsets: page.offsets,
        lengths: page.lengths,
        encodings: page.encodings,
        texts,
      });
    } catch (error) {
      return errFromThrown(error);
    }
  }

  stringIndexAt(stringsId: number, offset: ByteOffset): Result<number> {
    const job = this.stringsJob(stringsId);
    if (!job.ok) return job;
    try {
      return ok(job.value.scan.indexAtOffset(offset));
    } catch (error) {
      return errFromThrown(error);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const job of this.maps.values()) job.map.dispose();
    this.maps.clear();
    this.strings?.scan.dispose();
    this.strings = null;
  }

  private stringsJob(stringsId: number): Result<StringsJob> {
    const job = this.strings;
    if (job === null || job.id !== stringsId) {
      return err('ENOTFOUND', `No strings pass ${stringsId}: it was replaced or closed.`);
    }
    if (this.host.file() !== job.file) return err('EFILECHANGED', FILE_CHANGED.message);
    return ok(job);
  }

  private mapStatus(job: MapJob): ByteMapStatus {
    const progress = job.map.progress();
    const result = job.map.result();
    const stale = this.host.file() !== job.file;
    return {
      session: this.host.session,
      mapId: job.id,
      purpose: job.purpose,
      from: byteOffset(result.from),
      to: byteOffset(result.to),
      regionBytes: result.regionBytes,
      classes: result.classes,
      entropy: Float64Array.from(result.entropy),
      histogram: result.histogram,
      bytesScanned: byteCount(progress.bytesScanned),
      totalBytes: byteCount(progress.totalBytes),
      done: progress.done && !stale,
      cancelled: progress.cancelled,
      error: stale ? FILE_CHANGED : progress.error,
    };
  }

  private stringsStatusOf(job: StringsJob): StringsStatus {
    const progress = job.scan.progress();
    const stale = this.host.file() !== job.file;
    return {
      session: this.host.session,
      stringsId: job.id,
      minLength: job.minLength,
      encodings: job.encodings,
      stringsKnown: progress.stringsKnown,
      truncated: progress.truncated,
      bytesScanned: byteCount(progress.bytesScanned),
      totalBytes: byteCount(progress.totalBytes),
      done: progress.done && !stale,
      cancelled: progress.cancelled,
      error: stale ? FILE_CHANGED : progress.error,
    };
  }
}
