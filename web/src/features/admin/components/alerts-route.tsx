import { actionErrorMessage, errorMessage } from '@/lib/errors';
import { usePageTitle } from '@/lib/use-page-title';
import { ALERTS_LIMIT, useAlerts } from '../api/get-alerts';
import { useSendTestAlert } from '../api/test-alert';
import { formatSpan, testOutcome, webhookText } from '../lib/alert-text';
import { AlertTable } from './alert-table';

export function AlertsRoute() {
  usePageTitle('Alerts');
  const alerts = useAlerts();
  const test = useSendTestAlert();
  const list = alerts.data;
  const outcome = test.data && testOutcome(test.data);

  return (
    <section className="page-section" aria-labelledby="alerts-heading">
      <div className="page-section__header">
        <h1 id="alerts-heading">Alerts</h1>
        <button type="button" className="button button--primary" onClick={() => test.mutate()} disabled={test.isPending}>
          {test.isPending && <span className="spinner spinner--small spinner--on-primary" aria-hidden="true" />}
          {test.isPending ? 'Sending…' : 'Send test alert'}
        </button>
      </div>

      {outcome && !test.isPending && (
        <p className={`alert-outcome alert-outcome--${outcome.tone}`} role="status">
          {outcome.text}
        </p>
      )}
      {test.isError && !test.isPending && (
        <p className="form-error" role="alert">
          Could not send a test alert: {actionErrorMessage(test.error)}
        </p>
      )}

      {list && (
        <div className="panel alerts-config">
          <p>
            {webhookText(list)}
            {!list.webhook_configured && (
              <>
                {' '}
                Set <code>PEERGATE_ALERT_WEBHOOK_URL</code> on the gateway to have them posted to Slack, Mattermost
                (with <code>PEERGATE_ALERT_WEBHOOK_FORMAT=slack</code>) or any endpoint that takes JSON.
              </>
            )}
          </p>
          <p className="notice">
            An active client counts as down after {formatSpan(list.down_after_secs)} without a handshake, or as soon as its
            interface is gone or its probe host stops answering; an “up” alert follows when it is back.
          </p>
        </div>
      )}

      {alerts.isPending && (
        <div className="panel admin-placeholder" role="status">
          <span className="spinner" aria-hidden="true" /> Loading alerts…
        </div>
      )}
      {alerts.isError && !list && (
        <div className="form-error" role="alert">
          Could not load the alerts: {errorMessage(alerts.error)}
        </div>
      )}
      {list?.alerts.length === 0 && (
        <div className="empty-state">
          <p className="empty-state__title">No alerts yet.</p>
          <p className="empty-state__text">
            When an active client goes down or comes back, it is listed here
            {list.webhook_configured ? ' and posted to the webhook' : ''}. “Send test alert” shows what an alert looks like.
          </p>
        </div>
      )}
      {list && list.alerts.length > 0 && (
        <>
          <AlertTable alerts={list.alerts} />
          <p className="notice">
            {list.alerts.length === 1 ? '1 alert' : `${list.alerts.length} alerts`}, newest first
            {list.alerts.length >= ALERTS_LIMIT ? `: the newest ${ALERTS_LIMIT} are shown.` : '.'}
          </p>
        </>
      )}
    </section>
  );
}
