-- An admin's `peergate user unlock`: login failures of the account up to this time no longer count.
ALTER TABLE users ADD COLUMN unlocked_at BIGINT;
