// Events held for a socket that is not keeping up. Snapshot events (progress, the offer list) keep
// only their latest payload, per session where they have one; the rest are kept in order, up to a cap.
import { eventDelivery, type EventName, type Events } from '../shared/contract';

export interface HeldEvent {
  readonly name: EventName;
  readonly payload: unknown;
}

export class EventOutbox {
  private readonly held = new Map<string, HeldEvent & { readonly every: boolean }>();
  private everyCount = 0;
  private nextKey = 0;

  /** @param maxEvery most events that must all arrive ('every') held at once. */
  constructor(private readonly maxEvery: number) {}

  get size(): number {
    return this.held.size;
  }

  /** Holds an event; false when it would pass the cap (the socket is hopelessly behind). */
  add<E extends EventName>(name: E, payload: Events[E]): boolean {
    const delivery = eventDelivery[name];
    if (delivery === 'every') {
      if (this.everyCount >= this.maxEvery) return false;
      this.everyCount += 1;
      this.held.set(`${name}#${this.nextKey++}`, { name, payload, every: true });
      return true;
    }
    const session = delivery === 'latestPerSession' ? (payload as { readonly session?: unknown }).session : '';
    const key = `${name}:${String(session)}`;
    // Deleting first moves the newer snapshot behind the events held since the older one.
    this.held.delete(key);
    this.held.set(key, { name, payload, every: false });
    return true;
  }

  /** Takes the oldest held event. */
  take(): HeldEvent | undefined {
    for (const [key, event] of this.held) {
      this.held.delete(key);
      if (event.every) this.everyCount -= 1;
      return { name: event.name, payload: event.payload };
    }
    return undefined;
  }

  clear(): void {
    this.held.clear();
    this.everyCount = 0;
  }
}
