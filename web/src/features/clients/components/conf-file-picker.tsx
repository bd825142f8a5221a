import { useId, useState, type DragEvent, type Ref } from 'react';
import { formatBytes } from '@/lib/format';

/** The server's limit for one config file. */
const MAX_BYTES = 64 * 1024;

type Props = {
  file: File | null;
  /** Why there is no file (too big, none chosen), shown under the picker. */
  error: string | null;
  /** A file was dropped or picked: the file, or null with the reason it cannot be used. */
  onChange: (file: File | null, error: string | null) => void;
  inputRef?: Ref<HTMLInputElement>;
};

/** Drop a wg-quick .conf here or pick it; a file over the server's limit is refused at once. */
export function ConfFilePicker({ file, error, onChange, inputRef }: Props) {
  const id = useId();
  const [dragging, setDragging] = useState(false);

  const choose = (chosen: File | undefined | null) => {
    if (!chosen) return;
    if (chosen.size > MAX_BYTES) {
      onChange(null, `${chosen.name} is ${formatBytes(chosen.size)}; a WireGuard config is at most 64 KiB.`);
      return;
    }
    onChange(chosen, null);
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files?.[0]);
  };

  return (
    <div
      className={`dropzone${dragging ? ' dropzone--active' : ''}${file ? ' dropzone--filled' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <svg className="dropzone__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 16V4m0 0-4 4m4-4 4 4M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3" />
      </svg>
      {file ? (
        <p className="dropzone__file">
          <strong>{file.name}</strong> <span className="dropzone__size">({formatBytes(file.size)})</span>
        </p>
      ) : (
        <p className="dropzone__text">Drag a .conf file here, or</p>
      )}
      <input
        ref={inputRef}
        id={id}
        className="visually-hidden"
        type="file"
        name="file"
        accept=".conf,text/plain"
        onChange={(e) => {
          choose(e.target.files?.[0]);
          e.target.value = '';
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <label htmlFor={id} className="button button--secondary button--small dropzone__choose">
        {file ? 'Choose another file' : 'Choose file'}
      </label>
      {error && (
        <p id={`${id}-error`} className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
