import { useEffect, useId, useRef } from 'react';
import type { BulkItem, BulkRun } from '../api/bulk-operations';
import { BULK_WORDS, countClients, joinNames } from '../lib/bulk';

/** The outcome of a bulk action, client by client, as it runs; failures first once it is over. */
export function BulkResults({ run, onDismiss }: { run: BulkRun; onDismiss: () => void }) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const words = BULK_WORDS[run.action];
  const done = run.items.filter((i) => i.outcome === 'done').length;
  const failed = run.items.filter((i) => i.outcome === 'failed');
  const items = run.finished ? [...failed, ...run.items.filter((i) => i.outcome !== 'failed')] : run.items;

  // The confirmation that started the run is gone: the results take the focus (a new run remounts this).
  useEffect(() => headingRef.current?.focus(), []);

  const title = !run.finished
    ? `${words.running} ${countClients(run.items)}…`
    : done === 0
      ? `${words.running} ${countClients(run.items)} failed`
      : done === run.items.length
        ? `${words.done} ${countClients(run.items)}`
        : `${words.done} ${done} of ${run.items.length} clients`;
  const summary = run.finished
    ? failed.length
      ? `${failed.length} failed: ${joinNames(failed.map((i) => i.name))}.`
      : 'All succeeded.'
    : `${done + failed.length} of ${run.items.length} done.`;

  return (
    <section className="panel bulk-results" aria-labelledby={headingId}>
      <div className="bulk-results__header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="panel__title">
          {title}
        </h2>
        <button type="button" className="button button--secondary button--small" onClick={onDismiss} disabled={!run.finished}>
          Dismiss
        </button>
      </div>
      <p role="status" className={failed.length ? 'bulk-results__summary bulk-results__summary--failed' : 'bulk-results__summary'}>
        {summary}
      </p>
      {run.skipped.length > 0 && (
        <p className="notice">
          Skipped {run.skipped.length} {words.skipped}: {joinNames(run.skipped)}.
        </p>
      )}
      <ul className="bulk-results__list" tabIndex={0} aria-label="Result for each client">
        {items.map((item) => (
          <li key={item.id} className={`bulk-item bulk-item--${item.outcome}`}>
            <span className="bulk-item__name">{item.name}</span>
            <span className="bulk-item__outcome">{outcomeText(item, words)}</span>
            {item.detail && <pre className="bulk-item__detail">{item.detail}</pre>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function outcomeText(item: BulkItem, words: (typeof BULK_WORDS)[keyof typeof BULK_WORDS]): string {
  switch (item.outcome) {
    case 'waiting':
      return 'Waiting';
    case 'running':
      return `${words.running}…`;
    case 'done':
      return words.done;
    case 'failed':
      return 'Failed';
  }
}
