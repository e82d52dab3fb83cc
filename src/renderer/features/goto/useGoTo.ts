// The state of a view's Ctrl+G input, shared by the text and hex views: open with an empty value,
// a refused target explained until the text changes, Enter goes and closes, Esc closes; either way
// the keyboard returns to the view.
import { useState } from 'react';
import type { Target } from './parseTarget';

export interface GoToInputProps {
  value: string;
  error: string | null;
  onChange(value: string): void;
  onSubmit(value: string): void;
  onClose(): void;
}

export interface GoTo {
  /** Opens the input (empty), or empties it when it is open. */
  open(): void;
  /** Props for <GoToInput>, or null while it is closed. */
  input: GoToInputProps | null;
}

export function useGoTo(parse: (text: string) => Target, go: (target: number) => void, focusView: () => void): GoTo {
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const open = (): void => {
    setValue('');
    setError(null);
  };
  if (value === null) return { open, input: null };
  return {
    open,
    input: {
      value,
      error,
      onChange: (text) => {
        setValue(text);
        setError(null);
      },
      onSubmit: (text) => {
        const target = parse(text);
        if (!target.ok) {
          setError(target.message);
          return;
        }
        setError(null);
        setValue(null);
        go(target.value);
        focusView();
      },
      onClose: () => {
        setValue(null);
        focusView();
      },
    },
  };
}
