import { useState } from 'react';

/** Copies a value to the clipboard, and says whether it did (a browser may refuse: then copy by hand). */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'refused'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('refused');
    }
  }
  return (
    <>
      <button type="button" className="button button-small" onClick={() => void copy()}>
        {label}
      </button>
      <span className="field-hint" aria-live="polite">
        {state === 'copied'
          ? 'Copied.'
          : state === 'refused'
            ? 'The browser refused: select it and copy.'
            : ''}
      </span>
    </>
  );
}
