// "Hashes of selection": CRC32, MD5, SHA-1 and SHA-256 of the selected bytes (as shown, pending
// edits included), computed in the main process's worker threads with progress and cancel. Each
// value copies with a click.
import type { ReactElement } from 'react';
import { HASH_ALGOS, type HashAlgo, type HashStatus } from '../../../shared/contract';
import { Progress } from '../../components/Progress';
import { writeClipboard } from '../../clipboard';
import { formatSize, offsetText } from '../../format';
import { useFileStore } from '../../state/fileStore';
import { useHexTools, useHexToolsStoreApi } from '../../state/hexToolsStore';
import { messages } from '../../state/messages';
import { focusView } from '../../shell/viewCommands';

const algoNames: Record<HashAlgo, string> = { crc32: 'CRC32', md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256' };

function describe(status: HashStatus, base: 'hex' | 'dec'): string {
  const last = status.offset + status.length - 1;
  return status.length === 0
    ? 'no bytes'
    : `${offsetText(status.offset, base)} – ${offsetText(last, base)} (${formatSize(status.length)})`;
}

export function HashesPane(): ReactElement {
  const tools = useHexToolsStoreApi();
  const status = useHexTools((state) => state.hashes);
  const base = useFileStore((state) => state.offsetBase);
  const running = status !== null && !status.done;
  const percent = status === null || status.length === 0 ? 100 : Math.floor((status.bytesDone / status.length) * 100);
  const copy = (algo: HashAlgo, value: string): void =>
    void writeClipboard(value).then(
      () => messages.info(`Copied the ${algoNames[algo]} hash.`),
      () => messages.error('The clipboard refused the copy.'),
    );
  return (
    <section
      className="matches-pane hashes-pane"
      data-testid="hashes"
      data-done={status?.done === true ? 'true' : 'false'}
      aria-label="Hashes of the selection"
    >
      <header className="pane-header">
        <span>{status === null ? 'Hashes' : `Hashes of ${describe(status, base)}`}</span>
        {running && (
          <>
            <Progress label="Computing the hashes" percent={percent} />
            <span>{percent}%</span>
            <button type="button" onClick={() => void tools.getState().cancelHashes()}>
              Cancel
            </button>
          </>
        )}
        <button
          type="button"
          aria-label="Close the hashes pane"
          onClick={() => {
            if (running) void tools.getState().cancelHashes();
            tools.getState().setHashesOpen(false);
            focusView();
          }}
        >
          ×
        </button>
      </header>
      {status?.error != null && (
        <p className="matches-state" role="alert">
          {status.error.message}
        </p>
      )}
      {status?.cancelled === true && (
        <p className="matches-state" role="status">
          Cancelled at {percent}%.
        </p>
      )}
      {status !== null && status.error === null && !status.cancelled && (
        <dl className="hash-list">
          {HASH_ALGOS.filter((algo) => status.algos.includes(algo)).map((algo) => {
            const value = status.values[algo];
            return (
              <div key={algo} className="hash-row">
                <dt>{algoNames[algo]}</dt>
                <dd>
                  {value === undefined ? (
                    <span className="hash-pending">…</span>
                  ) : (
                    <>
                      <code data-testid="hash" data-algo={algo}>
                        {value}
                      </code>
                      <button
                        type="button"
                        aria-label={`Copy the ${algoNames[algo]} hash`}
                        onClick={() => copy(algo, value)}
                      >
                        Copy
                      </button>
                    </>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}
