// The find bar (Ctrl+F): one row floating over the content's top right, as in VS Code. Text, regex
// or hex patterns as icon toggles, the match count with progress, next and previous, the matches
// pane, and a second row for same-length replace (Ctrl+H, or the chevron).
import { useEffect, useRef, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Progress } from '../../components/Progress';
import { useFindStore, useFindStoreApi } from '../../state/findStore';
import { useFileStore } from '../../state/fileStore';
import { focusView } from '../../shell/viewCommands';

export interface FindBarProps {
  /** Shows a match the find store just made current. */
  onReveal(offset: number, length: number): void;
}

/** Pause in typing after which a text or hex query runs. */
const AS_YOU_TYPE_DELAY_MS = 250;

/** Whether a hex pattern is whole bytes so far ("DE A" is still being typed). */
function completeHex(pattern: string): boolean {
  const digits = pattern
    .replace(/0x/gi, '')
    .replace(/[\s:,-]/g, '')
    .replace(/\?\?/g, '00');
  return digits.length > 0 && digits.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(digits);
}

export function FindBar({ onReveal }: FindBarProps): ReactElement | null {
  const find = useFindStore(
    useShallow((state) => ({
      open: state.open,
      pattern: state.pattern,
      mode: state.mode,
      matchCase: state.matchCase,
      wholeWord: state.wholeWord,
      replacement: state.replacement,
      status: state.status,
      problem: state.problem,
      current: state.current,
      paneOpen: state.paneOpen,
      replaceOpen: state.replaceOpen,
    })),
  );
  const findStore = useFindStoreApi();
  const actions = findStore.getState();
  // A merged view is read-only: no replace row.
  const merged = useFileStore((state) => state.info.merged !== undefined);
  const input = useRef<HTMLInputElement>(null);

  const focusRequest = useFindStore((state) => state.focusRequest);
  useEffect(() => {
    if (!find.open) return;
    input.current?.focus();
    input.current?.select();
  }, [find.open, focusRequest]);
  const close = (): void => {
    actions.setOpen(false);
    focusView();
  };

  // Text and hex patterns search as they are typed (after a pause); a regex waits for Enter.
  const { open, pattern, mode, matchCase, wholeWord } = find;
  useEffect(() => {
    if (!open || mode === 'regex') return;
    if (mode === 'hex' && !completeHex(pattern)) return;
    const timer = setTimeout(() => {
      if (findStore.getState().isCurrentQuery()) return;
      void findStore.getState().run();
    }, AS_YOU_TYPE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [open, pattern, mode, matchCase, wholeWord, findStore]);

  if (!find.open) return null;

  const go = async (direction: 1 | -1): Promise<void> => {
    const state = findStore.getState();
    const status = state.status;
    const sameQuery =
      status !== null &&
      status.query.pattern === state.pattern &&
      status.query.mode === state.mode &&
      status.query.matchCase === state.matchCase &&
      status.query.wholeWord === state.wholeWord;
    if (!sameQuery) {
      await state.run();
      // The first match shows as soon as the search has found it.
      for (let tries = 0; tries < 100; tries++) {
        const now = findStore.getState().status;
        if (now === null || now.matchCount > 0 || now.done || now.error !== null || now.cancelled) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const match = await findStore.getState().step(direction);
    if (match !== null) onReveal(match.offset, match.length);
  };

  const status = find.status;
  const percent =
    status === null || status.totalBytes === 0 ? 100 : Math.floor((status.bytesScanned / status.totalBytes) * 100);
  const running = status !== null && !status.done && !status.cancelled && status.error === null;

  return (
    <div
      className="find-bar"
      role="search"
      data-focus="keep"
      // Its buttons leave the keyboard where it was (in the query, typically).
      onMouseDown={(event) => {
        if ((event.target as HTMLElement).closest('button') !== null) event.preventDefault();
      }}
    >
      <div className="find-row">
        {!merged && (
          <Toggle
            label="Show replacing"
            text={find.replaceOpen ? '⌄' : '›'}
            title="Show the replace row (Ctrl+H)"
            pressed={find.replaceOpen}
            expands
            onClick={() => actions.setReplaceOpen(!find.replaceOpen)}
          />
        )}
        <input
          ref={input}
          aria-label="Find"
          placeholder={find.mode === 'hex' ? 'DE AD ?? EF' : find.mode === 'regex' ? 'regular expression' : 'Find'}
          value={find.pattern}
          onChange={(event) => actions.setPattern(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              void go(event.shiftKey ? -1 : 1);
            } else if (event.key === 'Escape') {
              event.preventDefault();
              if (running) void actions.cancel();
              else close();
            }
          }}
        />
        {[
          {
            label: 'Match case',
            text: 'Aa',
            title: 'Match case',
            pressed: find.matchCase,
            onClick: () => actions.toggleCase(),
            disabled: find.mode === 'hex',
          },
          {
            label: 'Whole word',
            text: 'ab',
            className: 'underline',
            title: 'Whole word',
            pressed: find.wholeWord,
            onClick: () => actions.toggleWholeWord(),
            disabled: find.mode === 'hex',
          },
          {
            label: 'Regex',
            text: '.*',
            title: 'Regular expression (PCRE2, as JavaScript reads it)',
            pressed: find.mode === 'regex',
            onClick: () => actions.setMode(find.mode === 'regex' ? 'text' : 'regex'),
          },
          {
            label: 'Hex bytes',
            text: '0x',
            title: 'Search for hex bytes (DE AD ?? EF)',
            pressed: find.mode === 'hex',
            onClick: () => actions.setMode(find.mode === 'hex' ? 'text' : 'hex'),
          },
        ].map((toggle) => (
          <Toggle key={toggle.label} {...toggle} />
        ))}
        <span
          className="match-count"
          data-testid={status === null ? undefined : 'match-count'}
          data-count={status?.matchCount}
          data-done={status === null ? undefined : status.done ? 'true' : 'false'}
          data-engine={status?.engine ?? undefined}
          title={
            status === null || status.engine === null
              ? undefined
              : `Regex engine: ${status.engine === 'pcre2' ? 'PCRE2 (native)' : 'JavaScript'}`
          }
        >
          {status === null
            ? find.mode === 'regex' && find.pattern !== ''
              ? 'Enter to search'
              : 'No results'
            : `${find.current !== null ? `${(find.current.index + 1).toLocaleString('en-US')} of ` : ''}${status.matchCount.toLocaleString('en-US')}${status.cancelled ? ' (cancelled)' : ''}`}
        </span>
        {running && <Progress label="Searching" percent={percent} />}
        {running && (
          <button
            type="button"
            className="icon"
            aria-label="Cancel search"
            title="Cancel the search (Escape)"
            onClick={() => void actions.cancel()}
          >
            <span aria-hidden="true">■</span>
          </button>
        )}
        <button
          type="button"
          className="icon"
          aria-label="Previous match"
          onClick={() => void go(-1)}
          title="Previous match (Shift+Enter, Shift+F3)"
        >
          <span aria-hidden="true">↑</span>
        </button>
        <button
          type="button"
          className="icon"
          aria-label="Next match"
          onClick={() => void go(1)}
          title="Next match (Enter, F3)"
        >
          <span aria-hidden="true">↓</span>
        </button>
        <Toggle
          label="Matches"
          text="☰"
          title="Show every match with its line"
          pressed={find.paneOpen}
          onClick={() => actions.togglePane()}
        />
        <button type="button" className="icon" aria-label="Close the search bar" title="Close (Escape)" onClick={close}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {find.replaceOpen && !merged && (
        <div className="find-row">
          <input
            aria-label="Replace"
            placeholder="Replace (same length)"
            value={find.replacement}
            onChange={(event) => actions.setReplacement(event.target.value)}
          />
          <button
            type="button"
            onClick={() => void actions.replace('current')}
            disabled={status === null || status.matchCount === 0}
          >
            Replace
          </button>
          <button
            type="button"
            onClick={() => void actions.replace('all')}
            disabled={status === null || !status.done || status.matchCount === 0}
          >
            Replace all
          </button>
        </div>
      )}
      {find.problem !== null && (
        <div className="find-message find-problem" role="alert">
          {find.problem}
        </div>
      )}
      {status?.notice != null && status.error === null && (
        <div className="find-message find-notice" data-testid="find-notice" role="status" title={status.notice}>
          ⚠ {status.notice}
        </div>
      )}
      {status?.error != null && (
        <div className="find-message find-problem" role="alert">
          {status.error.message}
        </div>
      )}
    </div>
  );
}

function Toggle(props: {
  label: string;
  /** Shown text when it differs from the accessible name. */
  text?: string;
  title?: string;
  className?: string;
  pressed: boolean;
  /** A disclosure (aria-expanded) rather than an on/off switch. */
  expands?: boolean;
  onClick: () => void;
  disabled?: boolean;
}): ReactElement {
  return (
    <button
      type="button"
      className={`icon toggle${props.className === undefined ? '' : ` ${props.className}`}`}
      aria-label={props.label}
      // The glyph is drawn by CSS, so that it is not read as (or checked against) the button's name.
      data-icon={props.text}
      aria-pressed={props.expands === true ? undefined : props.pressed}
      aria-expanded={props.expands === true ? props.pressed : undefined}
      title={props.title}
      onClick={props.onClick}
      disabled={props.disabled}
    >
      {props.text === undefined ? props.label : null}
    </button>
  );
}
