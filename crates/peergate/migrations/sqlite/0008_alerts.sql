-- Alerts raised when an active client goes down or comes back (and test alerts), kept as the
-- outbox of the webhook: delivery is retried from here, across restarts, a bounded number of
-- times. The newest alert of a client is its last verdict; a deleted client's alerts stay (history). Bounded: the housekeeping keeps the
-- newest 1,000.
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id       INTEGER REFERENCES clients(id) ON DELETE SET NULL,
    client_name     TEXT NOT NULL,
    interface       TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('down', 'up', 'test')),
    reason          TEXT NOT NULL,
    at              INTEGER NOT NULL,
    delivery        TEXT NOT NULL CHECK (delivery IN ('pending', 'sent', 'failed', 'off')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error      TEXT
);
CREATE INDEX alerts_due ON alerts(delivery, next_attempt_at);
CREATE INDEX alerts_client ON alerts(client_id, id);
