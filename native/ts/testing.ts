// Test support: probes into the addon that production code has no reason to call.
import { loadBinding, loadedAddonFile } from './binding';
import { callNative, NativeError } from './errors';

export interface FaultGuardReport {
  readonly caughtOnCallingThread: boolean;
  readonly caughtOnOtherThread: boolean;
}

/** Test support only; production code has no reason to call these. */
export const nativeTesting = {
  /** The .node file this module loads (loading it if needed). */
  addonPath(): string {
    loadBinding();
    const file = loadedAddonFile();
    if (file === undefined) throw new NativeError('ENATIVE', 'ENATIVE: addon not loaded');
    return file;
  },
  /** Triggers a real SIGBUS on a truncated mapping under the guard, on two threads. */
  faultGuardSelfTest(): FaultGuardReport {
    const binding = loadBinding();
    return callNative(() => binding.__faultGuardSelfTest(), undefined);
  },
  /** Line-index worker threads alive in this process, over all indexes. */
  lineIndexWorkerThreads(): number {
    return loadBinding().__lineIndexWorkerThreads();
  },
  /** Search worker threads alive in this process, over all searches. */
  searchWorkerThreads(): number {
    return loadBinding().__searchWorkerThreads();
  },
  /** Timeline worker threads alive in this process, over all timelines. */
  timelineWorkerThreads(): number {
    return loadBinding().__timelineWorkerThreads();
  },
  /** Forces the search's scanning loop for the whole process ('auto': the best this CPU has). */
  setSearchKernel(kernel: 'auto' | 'sse2' | 'scalar'): void {
    const binding = loadBinding();
    callNative(() => binding.__setSearchKernel(kernel), undefined);
  },
  /**
   * false: openMapped skips the file-system type check (procfs, sysfs, ...) for the whole process,
   * so the check for a 0-byte file that reads data can be tried on a /proc file.
   */
  setFileSystemTypeCheck(enabled: boolean): void {
    const binding = loadBinding();
    callNative(() => binding.__setFileSystemTypeCheck(enabled), undefined);
  },
};
