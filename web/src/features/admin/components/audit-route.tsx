import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { errorMessage } from '@/lib/errors';
import { usePageTitle } from '@/lib/use-page-title';
import { useAudit } from '../api/get-audit';
import type { AuditFilter } from '../api/types';
import { filterFromParams, paramsFromFilter } from '../lib/audit-params';
import { AuditFilters } from './audit-filters';
import { AuditTable } from './audit-table';

export function AuditRoute() {
  usePageTitle('Audit log');
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filter = useMemo(() => filterFromParams(new URLSearchParams(search)), [search]);
  const filtered = Object.keys(filter).length > 0;
  const audit = useAudit(filter);
  const events = useMemo(() => audit.data?.pages.flat() ?? [], [audit.data]);
  const apply = (next: AuditFilter) => setParams(paramsFromFilter(next));

  return (
    <section className="page-section" aria-labelledby="audit-heading">
      <h1 id="audit-heading">Audit log</h1>
      {/* Keyed by the URL: back, forward and Clear put the form in line with it. */}
      <AuditFilters key={search} filter={filter} onApply={apply} />

      {audit.isPending && (
        <div className="panel admin-placeholder" role="status">
          <span className="spinner" aria-hidden="true" /> Loading the audit log…
        </div>
      )}
      {audit.isError && !audit.data && (
        <div className="form-error" role="alert">
          Could not load the audit log: {errorMessage(audit.error)}
        </div>
      )}
      {audit.isSuccess && events.length === 0 && (
        <div className="empty-state">
          <p className="empty-state__title">{filtered ? 'No events match these filters.' : 'Nothing has been recorded yet.'}</p>
          {filtered && (
            <button type="button" className="button button--secondary" onClick={() => apply({})}>
              Clear the filters
            </button>
          )}
        </div>
      )}

      {events.length > 0 && (
        <>
          <AuditTable events={events} />
          <div className="audit-more">
            <p className="notice" role="status">
              {events.length === 1 ? '1 event' : `${events.length} events`}, newest first
              {audit.hasNextPage ? '.' : ': that is all.'}
            </p>
            {audit.hasNextPage && (
              <button type="button" className="button button--secondary" onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>
                {audit.isFetchingNextPage && <span className="spinner spinner--small" aria-hidden="true" />}
                {audit.isFetchingNextPage ? 'Loading…' : 'Load older events'}
              </button>
            )}
            {audit.isFetchNextPageError && (
              <p className="field__error" role="alert">
                Could not load older events: {errorMessage(audit.error)}
              </p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
