// Ctrl+B: names a new bookmark of the selection (or edits one from the pane): a name, a colour and
// a note. Enter saves, Escape cancels, and the keyboard goes back to the hex view.
import { useState, type ReactElement } from 'react';
import { Modal } from '../../shell/Dialogs';
import { offsetText, plural } from '../../format';
import { useFileStore } from '../../state/fileStore';
import { BOOKMARK_COLORS, useHexTools, type BookmarkDraft } from '../../state/hexToolsStore';

const colorNames: Record<(typeof BOOKMARK_COLORS)[number], string> = {
  '#e5534b': 'Red',
  '#d4a72c': 'Yellow',
  '#57ab5a': 'Green',
  '#39c5cf': 'Cyan',
  '#539bf5': 'Blue',
  '#b083f0': 'Purple',
};

export function BookmarkDialog({ draft }: { draft: BookmarkDraft }): ReactElement {
  const setDraft = useHexTools((state) => state.setDraft);
  const saveDraft = useHexTools((state) => state.saveDraft);
  const base = useFileStore((state) => state.offsetBase);
  const [problem, setProblem] = useState<string | null>(null);
  const save = (): void => setProblem(saveDraft());
  const last = draft.offset + draft.length - 1;
  return (
    <Modal
      role="dialog"
      label={draft.editing === null ? 'New bookmark' : 'Edit bookmark'}
      onEscape={() => setDraft(null)}
    >
      <form
        className="bookmark-form"
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        <p>
          {draft.editing === null ? 'Bookmark' : 'Bookmark of'} {offsetText(draft.offset, base)}
          {draft.length > 1 ? ` – ${offsetText(last, base)}` : ''} ({plural(draft.length, 'byte')})
        </p>
        <label>
          Bookmark name
          <input
            type="text"
            value={draft.name}
            maxLength={200}
            aria-invalid={problem !== null ? true : undefined}
            onChange={(event) => setDraft({ ...draft, name: event.target.value })}
          />
        </label>
        <fieldset className="bookmark-colors">
          <legend>Colour</legend>
          {BOOKMARK_COLORS.map((color) => (
            <label key={color} className="swatch-choice" title={colorNames[color]}>
              <input
                type="radio"
                name="bookmark-color"
                value={color}
                checked={draft.color.toLowerCase() === color}
                aria-label={colorNames[color]}
                onChange={() => setDraft({ ...draft, color })}
              />
              <span className="swatch" style={{ background: color }} />
            </label>
          ))}
        </fieldset>
        <label>
          Note
          <input
            type="text"
            value={draft.note}
            maxLength={4000}
            placeholder="What these bytes are (optional)"
            onChange={(event) => setDraft({ ...draft, note: event.target.value })}
          />
        </label>
        {problem !== null && <p role="alert">{problem}</p>}
        <div className="dialog-buttons">
          <button type="submit" className="primary">
            {draft.editing === null ? 'Add bookmark' : 'Save bookmark'}
          </button>
          <button type="button" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
