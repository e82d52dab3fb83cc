// Services over real files for unit tests: a temp directory, services with a recording host,
// and a call helper that fails the test on an error value.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName, Events } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { createServices, type Services } from '../index';

export interface ServiceHarness {
  readonly dir: string;
  readonly services: Services;
  readonly events: { name: EventName; payload: unknown }[];
  /** What the host's "Save a copy" dialog answers. */
  copyDest: string | null;
  call<T>(name: string, ...args: unknown[]): Promise<T>;
  dispose(): void;
}

export const testOwner = { owner: 'window:1' };

export function createServiceHarness(prefix: string): ServiceHarness {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const events: { name: EventName; payload: unknown }[] = [];
  const harness: ServiceHarness = {
    dir,
    events,
    copyDest: null,
    services: createServices({
      info: { kind: 'browser', nativeOpenDialog: false, acceptsDroppedFiles: false },
      emit: <E extends EventName>(_owner: string, name: E, payload: Events[E]) => events.push({ name, payload }),
      chooseCopyPath: () => Promise.resolve(harness.copyDest),
    }),
    call: async <T>(name: string, ...args: unknown[]): Promise<T> => {
      const result = (await harness.services.dispatch(testOwner, name, args)) as Result<T>;
      if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
      return result.value;
    },
    dispose: () => {
      harness.services.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
