// Files the user named outside the renderer: command-line arguments, dialog picks, recent files.
// The renderer opens them by id, so it never names a path of its own.
import { basename, resolve } from 'node:path';
import type { OfferedFile } from '../../shared/contract';

export class OfferList {
  private readonly offers: OfferedFile[] = [];
  private readonly listeners = new Set<(offers: readonly OfferedFile[]) => void>();

  offer(path: string): OfferedFile {
    const absolute = resolve(path);
    const existing = this.offers.find((item) => item.path === absolute);
    if (existing !== undefined) return existing;
    const added: OfferedFile = { offerId: this.offers.length + 1, name: basename(absolute), path: absolute };
    this.offers.push(added);
    for (const listener of this.listeners) listener(this.list());
    return added;
  }

  get(offerId: number): OfferedFile | undefined {
    return this.offers.find((item) => item.offerId === offerId);
  }

  list(): readonly OfferedFile[] {
    return [...this.offers];
  }

  onChange(listener: (offers: readonly OfferedFile[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
