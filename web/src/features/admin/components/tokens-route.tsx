import { useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { formatAgo, formatDateTime } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { usePageTitle } from '@/lib/use-page-title';
import { useTokens } from '../api/get-tokens';
import type { TokenInfo } from '../api/types';
import { TokenCreateDialog } from './token-create-dialog';
import { TokenRevoke } from './token-revoke';

type TokenStatus = 'live' | 'expired' | 'revoked';

const STATUS_LABEL: Record<TokenStatus, string> = { live: 'Live', expired: 'Expired', revoked: 'Revoked' };

function tokenStatus(token: TokenInfo, nowSecs: number): TokenStatus {
  if (token.revoked_at != null) return 'revoked';
  if (token.expires_at != null && token.expires_at <= nowSecs) return 'expired';
  return 'live';
}

export function TokensRoute() {
  usePageTitle('API tokens');
  const tokens = useTokens();
  const now = useNow();
  const [creating, setCreating] = useState(false);

  return (
    <section className="page-section" aria-labelledby="tokens-heading">
      <div className="page-section__header">
        <h1 id="tokens-heading">API tokens</h1>
        <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
          Create token
        </button>
      </div>
      <p className="notice">
        Scripts send a token as <code>Authorization: Bearer …</code> and act with the role of its user.
      </p>

      {creating && <TokenCreateDialog onClose={() => setCreating(false)} />}

      {tokens.isPending && (
        <div className="panel admin-placeholder" role="status">
          <span className="spinner" aria-hidden="true" /> Loading API tokens…
        </div>
      )}
      {tokens.isError && !tokens.data && (
        <div className="form-error" role="alert">
          Could not load the API tokens: {errorMessage(tokens.error)}
        </div>
      )}
      {tokens.data?.length === 0 && (
        <div className="empty-state">
          <p className="empty-state__title">No API tokens yet.</p>
          <p className="empty-state__text">Create one for each script or system that calls the gateway’s API, so each can be revoked alone.</p>
        </div>
      )}

      {tokens.data && tokens.data.length > 0 && (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <caption className="visually-hidden">API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">User</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => {
                const status = tokenStatus(token, now / 1000);
                return (
                  <tr key={token.id}>
                    <th scope="row" className="admin-table__key">
                      {token.name}
                    </th>
                    <td data-label="User">{token.username}</td>
                    <td data-label="Created">{formatDateTime(token.created_at)}</td>
                    <td data-label="Expires">{token.expires_at != null ? formatDateTime(token.expires_at) : 'Never'}</td>
                    <td data-label="Last used">
                      {token.last_used_at != null ? <span title={formatDateTime(token.last_used_at)}>{formatAgo(token.last_used_at, now)}</span> : 'Never'}
                    </td>
                    <td data-label="Status">
                      <span className={`badge badge--${status}`}>{STATUS_LABEL[status]}</span>
                      {status === 'revoked' && token.revoked_at != null && <span className="cell-note">{formatDateTime(token.revoked_at)}</span>}
                    </td>
                    <td className="admin-table__actions">{status === 'live' && <TokenRevoke token={token} />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
