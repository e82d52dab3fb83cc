// A version counter React can subscribe to (useSyncExternalStore) for caches that fill up async.
export class Notifier {
  private readonly listeners = new Set<() => void>();
  private version = 0;

  getVersion = (): number => this.version;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  protected notify(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
