// Plain words for alerts: how a delivery stands, what a test alert's answer means, how long a
// client may go without a handshake.

import type { Alert, AlertKind, AlertList } from '../api/types';

export const KIND_LABEL: Record<AlertKind, string> = { down: 'Down', up: 'Up', test: 'Test' };

const attemptsText = (n: number) => (n === 1 ? '1 attempt' : `${n} attempts`);

/** The delivery column: a word, what happened so far, and the last error while it matters. */
export function deliveryText(alert: Pick<Alert, 'delivery' | 'attempts' | 'last_error'>): {
  label: string;
  note: string | null;
  error: string | null;
} {
  const error = alert.last_error || null;
  switch (alert.delivery) {
    case 'sent':
      return { label: 'Sent', note: alert.attempts > 1 ? `after ${attemptsText(alert.attempts)}` : null, error: null };
    case 'pending':
      return alert.attempts === 0
        ? { label: 'Pending', note: 'not tried yet', error: null }
        : { label: 'Will retry', note: `${attemptsText(alert.attempts)} failed`, error };
    case 'failed':
      return { label: 'Failed', note: `gave up after ${attemptsText(alert.attempts)}`, error };
    case 'off':
      return { label: 'Not sent', note: 'no webhook configured', error: null };
  }
}

export type OutcomeTone = 'ok' | 'warn' | 'bad' | 'off';

/** What the answer of POST /api/alerts/test says (it was delivered at once). */
export function testOutcome(alert: Pick<Alert, 'delivery' | 'last_error'>): { tone: OutcomeTone; text: string } {
  const error = alert.last_error || 'the webhook did not accept it';
  switch (alert.delivery) {
    case 'sent':
      return { tone: 'ok', text: 'Test alert sent: the webhook accepted it.' };
    case 'pending':
      return { tone: 'warn', text: `Test alert not delivered yet, will retry: ${error}.` };
    case 'failed':
      return { tone: 'bad', text: `Test alert not sent: ${error}.` };
    case 'off':
      return { tone: 'off', text: 'Test alert not sent: no webhook is configured. It is listed below only.' };
  }
}

/** Where alerts go, in one sentence (without the webhook's address, which the server never tells). */
export function webhookText(list: Pick<AlertList, 'webhook_configured' | 'webhook_format'>): string {
  if (!list.webhook_configured) return 'No webhook configured: alerts are shown here only.';
  return `Alerts are sent to a webhook (${list.webhook_format === 'slack' ? 'Slack/Mattermost format' : 'JSON'}).`;
}

/** "90 s", "5 min", "2 h", "1 h 30 min": durations as the server writes them in alert reasons. */
export function formatSpan(totalSeconds: number): string {
  const secs = Math.max(0, Math.floor(totalSeconds));
  if (secs < 60) return `${secs} s`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min`;
  const hours = Math.floor(secs / 3600);
  const minutes = Math.floor((secs % 3600) / 60);
  return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
}
