import { describe, expect, it } from 'vitest';
import type { FileChange, IndexStatus } from '../shared/contract';
import { EventOutbox, type HeldEvent } from './eventOutbox';

const progress = (session: number, linesKnown: number): IndexStatus =>
  ({ session, linesKnown, done: false }) as unknown as IndexStatus;
const change = (generation: number): FileChange => ({ generation, kind: 'grown' }) as unknown as FileChange;

function drain(outbox: EventOutbox): HeldEvent[] {
  const taken: HeldEvent[] = [];
  for (let event = outbox.take(); event !== undefined; event = outbox.take()) taken.push(event);
  return taken;
}

describe('EventOutbox', () => {
  it('keeps only the latest progress of each session, behind what was held since', () => {
    const outbox = new EventOutbox(10);
    outbox.add('indexProgress', progress(1, 10));
    outbox.add('indexProgress', progress(2, 5));
    outbox.add('fileChanged', change(1));
    outbox.add('indexProgress', progress(1, 20));
    outbox.add('offersChanged', []);
    outbox.add('offersChanged', [{ offerId: 1, name: 'a', path: '/a' }]);
    expect(outbox.size).toBe(4);
    expect(drain(outbox)).toEqual([
      { name: 'indexProgress', payload: progress(2, 5) },
      { name: 'fileChanged', payload: change(1) },
      { name: 'indexProgress', payload: progress(1, 20) },
      { name: 'offersChanged', payload: [{ offerId: 1, name: 'a', path: '/a' }] },
    ]);
  });

  it('keeps every event that must all arrive, in order, up to its cap', () => {
    const outbox = new EventOutbox(3);
    for (let generation = 1; generation <= 3; generation++)
      expect(outbox.add('fileChanged', change(generation))).toBe(true);
    expect(outbox.add('fileChanged', change(4))).toBe(false);
    expect(outbox.add('indexProgress', progress(1, 1))).toBe(true);
    expect(drain(outbox).map((event) => event.name)).toEqual([
      'fileChanged',
      'fileChanged',
      'fileChanged',
      'indexProgress',
    ]);
    expect(outbox.add('fileChanged', change(5))).toBe(true);
  });
});
