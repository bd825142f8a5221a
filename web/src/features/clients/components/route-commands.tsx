import { CopyButton } from '@/components/copy-button';
import type { ClientDetail, Lan } from '../api/types';
import type { components } from '@/lib/api-schema';

type Platform = keyof components['schemas']['RouteCommands'];

const PLATFORMS: { key: Platform; label: string }[] = [
  { key: 'linux', label: 'Linux' },
  { key: 'windows', label: 'Windows' },
  { key: 'macos', label: 'macOS' },
  { key: 'routeros', label: 'Router: MikroTik RouterOS' },
  { key: 'openwrt', label: 'Router: OpenWrt' },
];

/** What other LAN hosts run to reach the remote subnet(s) through the gateway, with copy buttons. */
export function RouteCommands({ detail }: { detail: ClientDetail }) {
  // Several subnets with the server's script of them all: one "Copy all" per platform instead of a
  // copy button per subnet and platform.
  const script = detail.route_commands.length > 1 ? detail.route_script : null;
  return (
    <div className="route-commands">
      {detail.lan && (
        <p className="field__hint">
          Hosts on the gateway’s LAN ({lanText(detail.lan)}) need a route to the remote subnet through the gateway — unless the
          gateway is their default router.
        </p>
      )}
      {detail.route_commands.length === 0 && <p className="notice">No route commands reported for this client.</p>}
      {script && (
        <div className="route-commands__subnet">
          <h3 className="route-commands__title">All {detail.route_commands.length} subnets</h3>
          <dl className="command-list">
            {PLATFORMS.map(({ key, label }) => (
              <div key={key} className="command">
                <dt className="command__label">{label}</dt>
                <dd className="command__body">
                  <pre className="code-block code-block--command">
                    <code>{script[key]}</code>
                  </pre>
                  <CopyButton text={script[key]} label={`all ${label} commands`} />
                </dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      {detail.route_commands.map(({ subnet, commands, note }) => (
        <div key={subnet} className="route-commands__subnet">
          <h3 className="route-commands__title">
            Route to <span className="mono">{subnet}</span>
          </h3>
          {commands ? (
            <dl className="command-list">
              {PLATFORMS.map(({ key, label }) => (
                <div key={key} className="command">
                  <dt className="command__label">{label}</dt>
                  <dd className="command__body">
                    <pre className="code-block code-block--command">
                      <code>{commands[key]}</code>
                    </pre>
                    {!script && <CopyButton text={commands[key]} label={`${label} command for ${subnet}`} />}
                  </dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="notice">{note ?? 'No route commands for this subnet.'}</p>
          )}
        </div>
      ))}
    </div>
  );
}

/** "10.201.0.0/24, gateway 10.201.0.1 on eth0": the network and interface only when known. */
function lanText(lan: Lan): string {
  const gateway = `gateway ${lan.address.split('/')[0]}${lan.interface ? ` on ${lan.interface}` : ''}`;
  return lan.network ? `${lan.network}, ${gateway}` : gateway;
}
