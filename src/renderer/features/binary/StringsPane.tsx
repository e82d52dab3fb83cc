// The strings pane: runs of printable ASCII and UTF-16LE of at least N characters, as `strings -n N`
// finds them, in a virtualized list with their offsets. A click (or Enter) selects the string in
// the hex view; the arrow keys move through the list.
import { useCallback, useMemo, useState, useSyncExternalStore, type KeyboardEvent, type ReactElement } from 'react';
import {
  MAX_STRINGS_PER_PAGE,
  MIN_STRING_LENGTH_MAX,
  stringEncodingChoices,
  type StringEncodingChoice,
  type StringsPage,
} from '../../../shared/binaryTools';
import type { HexlogApi } from '../../../shared/contract';
import { ok, type Result } from '../../../shared/result';
import type { SessionId } from '../../../shared/units';
import { VirtualRows, type RowRenderProps } from '../../components/VirtualRows';
import { getApi } from '../../data/api';
import { PagedCache, rowBlockComplete, type RowBlock } from '../../data/pagedCache';
import { plural, rowHeightFor } from '../../format';
import { useAppStore } from '../../state/appStore';
import { useFileStore, useFileStoreApi } from '../../state/fileStore';
import { messages } from '../../state/messages';
import { focusView } from '../../shell/viewCommands';
import { selectRange } from './selectRange';
import { useBinaryStore, useBinaryStoreApi } from './binaryStore';
import './binary.css';

const BLOCK = Math.min(500, MAX_STRINGS_PER_PAGE);

interface FoundString {
  readonly offset: number;
  readonly length: number;
  readonly utf16: boolean;
  readonly text: string;
}

const encodingLabels: Record<StringEncodingChoice, string> = {
  ascii: 'ASCII',
  'utf-16le': 'UTF-16LE',
  both: 'ASCII and UTF-16LE',
};

class StringsCache extends PagedCache<RowBlock<FoundString>> {
  constructor(
    api: HexlogApi,
    session: SessionId,
    stringsId: number,
    private readonly known: () => number,
  ) {
    super({
      generation: stringsId,
      maxPages: 64,
      onError: messages.error,
      isCurrent: (block, index) => rowBlockComplete(block, index * BLOCK, BLOCK, known()),
      fetch: async (block): Promise<Result<RowBlock<FoundString>>> => {
        const knownAtRequest = known();
        const read: Result<StringsPage> = await api.readStrings(session, stringsId, block * BLOCK, BLOCK);
        if (!read.ok) return read;
        const page = read.value;
        const rows = page.texts.map((text, i) => ({
          offset: page.offsets[i]!,
          length: page.lengths[i]!,
          utf16: page.encodings[i] === 2,
          text,
        }));
        return ok({ rows, knownAtRequest });
      },
    });
  }

  row(index: number): FoundString | undefined {
    const block = Math.floor(index / BLOCK);
    return this.get(block)?.rows[index - block * BLOCK];
  }
}

interface StringRowProps {
  cache: StringsCache;
  selected: number;
  digits: number;
  version: number;
  onPick: (index: number) => void;
}

function StringRow({ index, style, ariaAttributes, cache, selected, digits, onPick }: RowRenderProps & StringRowProps) {
  const found = cache.row(index);
  return (
    <div
      {...ariaAttributes}
      className={`match-row string-row${index === selected ? ' current' : ''}`}
      style={{ ...style, width: 'auto', minWidth: '100%' }}
      data-string={found?.offset}
      data-length={found?.length}
      data-encoding={found === undefined ? undefined : found.utf16 ? 'utf-16le' : 'ascii'}
      data-current={index === selected ? 'true' : undefined}
      onClick={() => onPick(index)}
    >
      <span className="string-offset">
        {found === undefined ? ''.padStart(digits) : String(found.offset).padStart(digits)}
      </span>
      <span className="string-encoding">{found === undefined ? '' : found.utf16 ? 'U16' : 'A  '}</span>
      <span className="match-text">{found?.text ?? '…'}</span>
    </div>
  );
}

export function StringsPane(): ReactElement {
  const fontSize = useAppStore((state) => state.settings.fontSize);
  const session = useFileStore((state) => state.info.session);
  const size = useFileStore((state) => state.info.size);
  const fileStore = useFileStoreApi();
  const binary = useBinaryStoreApi();
  const status = useBinaryStore((state) => state.strings);
  const error = useBinaryStore((state) => state.stringsError);
  const minLength = useBinaryStore((state) => state.minLength);
  const encodings = useBinaryStore((state) => state.encodings);
  const [draftLength, setDraftLength] = useState(String(minLength));
  const [selected, setSelected] = useState(-1);
  const mapGeneration = useFileStore((state) => state.mapGeneration);
  const stale = useBinaryStore((state) => state.strings !== null && state.mapGenerations.strings !== mapGeneration);
  const known = stale ? 0 : (status?.stringsKnown ?? 0);
  const stringsId = status?.stringsId ?? -1;

  const cache = useMemo(
    () => new StringsCache(getApi(), session, stringsId, () => binary.getState().strings?.stringsKnown ?? 0),
    [session, stringsId, binary],
  );
  const version = useSyncExternalStore(cache.subscribe, cache.getVersion);

  const start = (): void => {
    const parsed = Number(draftLength.trim());
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > MIN_STRING_LENGTH_MAX) {
      messages.error(
        `The minimum length must be a whole number from 1 to ${MIN_STRING_LENGTH_MAX}, got “${draftLength}”.`,
      );
      return;
    }
    binary.getState().setStringOptions(parsed, binary.getState().encodings);
    setSelected(-1);
    void binary.getState().startStrings(session, fileStore.getState().mapGeneration);
  };

  const go = useCallback(
    (index: number, keepFocus: boolean) => {
      const found = cache.row(index);
      setSelected(index);
      if (found === undefined) return;
      selectRange(fileStore, found.offset, found.offset + Math.max(1, found.length) - 1);
      if (!keepFocus) focusView();
    },
    [cache, fileStore],
  );

  const rowProps = useMemo<StringRowProps>(
    () => ({ cache, selected, digits: String(Math.max(size, 1)).length, version, onPick: (index) => go(index, false) }),
    [cache, selected, size, version, go],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
    if (event.ctrlKey || event.metaKey || event.altKey || known === 0) return;
    const moves: Record<string, number> = {
      ArrowDown: selected + 1,
      ArrowUp: Math.max(0, selected - 1),
      PageDown: selected + 20,
      PageUp: Math.max(0, selected - 20),
      Home: 0,
      End: known - 1,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      go(Math.min(Math.max(0, target), known - 1), true);
    } else if (event.key === 'Enter' || event.key === 'Escape') {
      event.preventDefault();
      if (event.key === 'Enter' && selected >= 0) go(selected, false);
      else focusView();
    }
  };

  const running = status !== null && !status.done && !status.cancelled && status.error === null;
  const percent = status === null ? 0 : Math.floor((status.bytesScanned / Math.max(1, status.totalBytes)) * 100);
  return (
    <section
      className="matches-pane marks-pane binary-pane"
      data-testid="strings"
      data-keys="own"
      aria-label="Strings"
      aria-description="Arrow keys move through the strings and select each in the hex view; Enter goes to the hex view"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <header className="pane-header">
        <label>
          Minimum length
          <input
            type="number"
            min={1}
            max={MIN_STRING_LENGTH_MAX}
            value={draftLength}
            onChange={(event) => setDraftLength(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                start();
              }
            }}
          />
        </label>
        <label>
          Encoding
          <select
            value={encodings}
            onChange={(event) => {
              const value = stringEncodingChoices.find((choice) => choice === event.target.value) ?? 'both';
              binary.getState().setStringOptions(binary.getState().minLength, value);
            }}
          >
            {stringEncodingChoices.map((choice) => (
              <option key={choice} value={choice}>
                {encodingLabels[choice]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={start}>
          Find strings
        </button>
        {running && (
          <button type="button" onClick={() => void binary.getState().cancelStrings(session)}>
            Stop
          </button>
        )}
        <span
          data-testid="strings-count"
          data-count={known}
          data-done={status?.done === true ? 'true' : 'false'}
          role="status"
        >
          {status === null
            ? ''
            : `${plural(known, 'string')}${running ? ` · ${percent}%` : ''}${status.truncated ? ' (stopped at the limit)' : ''}${
                status.cancelled ? ' (stopped)' : ''
              }`}
        </span>
        <button
          type="button"
          aria-label="Close the strings pane"
          onClick={() => binary.getState().setStringsOpen(false)}
        >
          ×
        </button>
      </header>
      {stale ? (
        <p className="binary-note" role="status">
          The file changed on disk since these strings were found: press Find strings again.
        </p>
      ) : error !== null || status?.error != null ? (
        <p className="binary-note" role="alert">
          {error ?? status?.error?.message}
        </p>
      ) : status === null ? (
        <p className="binary-note" role="status">
          Finds runs of at least N printable characters (ASCII, and UTF-16LE: each followed by a zero byte), as strings
          -n N does. Choose N and press Find strings.
        </p>
      ) : known === 0 ? (
        <p className="binary-note" role="status">
          {running ? 'Looking for strings…' : `No strings of ${minLength} or more characters.`}
        </p>
      ) : (
        <VirtualRows
          key={stringsId}
          totalRows={known}
          rowHeight={rowHeightFor(fontSize)}
          rowComponent={StringRow}
          rowProps={rowProps}
          label="Strings"
        />
      )}
    </section>
  );
}
