import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand';
import { byteOffset, lineNumber } from '../../shared/units';
import type { FileState, FileStore } from './fileStore';
import { recordMemoryOf, recordStoreOf, restoreRecordMemory } from './recordStore';

/** Only what the record store reads of a file store: its identity and its size. */
const fileOfSize = (size: number): FileStore =>
  createStore<FileState>()(() => ({ info: { size } }) as unknown as FileState);

describe('the record store of a file', () => {
  it('is one per file: a layout applied in one tab is not in another', () => {
    const first = fileOfSize(100);
    const second = fileOfSize(100);
    expect(recordStoreOf(first)).toBe(recordStoreOf(first));
    expect(recordStoreOf(first).getState().applyLayout('<Id')).toBe(true);
    expect(recordStoreOf(second).getState().layout).toBeNull();
    expect(recordMemoryOf(second)).toEqual({});
  });

  it('a refused layout says why and keeps the layout in force', () => {
    const file = fileOfSize(100);
    const records = recordStoreOf(file).getState();
    records.applyLayout('u32le id; f64le value');
    records.setCell({ record: 3, field: 1 });
    expect(records.applyLayout('<Iz')).toBe(false);
    const state = recordStoreOf(file).getState();
    expect(state.layoutError).toBe(
      "Record layout not applied: at 3: bad format character 'z'; expected one of x c b B ? h H i I l L q Q n N e f d s p P",
    );
    expect(state.layoutText).toBe('u32le id; f64le value');
    expect(state.layout?.size).toBe(12);
    // A layout with fewer fields pulls the current cell inside it.
    state.applyLayout('<I');
    expect(recordStoreOf(file).getState().cell).toEqual({ record: 3, field: 0 });
  });

  it('is remembered as FileMemory.records and restored, the start pulled inside a smaller file', () => {
    const file = fileOfSize(1000);
    recordStoreOf(file).getState().setStart(600);
    recordStoreOf(file).getState().applyLayout('>hhq');
    const memory = recordMemoryOf(file);
    expect(memory).toEqual({ records: { layout: '>hhq', start: 600 } });

    const reopened = fileOfSize(500);
    restoreRecordMemory(reopened, { view: 'records', line: lineNumber(0), offset: byteOffset(0), ...memory });
    const state = recordStoreOf(reopened).getState();
    expect(state.layoutText).toBe('>hhq');
    expect(state.layout?.fields.map((field) => field.name)).toEqual(['f0', 'f1', 'f2']);
    expect(state.start).toBe(500);
  });
});
