import type { Client } from '../api/types';
import { LINK_LABEL, STATE_LABEL, linkState, repairSentence } from '../lib/status';

/** State (active / inactive / failed / needs subnet) and, for active clients, the tunnel's liveness. */
export function StateBadge({ client, now }: { client: Client; now: number }) {
  const link = linkState(client, now);
  const repair = link === 'down' ? repairSentence(client) : null;
  return (
    <span className="state">
      <span className={`badge badge--${client.state}`}>{STATE_LABEL[client.state]}</span>
      {link !== 'unknown' && (
        <span className={`link link--${link}`}>
          <span className="link__dot" aria-hidden="true" />
          {LINK_LABEL[link]}
        </span>
      )}
      {repair && <span className="cell-sub cell-sub--plain">{repair}</span>}
    </span>
  );
}

export function NeedsSubnetBadge() {
  return <span className="badge badge--needs_subnet">{STATE_LABEL.needs_subnet}</span>;
}
