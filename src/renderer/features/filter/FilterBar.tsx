// The filtered view's rules, above the text: an editor for a new rule (pattern, exclude, regex,
// match case), the rules as chips that switch on and off or go, context lines, and how many lines
// show. Enter in the pattern adds the rule.
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { MAX_FILTER_CONTEXT, type FilterRule } from '../../../shared/contract';
import { plural } from '../../format';
import { formatTime } from '../../../shared/time';
import { useFileStore } from '../../state/fileStore';
import { useLogStore, useLogStoreApi } from '../../state/logStore';
import { focusView } from '../../shell/viewCommands';
import { runCommand } from '../../shell/commands';

function RuleChip({ rule, index }: { rule: FilterRule; index: number }): ReactElement {
  const log = useLogStoreApi();
  const kind = rule.exclude ? 'hide' : 'keep';
  const flags = [rule.regex ? 'regex' : null, rule.matchCase ? 'case' : null].filter((flag) => flag !== null);
  return (
    <li
      className={`rule-chip ${kind}${rule.enabled ? '' : ' off'}`}
      data-testid="filter-rule"
      data-exclude={rule.exclude ? 'true' : 'false'}
      data-enabled={rule.enabled ? 'true' : 'false'}
    >
      <input
        type="checkbox"
        checked={rule.enabled}
        aria-label={`Apply rule ${index + 1}`}
        title={rule.enabled ? 'Applied: click to switch it off' : 'Off: click to apply it'}
        onChange={(event) => void log.getState().updateRule(index, { enabled: event.target.checked })}
      />
      <span className="rule-kind">{kind}</span>
      <code className="rule-pattern">{rule.pattern}</code>
      {flags.length > 0 && <span className="rule-flags">{flags.join(' · ')}</span>}
      <button
        type="button"
        className="icon"
        aria-label={`Remove rule ${index + 1}`}
        title="Remove this rule"
        onClick={() => void log.getState().removeRule(index)}
      >
        ×
      </button>
    </li>
  );
}

function Toggle(props: { label: string; title: string; pressed: boolean; onToggle: () => void; text: string }) {
  return (
    <button
      type="button"
      className="toggle"
      aria-label={props.label}
      aria-pressed={props.pressed}
      title={props.title}
      onClick={props.onToggle}
    >
      {props.text}
    </button>
  );
}

export function FilterBar(): ReactElement {
  const log = useLogStoreApi();
  const spec = useLogStore((state) => state.spec);
  const status = useLogStore((state) => state.status);
  const problem = useLogStore((state) => state.problem);
  const pending = useLogStore((state) => state.pending);
  const totalLines = useFileStore((state) => state.index?.linesKnown ?? 0);
  const indexDone = useFileStore((state) => state.index?.done === true);
  const [pattern, setPattern] = useState('');
  const input = useRef<HTMLInputElement>(null);
  // Shown with no rule yet: the keyboard goes to the pattern (after the click that opened it settles).
  useEffect(() => {
    if (log.getState().spec.rules.length > 0) return;
    // The click's own handler gives the view the keyboard on the next frame: this frame comes after it.
    let frame = 0;
    const timer = setTimeout(() => {
      frame = requestAnimationFrame(() => input.current?.focus());
    }, 0);
    return () => {
      clearTimeout(timer);
      cancelAnimationFrame(frame);
    };
  }, [log]);
  const [exclude, setExclude] = useState(false);
  const [regex, setRegex] = useState(false);
  const [matchCase, setMatchCase] = useState(false);

  const add = async (): Promise<void> => {
    if (pattern === '') return;
    if (await log.getState().addRule({ pattern, exclude, regex, matchCase, enabled: true })) setPattern('');
  };

  const active = status?.active === true;
  const running = active && status !== null && !status.done && status.error === null;
  const shown = active ? (status?.rowsKnown ?? 0) : totalLines;
  const finished = !pending && (active ? status?.done === true : indexDone);
  const percent =
    status !== null && status.totalBytes > 0 ? Math.floor((100 * status.bytesScanned) / status.totalBytes) : 0;

  return (
    <section className="filter-bar" data-testid="filter-rules" data-focus="keep" aria-label="Filter rules">
      <div className="filter-editor">
        <input
          ref={input}
          type="text"
          className="filter-input"
          aria-label="Filter pattern"
          placeholder={exclude ? 'Hide lines matching…' : 'Keep lines matching…'}
          value={pattern}
          spellCheck={false}
          onChange={(event) => setPattern(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              void add();
            } else if (event.key === 'Escape') {
              event.preventDefault();
              focusView();
            }
          }}
        />
        <Toggle
          label="Exclude"
          title="Hide the lines that match (off: keep them)"
          pressed={exclude}
          onToggle={() => setExclude(!exclude)}
          text="Exclude"
        />
        <Toggle
          label="Regex"
          title="The pattern is a regular expression"
          pressed={regex}
          onToggle={() => setRegex(!regex)}
          text=".*"
        />
        <Toggle
          label="Match case"
          title="Upper and lower case differ"
          pressed={matchCase}
          onToggle={() => setMatchCase(!matchCase)}
          text="Aa"
        />
        <button type="button" onClick={() => void add()} disabled={pattern === ''}>
          Add rule
        </button>
        <label className="context-lines" title="Lines shown around each kept line, as grep -C">
          Context
          <input
            type="number"
            min={0}
            max={MAX_FILTER_CONTEXT}
            value={spec.context}
            aria-label="Context lines"
            onChange={(event) => void log.getState().setContext(Number(event.target.value) || 0)}
          />
        </label>
        <span
          className="filtered-count"
          data-testid="filtered-count"
          data-lines={finished ? shown : undefined}
          data-done={finished ? 'true' : 'false'}
          role="status"
        >
          {active
            ? `${plural(shown, 'line')} shown${finished ? ` of ${totalLines.toLocaleString('en-US')}` : '…'}`
            : spec.rules.length === 0
              ? 'No rules yet: every line shows (a range dragged on the timeline can be a rule too)'
              : 'Every rule is off: every line shows'}
        </span>
        {active && finished && (
          <button
            type="button"
            onClick={() => runCommand('file.exportFiltered')}
            title="Write the shown lines to a new file"
          >
            Export…
          </button>
        )}
        {running && (
          <span
            className="filter-progress"
            role="progressbar"
            aria-label="Filtering"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
          >
            {percent}%
          </span>
        )}
      </div>
      {(spec.rules.length > 0 || spec.time !== undefined) && (
        <ul className="rule-list" aria-label="Rules">
          {spec.rules.map((rule, index) => (
            <RuleChip key={index} rule={rule} index={index} />
          ))}
          {spec.time !== undefined && (
            <li
              className="rule-chip keep"
              data-testid="filter-time"
              data-from-ms={spec.time.fromMs}
              data-to-ms={spec.time.toMs}
            >
              <span className="rule-kind">time</span>
              <code className="rule-pattern">
                {formatTime(spec.time.fromMs)} – {formatTime(spec.time.toMs)}
              </code>
              <button
                type="button"
                className="icon"
                aria-label="Remove the time range"
                title="Remove the time range"
                onClick={() => void log.getState().applySpec({ rules: spec.rules, context: spec.context })}
              >
                ×
              </button>
            </li>
          )}
        </ul>
      )}
      {problem !== null && (
        <p className="filter-problem" role="alert">
          {problem}
        </p>
      )}
      {status?.error != null && (
        <p className="filter-problem" role="alert">
          The filter stopped: {status.error.message}
        </p>
      )}
      {status?.notice != null && <p className="filter-notice">{status.notice}</p>}
    </section>
  );
}
