// The small "go to" form both views open with Ctrl+G: Enter submits, Escape closes; a target it
// cannot go to is explained right under the input.
import type { ReactElement } from 'react';

interface Props {
  label: string;
  value: string;
  placeholder?: string;
  className?: string;
  /** Why the last target was refused, shown under the input until the text changes. */
  error?: string | null;
  hint?: string;
  onChange(value: string): void;
  onSubmit(value: string): void;
  onClose(): void;
}

export function GoToInput(props: Props): ReactElement {
  const { label, value, placeholder, className, error, hint, onChange, onSubmit, onClose } = props;
  return (
    <form
      className={`goto ${className ?? ''}`}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(value);
      }}
    >
      <label>
        {label}
        <input
          autoFocus
          aria-label={label}
          aria-invalid={error != null}
          placeholder={placeholder}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') onClose();
          }}
        />
      </label>
      {error != null ? (
        <span className="goto-error" role="alert">
          {error}
        </span>
      ) : hint !== undefined ? (
        <span className="goto-hint">{hint}</span>
      ) : null}
    </form>
  );
}
