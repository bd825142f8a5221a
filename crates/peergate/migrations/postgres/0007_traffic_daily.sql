-- Per-client traffic per UTC day (bytes received and sent through the tunnel), added up from the
-- status readings, so history outlives restarts and the 30-minute in-memory window. Bounded: days
-- older than the retention are deleted by the monitor.
CREATE TABLE traffic_daily (
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    day       BIGINT NOT NULL,
    rx_bytes  BIGINT NOT NULL DEFAULT 0,
    tx_bytes  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, day)
);
CREATE INDEX traffic_daily_day ON traffic_daily(day);
