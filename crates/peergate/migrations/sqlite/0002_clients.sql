-- Gateway clients (one uploaded WireGuard config = one interface) and uploads waiting for a subnet.
-- Private keys are never stored here: they live only in the 0600 files.
CREATE TABLE clients (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT    NOT NULL UNIQUE,
    conf_path        TEXT    NOT NULL,
    subnets          TEXT    NOT NULL,
    peer_public_keys TEXT    NOT NULL,
    endpoint         TEXT    NOT NULL,
    probe_host       TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'inactive',
    warnings         TEXT    NOT NULL DEFAULT '[]',
    created_by       TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

CREATE TABLE pending_uploads (
    id          TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    probe_host  TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX pending_uploads_expires ON pending_uploads(expires_at);
