// Highlight rules in named sets (as klogg's highlighter sets): pick the set in use, add, change and
// remove its rules, add and delete sets, export them as JSON and import them back. Every change is
// saved in the settings at once and shows in the text view behind the dialog.
import { useEffect, useRef, useState, type ReactElement } from 'react';
import {
  DEFAULT_HIGHLIGHTS,
  MAX_HIGHLIGHT_SETS,
  exportHighlightSets,
  importHighlightSets,
  validateHighlightSettings,
  type HighlightRule,
  type HighlightSet,
  type HighlightSettings,
} from '../../../shared/highlight';
import { plural } from '../../format';
import { useAppStore } from '../../state/appStore';
import { messages } from '../../state/messages';

const newRule: HighlightRule = {
  pattern: '',
  regex: false,
  matchCase: false,
  color: '#e5534b',
  target: 'foreground',
  scope: 'line',
  enabled: true,
};

/** Saves `next` if it is valid; says why not otherwise. */
function save(next: HighlightSettings): boolean {
  const valid = validateHighlightSettings(next);
  if (!valid.ok) {
    messages.error(`Not saved: ${valid.message}`);
    return false;
  }
  useAppStore.getState().updateSettings({ highlights: valid.value });
  return true;
}

/** Sets from `imported` replace the sets of the same name; the others are added. */
export function mergeHighlights(current: HighlightSettings, imported: HighlightSettings): HighlightSettings {
  const names = new Set(imported.sets.map((set) => set.name));
  return { active: imported.active, sets: [...current.sets.filter((set) => !names.has(set.name)), ...imported.sets] };
}

/** A rule's options (regex, case, colour, text or background, whole line or match), for a rule or the new one. */
function RuleOptions({
  rule,
  onChange,
  labels,
}: {
  rule: HighlightRule;
  onChange: (rule: HighlightRule) => void;
  labels: { readonly color: string; readonly target: string; readonly scope: string };
}): ReactElement {
  return (
    <>
      <label className="check">
        <input
          type="checkbox"
          checked={rule.regex}
          onChange={(event) => onChange({ ...rule, regex: event.target.checked })}
        />
        regex
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={rule.matchCase}
          onChange={(event) => onChange({ ...rule, matchCase: event.target.checked })}
        />
        case
      </label>
      <input
        type="color"
        value={rule.color}
        aria-label={labels.color}
        onChange={(event) => onChange({ ...rule, color: event.target.value })}
      />
      <select
        value={rule.target}
        aria-label={labels.target}
        onChange={(event) =>
          onChange({ ...rule, target: event.target.value === 'background' ? 'background' : 'foreground' })
        }
      >
        <option value="foreground">text</option>
        <option value="background">background</option>
      </select>
      <select
        value={rule.scope}
        aria-label={labels.scope}
        onChange={(event) => onChange({ ...rule, scope: event.target.value === 'match' ? 'match' : 'line' })}
      >
        <option value="line">whole line</option>
        <option value="match">match only</option>
      </select>
    </>
  );
}

function RuleRow({
  rule,
  index,
  onChange,
  onRemove,
}: {
  rule: HighlightRule;
  index: number;
  onChange: (rule: HighlightRule) => void;
  onRemove: () => void;
}): ReactElement {
  const [pattern, setPattern] = useState(rule.pattern);
  useEffect(() => setPattern(rule.pattern), [rule.pattern]);
  return (
    <tr data-testid="highlight-rule" data-index={index}>
      <td>
        <input
          type="checkbox"
          checked={rule.enabled}
          aria-label={`Use highlight ${index + 1}`}
          onChange={(event) => onChange({ ...rule, enabled: event.target.checked })}
        />
      </td>
      <td>
        <input
          type="text"
          className="highlight-pattern"
          value={pattern}
          aria-label={`Pattern of highlight ${index + 1}`}
          spellCheck={false}
          onChange={(event) => setPattern(event.target.value)}
          onBlur={() => pattern !== rule.pattern && pattern !== '' && onChange({ ...rule, pattern })}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && pattern !== '') onChange({ ...rule, pattern });
          }}
        />
      </td>
      <td className="rule-options">
        <RuleOptions
          rule={rule}
          onChange={onChange}
          labels={{
            color: `Colour of highlight ${index + 1}`,
            target: `Text or background of highlight ${index + 1}`,
            scope: `Whole line or match of highlight ${index + 1}`,
          }}
        />
      </td>
      <td>
        <button type="button" className="icon" aria-label={`Remove highlight ${index + 1}`} onClick={onRemove}>
          ×
        </button>
      </td>
    </tr>
  );
}

export function HighlightsDialog(): ReactElement {
  const highlights = useAppStore((state) => state.settings.highlights);
  const box = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const newPattern = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState(newRule);
  const [setName, setSetName] = useState('');
  const close = (): void => useAppStore.getState().setOverlay(null);
  useEffect(() => box.current?.querySelector<HTMLElement>('select, input, button')?.focus(), []);
  const active = highlights.sets.find((set) => set.name === highlights.active) ?? highlights.sets[0]!;

  const withActive = (change: (set: HighlightSet) => HighlightSet): boolean =>
    save({
      ...highlights,
      sets: highlights.sets.map((set) => (set.name === active.name ? change(set) : set)),
    });
  const changeRule = (index: number, rule: HighlightRule): boolean =>
    withActive((set) => ({ ...set, rules: set.rules.map((old, at) => (at === index ? rule : old)) }));

  const exportSets = (): void => {
    const blob = new Blob([exportHighlightSets(highlights)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'hexlog-highlights.json';
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    messages.info(`Exported ${plural(highlights.sets.length, 'highlight set')} as hexlog-highlights.json.`);
  };

  const importSets = async (file: File): Promise<void> => {
    const imported = importHighlightSets(await file.text());
    if (!imported.ok) {
      messages.error(`${file.name} was not imported: ${imported.message}`);
      return;
    }
    const merged = mergeHighlights(highlights, imported.value);
    if (merged.sets.length > MAX_HIGHLIGHT_SETS) {
      messages.error(`${file.name} was not imported: it would make more than ${MAX_HIGHLIGHT_SETS} sets.`);
      return;
    }
    if (save(merged))
      messages.info(`Imported ${plural(imported.value.sets.length, 'highlight set')} from ${file.name}.`);
  };

  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div
        ref={box}
        className="key-sheet-dialog highlights-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Highlight rules"
        data-testid="highlights"
        onMouseDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            close();
          }
        }}
      >
        <div className="key-sheet-head">
          <h2>Highlight rules</h2>
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
        <div className="highlight-sets">
          <label>
            Set in use{' '}
            <select
              value={active.name}
              aria-label="Highlight set"
              onChange={(event) => save({ ...highlights, active: event.target.value })}
            >
              {highlights.sets.map((set) => (
                <option key={set.name} value={set.name}>
                  {set.name} ({plural(set.rules.length, 'rule')})
                </option>
              ))}
            </select>
          </label>
          <input
            type="text"
            value={setName}
            placeholder="New set name"
            aria-label="New set name"
            onChange={(event) => setSetName(event.target.value)}
          />
          <button
            type="button"
            disabled={setName.trim() === ''}
            onClick={() => {
              if (save({ active: setName.trim(), sets: [...highlights.sets, { name: setName.trim(), rules: [] }] }))
                setSetName('');
            }}
          >
            New set
          </button>
          <button
            type="button"
            disabled={highlights.sets.length <= 1}
            onClick={() => {
              const sets = highlights.sets.filter((set) => set.name !== active.name);
              save({ active: sets[0]!.name, sets });
            }}
          >
            Delete set
          </button>
          <span className="spacer" />
          <button type="button" onClick={exportSets}>
            Export…
          </button>
          <button type="button" onClick={() => fileInput.current?.click()}>
            Import…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            hidden
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file !== undefined) void importSets(file);
            }}
          />
          <button type="button" onClick={() => save(DEFAULT_HIGHLIGHTS)}>
            Reset
          </button>
        </div>
        <p className="highlight-help">
          Log levels (FATAL, ERROR, WARN, INFO, DEBUG in plain, bracketed, key=value, JSON and syslog layouts) are
          always coloured; the rules of the set in use colour lines or matches over them. Later line rules win; earlier
          match rules win.
        </p>
        <table className="highlight-table">
          <tbody>
            {active.rules.map((rule, index) => (
              <RuleRow
                key={index}
                rule={rule}
                index={index}
                onChange={(next) => changeRule(index, next)}
                onRemove={() => withActive((set) => ({ ...set, rules: set.rules.filter((_old, at) => at !== index) }))}
              />
            ))}
          </tbody>
        </table>
        <form
          className="highlight-new"
          onSubmit={(event) => {
            event.preventDefault();
            if (draft.pattern !== '' && withActive((set) => ({ ...set, rules: [...set.rules, draft] }))) {
              setDraft({ ...draft, pattern: '' });
              // The button goes disabled: the keyboard stays in the dialog, ready for the next pattern.
              newPattern.current?.focus();
            }
          }}
        >
          <input
            ref={newPattern}
            type="text"
            value={draft.pattern}
            placeholder="Pattern to colour"
            aria-label="Highlight pattern"
            spellCheck={false}
            onChange={(event) => setDraft({ ...draft, pattern: event.target.value })}
          />
          <RuleOptions
            rule={draft}
            onChange={setDraft}
            labels={{
              color: 'Highlight colour',
              target: 'Highlight text or background',
              scope: 'Highlight whole line or match',
            }}
          />
          <button type="submit" disabled={draft.pattern === ''}>
            Add highlight
          </button>
        </form>
      </div>
    </div>
  );
}
