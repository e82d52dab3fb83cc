// Files the user named outside the renderer: command-line arguments, dialog picks, recent files.
// The renderer opens them by id, so it never names a path of its own.
import { basename, resolve } from 'node:path';
import type { OfferedFile } from '../../shared/contract';

export class OfferList {
  private readonly offers: OfferedFile[] = [];
  /** Paths given an id without being listed (recent files): opened by id like any offer. */
  private readonly registered: OfferedFile[] = [];
  private nextId = 1;
  private readonly listeners = new Set<(offers: readonly OfferedFile[]) => void>();

  offer(path: string): OfferedFile {
    const absolute = resolve(path);
    const existing = this.offers.find((item) => item.path === absolute);
    if (existing !== undefined) return existing;
    const known = this.registered.find((item) => item.path === absolute);
    const added: OfferedFile = known ?? { offerId: this.nextId++, name: basename(absolute), path: absolute };
    this.offers.push(added);
    for (const listener of this.listeners) listener(this.list());
    return added;
  }

  /** An id for `path` without listing it among the offers (a recent file); the same path keeps its id. */
  register(path: string): OfferedFile {
    const absolute = resolve(path);
    const known =
      this.offers.find((item) => item.path === absolute) ?? this.registered.find((item) => item.path === absolute);
    if (known !== undefined) return known;
    const added: OfferedFile = { offerId: this.nextId++, name: basename(absolute), path: absolute };
    this.registered.push(added);
    return added;
  }

  /**
   * Forgets the offers (a new page opens none of them), keeping their ids valid: after the last
   * window closes (macOS), the next window must not reopen files the user already closed.
   */
  clear(): void {
    if (this.offers.length === 0) return;
    this.registered.push(...this.offers.splice(0));
    for (const listener of this.listeners) listener(this.list());
  }

  get(offerId: number): OfferedFile | undefined {
    return (
      this.offers.find((item) => item.offerId === offerId) ?? this.registered.find((item) => item.offerId === offerId)
    );
  }

  list(): readonly OfferedFile[] {
    return [...this.offers];
  }

  onChange(listener: (offers: readonly OfferedFile[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
