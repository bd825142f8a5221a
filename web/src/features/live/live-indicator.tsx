import { useLiveState } from '@/features/clients/api/use-live-interval';

const LABEL = {
  live: 'Live',
  connecting: 'Connecting…',
  down: 'Live updates unavailable — refreshing every 5 s',
} as const;

/** Says whether the page is updated by the event stream or by polling. */
export function LiveIndicator() {
  const state = useLiveState();
  return (
    <p className={`live-indicator live-indicator--${state}`} role="status" aria-live="polite">
      <span className="live-indicator__dot" aria-hidden="true" />
      {LABEL[state]}
    </p>
  );
}
