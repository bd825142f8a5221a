import { errorMessage } from '@/lib/errors';
import { formatBytes, formatDuration, formatRate } from '@/lib/format';
import { hasSample, useSystemMetrics } from '../api/get-metrics';
import { Gauge } from './gauge';
import { Sparkline } from './sparkline';

/** The gateway's CPU and memory (gauges + 30-minute sparklines), load, uptime and interfaces. */
export function SystemPanel() {
  const metrics = useSystemMetrics();
  const data = metrics.data;

  return (
    <section className="page-section" aria-labelledby="system-heading">
      <div className="page-section__header">
        <h2 id="system-heading">System</h2>
      </div>
      {metrics.isPending ? (
        <div className="panel system-grid system-grid--loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading metrics…
        </div>
      ) : metrics.isError && !data ? (
        <div className="form-error" role="alert">
          Could not load the gateway’s metrics: {errorMessage(metrics.error)}
        </div>
      ) : !data || !hasSample(data) ? (
        <div className="panel panel--muted">
          <p>The gateway has not sampled its CPU and memory yet.</p>
        </div>
      ) : (
        <div className="system-grid">
          <div className="panel metric">
            <h3 className="metric__title">CPU</h3>
            <Gauge value={data.cpu_percent / 100} label="CPU usage" valueText={`${Math.round(data.cpu_percent)} percent`} />
            <Sparkline values={data.history.map((p) => p.cpu_percent)} times={data.history.map((p) => p.at)} max={100} />
            <p className="metric__note">
              Load {data.load_average.map((l) => l.toFixed(2)).join(' · ')}
            </p>
          </div>
          <div className="panel metric">
            <h3 className="metric__title">Memory</h3>
            <Gauge
              value={data.memory_total_bytes ? data.memory_used_bytes / data.memory_total_bytes : 0}
              label="Memory usage"
              valueText={`${formatBytes(data.memory_used_bytes)} of ${formatBytes(data.memory_total_bytes)} used`}
            />
            <Sparkline
              values={data.history.map((p) => p.memory_used_bytes)}
              times={data.history.map((p) => p.at)}
              max={data.memory_total_bytes || undefined}
            />
            <p className="metric__note">
              {formatBytes(data.memory_used_bytes)} of {formatBytes(data.memory_total_bytes)}
            </p>
          </div>
          <div className="panel metric metric--wide">
            <h3 className="metric__title">Gateway</h3>
            <dl className="facts facts--compact">
              <div className="fact">
                <dt>Uptime</dt>
                <dd>{formatDuration(data.uptime_secs)}</dd>
              </div>
              {data.interfaces.map((iface) => (
                <div className="fact" key={iface.name}>
                  <dt className="mono">{iface.name}</dt>
                  <dd className="traffic">
                    <span>↓ {formatRate(iface.rx_rate)}</span>
                    <span>↑ {formatRate(iface.tx_rate)}</span>
                  </dd>
                </div>
              ))}
            </dl>
            <p className="metric__note">CPU and memory sparklines: last 30 minutes.</p>
          </div>
        </div>
      )}
    </section>
  );
}
