// The small "go to" form both views open with Ctrl+G: Enter submits, Escape closes.
import type { ReactElement } from 'react';

interface Props {
  label: string;
  value: string;
  placeholder?: string;
  className?: string;
  onChange(value: string): void;
  onSubmit(value: string): void;
  onClose(): void;
}

export function GoToInput({ label, value, placeholder, className, onChange, onSubmit, onClose }: Props): ReactElement {
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
          placeholder={placeholder}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') onClose();
          }}
        />
      </label>
    </form>
  );
}
