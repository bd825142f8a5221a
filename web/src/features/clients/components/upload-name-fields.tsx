import { useEffect, useId, useRef, useState } from 'react';
import { fieldMessage } from '@/lib/errors';
import { useDebounced } from '@/lib/use-debounced';
import { useInterfaceSuggestion } from '../api/suggest-interface';

/** The interface name rule, as the gateway checks it. */
export function InterfaceRule() {
  return (
    <>
      1–15 letters, digits or <code>_ = . -</code>, not starting with <code>-</code>
    </>
  );
}

type Props = {
  name: string;
  onNameChange: (name: string) => void;
  /** The interface typed by the user; empty = derived from the name. */
  iface: string;
  onIfaceChange: (iface: string) => void;
  /** The name used when the field is left empty (the file name without `.conf`). */
  defaultName: string;
  nameError?: string;
  ifaceError?: string;
};

/**
 * The display name of an upload, with the interface name the gateway derives from it (asked for as
 * the name is typed) and an "Edit" that opens a field to choose the interface name instead.
 */
export function UploadNameFields({ name, onNameChange, iface, onIfaceChange, defaultName, nameError, ifaceError }: Props) {
  const ids = { name: useId(), iface: useId() };
  const editRef = useRef<HTMLButtonElement>(null);
  const ifaceRef = useRef<HTMLInputElement>(null);
  const [editing, setEditing] = useState(false);
  const overriding = editing || iface !== '' || Boolean(ifaceError);
  // Where focus goes once the field opens (into it) or closes (back to "Edit") at the user's request.
  const focusNext = useRef<'iface' | 'edit' | null>(null);

  const suggestion = useInterfaceSuggestion(useDebounced(name.trim() || defaultName, 250));
  const derived = suggestion.data?.interface;
  // A name the gateway refuses is said while typing, before any upload.
  const refused = fieldMessage(suggestion.error, 'name');
  const shownNameError = nameError ?? refused;
  const effective = iface.trim() || derived;

  useEffect(() => {
    if (focusNext.current === 'iface') ifaceRef.current?.focus();
    if (focusNext.current === 'edit') editRef.current?.focus();
    focusNext.current = null;
  }, [overriding]);

  return (
    <>
      <div className="field">
        <label htmlFor={ids.name}>Name</label>
        <input
          id={ids.name}
          name="name"
          type="text"
          autoComplete="off"
          placeholder={defaultName || 'such as the remote site’s name'}
          value={name}
          onChange={(e) => onNameChange(e.target.value)}
          aria-invalid={shownNameError ? true : undefined}
          aria-describedby={`${ids.name}-hint ${ids.name}-derived${shownNameError ? ` ${ids.name}-error` : ''}`}
        />
        <p id={`${ids.name}-hint`} className="field__hint">
          Any text, up to 64 characters{defaultName ? '; the file name when left empty' : ''}.
        </p>
        {shownNameError && (
          <p id={`${ids.name}-error`} className="field__error">
            {shownNameError}
          </p>
        )}
        <p className="derived-interface">
          <span id={`${ids.name}-derived`} aria-live="polite">
            {effective ? (
              <>
                Interface <code className="derived-interface__name">{effective}</code> ({iface.trim() ? 'chosen below' : 'derived from the name'})
              </>
            ) : (
              'The interface name is derived from the name.'
            )}
          </span>
          {!overriding && (
            <button
              ref={editRef}
              type="button"
              className="link-button"
              onClick={() => {
                focusNext.current = 'iface';
                setEditing(true);
              }}
            >
              Edit <span className="visually-hidden">interface name</span>
            </button>
          )}
        </p>
      </div>
      {overriding && (
        <div className="field">
          <label htmlFor={ids.iface}>Interface name</label>
          <input
            ref={ifaceRef}
            id={ids.iface}
            name="interface"
            type="text"
            className="mono"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={15}
            placeholder={derived}
            value={iface}
            onChange={(e) => onIfaceChange(e.target.value)}
            aria-invalid={ifaceError ? true : undefined}
            aria-describedby={`${ids.iface}-hint${ifaceError ? ` ${ids.iface}-error` : ''}`}
          />
          <p id={`${ids.iface}-hint`} className="field__hint">
            <InterfaceRule />; leave empty to derive it from the name.
          </p>
          {ifaceError && (
            <p id={`${ids.iface}-error`} className="field__error">
              {ifaceError}
            </p>
          )}
          <button
            type="button"
            className="link-button derived-interface__reset"
            onClick={() => {
              focusNext.current = 'edit';
              setEditing(false);
              onIfaceChange('');
            }}
          >
            Derive it from the name
          </button>
        </div>
      )}
    </>
  );
}
