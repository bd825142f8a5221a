import { useEffect, useId, useRef } from 'react';

/** Where a typed "/" is text, not the shortcut. */
const TYPING_TARGETS = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="alertdialog"]';

/** The client list's search box: "/" focuses it from anywhere on the page, Escape clears it. */
export function ClientSearch({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (event.target instanceof Element && event.target.closest(TYPING_TARGETS)) return;
      event.preventDefault();
      inputRef.current?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const clear = () => {
    onChange('');
    inputRef.current?.focus();
  };

  return (
    <div className="search">
      <label htmlFor={id} className="visually-hidden">
        Search clients
      </label>
      <svg className="search__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <circle cx="8.5" cy="8.5" r="5.5" />
        <path d="M13 13l4.5 4.5" />
      </svg>
      <input
        ref={inputRef}
        id={id}
        type="search"
        className="search__input"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && value) {
            event.preventDefault();
            onChange('');
          }
        }}
        placeholder="Name, subnet, IP, endpoint or key"
        aria-keyshortcuts="/"
        autoComplete="off"
        spellCheck={false}
      />
      {value ? (
        <button type="button" className="search__clear" onClick={clear} aria-label="Clear search">
          <span aria-hidden="true">×</span>
        </button>
      ) : (
        <kbd className="search__key" aria-hidden="true">
          /
        </kbd>
      )}
    </div>
  );
}
