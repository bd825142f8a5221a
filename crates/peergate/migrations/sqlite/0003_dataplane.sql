-- Data plane: why a client failed, its latest WireGuard status and ping (kept so a restart does
-- not reset them), and the ping history (bounded per client by the pinger).
ALTER TABLE clients ADD COLUMN last_error TEXT;
ALTER TABLE clients ADD COLUMN status TEXT;
ALTER TABLE clients ADD COLUMN last_ping TEXT;

CREATE TABLE ping_results (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id   INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    sent        INTEGER NOT NULL,
    received    INTEGER NOT NULL,
    rtt_avg_ms  REAL,
    rtt_min_ms  REAL,
    rtt_max_ms  REAL,
    error       TEXT
);
CREATE INDEX ping_results_client ON ping_results(client_id, id);
