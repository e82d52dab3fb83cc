// The named record layouts kept in the settings: pick one, save the current layout under a name,
// delete the one picked.
import { useState, type ReactElement } from 'react';
import { MAX_RECORD_LAYOUT_NAME_CHARS, MAX_SAVED_RECORD_LAYOUTS } from '../../../shared/schema';
import { useAppStore } from '../../state/appStore';
import { messages } from '../../state/messages';

export function SavedLayouts({ current, onPick }: { current: string; onPick(layout: string): void }): ReactElement {
  const saved = useAppStore((state) => state.settings.recordLayouts);
  const updateSettings = useAppStore((state) => state.updateSettings);
  const [naming, setNaming] = useState<string | null>(null);
  const picked = saved.find((entry) => entry.layout === current)?.name ?? '';

  const save = (name: string): void => {
    const trimmed = name.trim();
    if (trimmed === '') return messages.error('Type a name for the layout.');
    if (trimmed.length > MAX_RECORD_LAYOUT_NAME_CHARS) {
      return messages.error(`A layout name has at most ${MAX_RECORD_LAYOUT_NAME_CHARS} characters.`);
    }
    const others = saved.filter((entry) => entry.name !== trimmed);
    if (others.length >= MAX_SAVED_RECORD_LAYOUTS) {
      return messages.error(`At most ${MAX_SAVED_RECORD_LAYOUTS} layouts are kept: delete one first.`);
    }
    const replaced = others.length !== saved.length;
    updateSettings({ recordLayouts: [...others, { name: trimmed, layout: current }] });
    messages.info(replaced ? `Replaced the saved layout "${trimmed}".` : `Saved the layout as "${trimmed}".`);
    setNaming(null);
  };

  const remove = (): void => {
    if (picked === '') return;
    updateSettings({ recordLayouts: saved.filter((entry) => entry.name !== picked) });
    messages.info(`Deleted the saved layout "${picked}".`);
  };

  return (
    <div className="saved-layouts">
      <select
        aria-label="Saved layouts"
        value={picked}
        onChange={(event) => {
          const entry = saved.find((item) => item.name === event.target.value);
          if (entry !== undefined) onPick(entry.layout);
        }}
      >
        <option value="" disabled>
          {saved.length === 0 ? 'No saved layouts' : 'Saved layouts…'}
        </option>
        {saved.map((entry) => (
          <option key={entry.name} value={entry.name} title={entry.layout}>
            {entry.name}
          </option>
        ))}
      </select>
      {naming === null ? (
        <button
          type="button"
          // The name input it opens keeps the keyboard (a click on a button otherwise gives it to the view).
          data-focus="keep"
          disabled={current === ''}
          title="Keep the applied layout under a name, for any file"
          onClick={() => setNaming('')}
        >
          Save layout as…
        </button>
      ) : (
        <form
          className="layout-name"
          data-focus="keep"
          onSubmit={(event) => {
            event.preventDefault();
            save(naming);
          }}
        >
          <input
            aria-label="Layout name"
            autoFocus
            maxLength={MAX_RECORD_LAYOUT_NAME_CHARS}
            value={naming}
            onChange={(event) => setNaming(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setNaming(null);
            }}
          />
          <button type="submit">Save</button>
        </form>
      )}
      <button type="button" disabled={picked === ''} onClick={remove} title="Delete the saved layout picked">
        Delete layout
      </button>
    </div>
  );
}
