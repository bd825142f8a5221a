import { CopyButton } from '@/components/copy-button';
import type { ClientDetail, RouteCommandSet } from '../api/types';

const PLATFORMS: { key: keyof RouteCommandSet; label: string }[] = [
  { key: 'linux', label: 'Linux' },
  { key: 'windows', label: 'Windows' },
  { key: 'macos', label: 'macOS' },
  { key: 'routeros', label: 'Router: MikroTik RouterOS' },
  { key: 'openwrt', label: 'Router: OpenWrt' },
];

/** What other LAN hosts run to reach the remote subnet(s) through the gateway, with copy buttons. */
export function RouteCommands({ detail }: { detail: ClientDetail }) {
  return (
    <div className="route-commands">
      {detail.lan && (
        <p className="field__hint">
          Hosts on the gateway’s LAN ({detail.lan.network}, gateway {detail.lan.address.split('/')[0]}
          {detail.lan.interface ? ` on ${detail.lan.interface}` : ''}) need a route to the remote subnet through the gateway — unless
          the gateway is their default router.
        </p>
      )}
      {detail.route_commands.length === 0 && <p className="notice">No route commands reported for this client.</p>}
      {detail.route_commands.map((routes) => (
        <div key={routes.subnet} className="route-commands__subnet">
          <h3 className="route-commands__title">
            Route to <span className="mono">{routes.subnet}</span>
          </h3>
          {routes.commands ? (
            <dl className="command-list">
              {PLATFORMS.map(({ key, label }) => (
                <div key={key} className="command">
                  <dt className="command__label">{label}</dt>
                  <dd className="command__body">
                    <pre className="code-block code-block--command">
                      <code>{routes.commands![key]}</code>
                    </pre>
                    <CopyButton text={routes.commands![key]} label={`${label} command for ${routes.subnet}`} />
                  </dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="notice">{routes.note ?? 'No route commands for this subnet.'}</p>
          )}
        </div>
      ))}
    </div>
  );
}
