import { useCallback, useRef, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { NotFoundRoute } from '@/app/not-found-route';
import { ApiError } from '@/lib/api';
import { errorMessage } from '@/lib/errors';
import { formatAgo, formatBytes, formatDateTime, formatRate } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { usePageTitle } from '@/lib/use-page-title';
import { LiveIndicator } from '@/features/live/live-indicator';
import { useClientBusy } from '../api/client-operations';
import { useClient } from '../api/get-client';
import type { ClientDetail } from '../api/types';
import { LINK_LABEL, linkState, pingSummary, repairSentence } from '../lib/status';
import { ClientActions } from './client-actions';
import { ClientEditForm } from './client-edit-form';
import { ConfigReplace } from './config-replace';
import { ConfigDownload } from './config-download';
import { DailyTrafficChart } from './daily-traffic-chart';
import { PingChart, TrafficChart } from './client-charts';
import { CopyButton } from '@/components/copy-button';
import { PeerKey, SubnetList } from './peer-key';
import { ProbeHostEditor } from './probe-host-editor';
import { RouteCommands } from './route-commands';
import { StateBadge } from './state-badge';
import { SubnetEditor } from './subnet-editor';
import { WarningList } from './subnet-prompt';

/** The forms that change a client; one is open at a time. */
type Change = 'edit' | 'subnets' | 'replace';

export function ClientDetailRoute() {
  const params = useParams();
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) return <NotFoundRoute />;
  return <ClientDetailPage id={id} />;
}

function ClientDetailPage({ id }: { id: number }) {
  const query = useClient(id);
  usePageTitle(query.data?.name ?? 'Client');
  const navigate = useNavigate();
  const onDeleted = useCallback(() => navigate('/', { replace: true }), [navigate]);

  if (query.isPending) {
    return (
      <div className="page-loader" role="status">
        <span className="spinner" aria-hidden="true" /> Loading client…
      </div>
    );
  }
  if (query.isError && !query.data) {
    const gone = query.error instanceof ApiError && query.error.status === 404;
    return (
      <div className="page">
        <BackLink />
        <div className="form-error" role="alert">
          {gone ? 'This client does not exist (any more).' : `Could not load the client: ${errorMessage(query.error)}`}
        </div>
      </div>
    );
  }
  return <ClientDetailView detail={query.data} onDeleted={onDeleted} />;
}

function BackLink() {
  return (
    <Link to="/" className="back-link">
      <span aria-hidden="true">←</span> All clients
    </Link>
  );
}

function ClientDetailView({ detail, onDeleted }: { detail: ClientDetail; onDeleted: () => void }) {
  const now = useNow();
  const status = detail.status;
  const link = linkState(detail, now);
  const busy = useClientBusy(detail.id);
  const [open, setOpen] = useState<Change | null>(null);
  const openers = useRef<Partial<Record<Change, HTMLButtonElement | null>>>({});
  const close = () => {
    // Focus goes back to where the user started before the form (and its focused field) goes away.
    if (open) openers.current[open]?.focus();
    setOpen(null);
  };
  const opener = (change: Change, label: ReactNode, disabled = false) => (
    <button
      ref={(el) => {
        openers.current[change] = el;
      }}
      type="button"
      className="button button--secondary button--small"
      aria-expanded={open === change}
      disabled={disabled}
      onClick={() => setOpen(change)}
    >
      {label}
    </button>
  );
  const singlePeer = detail.peers.length === 1;

  return (
    <div className="page client-detail">
      <div className="detail-header">
        <BackLink />
        <div className="detail-header__main">
          <div className="detail-header__title">
            <h1>{detail.name}</h1>
            <StateBadge client={detail} now={now} />
            <div className="detail-header__changes">
              {opener(
                'edit',
                <>
                  Edit <span className="visually-hidden">name and notes</span>
                </>,
              )}
              {singlePeer && opener('subnets', 'Change subnets', busy)}
              {opener('replace', 'Replace config', busy)}
            </div>
          </div>
          <ClientActions client={detail} busy={busy} variant="page" onDeleted={onDeleted} />
        </div>
        <div className="detail-header__meta">
          <span>
            Interface <span className="mono">{detail.interface}</span>
          </span>
          <span>
            Subnet{' '}
            <span className="mono">
              <SubnetList subnets={detail.subnets} />
            </span>
          </span>
          <LiveIndicator />
        </div>
      </div>

      {open === 'edit' && <ClientEditForm client={detail} onClose={close} />}
      {open === 'subnets' && <SubnetEditor client={detail} onClose={close} />}
      {open === 'replace' && <ConfigReplace client={detail} onClose={close} />}

      {detail.state === 'failed' && detail.last_error && (
        <div className="form-error" role="alert">
          <p>
            <strong>The last operation failed.</strong> Fix the cause and activate again.
          </p>
          <pre className="code-block code-block--error">{detail.last_error}</pre>
        </div>
      )}

      <div className="detail-grid">
        <section className="panel" aria-labelledby="status-heading">
          <h2 id="status-heading" className="panel__title">
            Status
          </h2>
          <dl className="facts">
            <Fact label="Tunnel">
              {detail.state !== 'active' ? 'Down (client not active)' : status ? LINK_LABEL[link] || 'Up' : 'No status reported yet'}
              {link === 'down' && <> — {repairSentence(detail)}</>}
            </Fact>
            <Fact label="Last handshake">{status ? formatAgo(status.latest_handshake, now) : '—'}</Fact>
            <Fact label="Endpoint">
              <span className="mono">{status?.endpoint ?? detail.endpoint}</span>
            </Fact>
            <Fact label="Traffic now">
              {status ? (
                <span className="traffic">
                  <span>↓ {formatRate(status.rx_rate)}</span>
                  <span>↑ {formatRate(status.tx_rate)}</span>
                </span>
              ) : (
                '—'
              )}
            </Fact>
            <Fact label="Transferred">{status ? `${formatBytes(status.rx_bytes)} received, ${formatBytes(status.tx_bytes)} sent` : '—'}</Fact>
            <Fact label="Last ping">
              {detail.last_ping ? `${pingSummary(detail.last_ping)} (${formatAgo(detail.last_ping.at, now)})` : '—'}
            </Fact>
          </dl>
          {status?.peers && status.peers.length > 0 && <PeerTable detail={detail} peers={status.peers} now={now} />}
        </section>
        <section className="panel" aria-labelledby="settings-heading">
          <h2 id="settings-heading" className="panel__title">
            Settings
          </h2>
          <dl className="facts">
            <Fact label="Probe host">
              <ProbeHostEditor client={detail} />
            </Fact>
            <Fact label="This side's public key">
              {detail.public_key ? (
                <PeerKey value={detail.public_key} label="this side's public key" />
              ) : (
                'Unknown (the config file cannot be read)'
              )}
            </Fact>
            <Fact label={detail.peer_public_keys.length > 1 ? 'Peers' : 'Peer'}>
              {detail.peer_public_keys.map((key) => (
                <PeerKey key={key} value={key} label={`peer key ${key.slice(0, 8)}…`} />
              ))}
            </Fact>
            <Fact label="Config file">
              <span className="mono">{detail.conf_path}</span>
            </Fact>
            <Fact label="Uploaded">
              {formatDateTime(detail.created_at)} by {detail.created_by}
            </Fact>
            <Fact label="Notes">{detail.notes ? <span className="notes">{detail.notes}</span> : <span className="notice">None</span>}</Fact>
          </dl>
        </section>
      </div>

      <section className="panel" aria-labelledby="charts-heading">
        <h2 id="charts-heading" className="panel__title">
          Connectivity
        </h2>
        <div className="detail-grid">
          <PingChart clientId={detail.id} active={detail.state === 'active'} />
          <TrafficChart clientId={detail.id} />
        </div>
        <DailyTrafficChart clientId={detail.id} />
      </section>

      <section className="panel" aria-labelledby="routes-heading">
        <h2 id="routes-heading" className="panel__title">
          Route commands for LAN hosts
        </h2>
        <RouteCommands detail={detail} />
      </section>

      <section className="panel" aria-labelledby="warnings-heading">
        <h2 id="warnings-heading" className="panel__title">
          Validation warnings
        </h2>
        {detail.warnings.length ? <WarningList warnings={detail.warnings} /> : <p className="notice">The config was accepted without warnings.</p>}
      </section>

      <div className="detail-grid">
        <section className="panel" aria-labelledby="conf-heading">
          <h2 id="conf-heading" className="panel__title">
            Config <span className="panel__title-note">(private key redacted)</span>
          </h2>
          {detail.conf != null ? (
            <>
              <pre className="code-block" tabIndex={0} aria-label="Sanitized config">
                {detail.conf}
              </pre>
              <ConfigDownload client={detail} />
            </>
          ) : (
            <p className="form-error" role="alert">
              {detail.conf_error ?? 'The config cannot be shown.'}
            </p>
          )}
        </section>
        <section className="panel" aria-labelledby="rules-heading">
          <h2 id="rules-heading" className="panel__title">
            Firewall rules
            {detail.rules && detail.state !== 'active' && <span className="panel__title-note"> (would install when active)</span>}
          </h2>
          {detail.rules ? (
            <>
              {detail.state !== 'active' && (
                <p className="notice">Not installed: the client is not active. These rules are installed when it is activated.</p>
              )}
              <pre
                className="code-block"
                tabIndex={0}
                aria-label={detail.state === 'active' ? 'Applied firewall rules' : 'Firewall rules that would be installed when active'}
              >
                {detail.rules}
              </pre>
            </>
          ) : (
            <p className="notice">
              {detail.state === 'active' ? 'No rules reported for this client.' : 'No rules are applied while the client is not active.'}
            </p>
          )}
        </section>
      </div>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

type PeerStatus = NonNullable<NonNullable<ClientDetail['status']>['peers']>[number];

/** Each peer's own reading, for a config with several peers (a router export). */
function PeerTable({ detail, peers, now }: { detail: ClientDetail; peers: PeerStatus[]; now: number }) {
  return (
    <div className="peer-table-wrap" role="region" aria-label="Peers" tabIndex={0}>
      <table className="peer-table">
        <caption className="visually-hidden">Status of each peer</caption>
        <thead>
          <tr>
            <th scope="col">Peer</th>
            <th scope="col">Endpoint</th>
            <th scope="col">AllowedIPs</th>
            <th scope="col">Last handshake</th>
            <th scope="col">Received</th>
            <th scope="col">Sent</th>
          </tr>
        </thead>
        <tbody>
          {peers.map((peer) => {
            const config = detail.peers.find((p) => p.public_key === peer.public_key);
            return (
              <tr key={peer.public_key}>
                <td>
                  <span className="key-copy key-copy--short">
                    <span className="mono" title={peer.public_key}>
                      {shortKey(peer.public_key)}
                    </span>
                    <CopyButton text={peer.public_key} label={`peer key ${shortKey(peer.public_key)}`} />
                  </span>
                </td>
                <td className="mono">{peer.endpoint ?? config?.endpoint ?? '—'}</td>
                <td className="mono">{config ? <SubnetList subnets={config.allowed_ips} /> : '—'}</td>
                <td>{formatAgo(peer.latest_handshake, now)}</td>
                <td>{formatBytes(peer.rx_bytes)}</td>
                <td>{formatBytes(peer.tx_bytes)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** "hU3SB6Vq…yVZ5Xk=": enough of a key to tell peers apart. */
function shortKey(key: string): string {
  return key.length > 16 ? `${key.slice(0, 8)}…${key.slice(-6)}` : key;
}
