-- A client's state is one of three words; the database refuses anything else.
-- SQLite cannot add a CHECK to an existing table without rebuilding it, and a rebuild would cascade
-- into ping_results (foreign keys are on and cannot be turned off inside a migration's
-- transaction), so the same rule is two triggers. New tables declare their CHECKs inline.
CREATE TRIGGER clients_state_check_insert BEFORE INSERT ON clients
WHEN NEW.state NOT IN ('inactive', 'active', 'failed')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: clients.state');
END;

CREATE TRIGGER clients_state_check_update BEFORE UPDATE OF state ON clients
WHEN NEW.state NOT IN ('inactive', 'active', 'failed')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: clients.state');
END;
