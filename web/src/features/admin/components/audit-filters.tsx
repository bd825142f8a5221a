import { useId, useState, type FormEvent } from 'react';
import { useAuditFacets } from '../api/get-audit-facets';
import type { AuditFilter } from '../api/types';
import { fromLocalInput, toLocalInput } from '../lib/audit-params';

type Props = { filter: AuditFilter; onApply: (filter: AuditFilter) => void };

/** Actor and action (suggested from the recorded ones), target, and a time range. */
export function AuditFilters({ filter, onApply }: Props) {
  const ids = { actor: useId(), action: useId(), target: useId(), since: useId(), until: useId() };
  const facets = useAuditFacets().data;
  const [actor, setActor] = useState(filter.actor ?? '');
  const [action, setAction] = useState(filter.action ?? '');
  const [target, setTarget] = useState(filter.target ?? '');
  const [since, setSince] = useState(toLocalInput(filter.since));
  const [until, setUntil] = useState(toLocalInput(filter.until));
  const [rangeError, setRangeError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: AuditFilter = {
      actor: actor.trim() || undefined,
      action: action.trim() || undefined,
      target: target.trim() || undefined,
      since: fromLocalInput(since),
      until: fromLocalInput(until),
    };
    if (next.since !== undefined && next.until !== undefined && next.until <= next.since) {
      setRangeError('“Until” must be later than “From”.');
      return;
    }
    setRangeError(null);
    onApply(next);
  };

  return (
    <form className="panel audit-filters" onSubmit={submit} noValidate aria-label="Filter the audit log">
      <div className="audit-filters__grid">
        <div className="field">
          <label htmlFor={ids.actor}>Actor</label>
          <input id={ids.actor} name="actor" type="text" list={`${ids.actor}-list`} autoComplete="off" spellCheck={false} value={actor} onChange={(e) => setActor(e.target.value)} />
          <datalist id={`${ids.actor}-list`}>
            {facets?.actors.map((value) => <option key={value} value={value} />)}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.action}>Action</label>
          <input id={ids.action} name="action" type="text" list={`${ids.action}-list`} autoComplete="off" spellCheck={false} value={action} onChange={(e) => setAction(e.target.value)} />
          <datalist id={`${ids.action}-list`}>
            {facets?.actions.map((value) => <option key={value} value={value} />)}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.target}>Target</label>
          <input
            id={ids.target}
            name="target"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="client:3, user:alice"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.since}>From</label>
          <input id={ids.since} name="since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.until}>Until</label>
          <input
            id={ids.until}
            name="until"
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            aria-invalid={rangeError ? true : undefined}
            aria-describedby={rangeError ? `${ids.until}-error` : undefined}
          />
          {rangeError && (
            <p id={`${ids.until}-error`} className="field__error">
              {rangeError}
            </p>
          )}
        </div>
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary">
          Apply filters
        </button>
        <button type="button" className="button button--secondary" onClick={() => onApply({})}>
          Clear
        </button>
      </div>
    </form>
  );
}
