-- A client's name people use (any script, shown everywhere) is no longer its interface name:
-- `interface` keeps the old column's values and uniqueness; `display_name` starts as a copy.
-- Notes are free text; `public_key` is this side's WireGuard public key, derived from the private
-- key in the 0600 file (filled in at start-up for clients stored before this column).
-- A pending upload keeps the interface name asked for and why it waits (reason, lines, warnings
-- as JSON) so a reopened prompt says what the upload said.
ALTER TABLE clients RENAME COLUMN name TO interface;
ALTER TABLE clients ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
UPDATE clients SET display_name = interface;
ALTER TABLE clients ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN public_key TEXT;

ALTER TABLE pending_uploads RENAME COLUMN name TO display_name;
ALTER TABLE pending_uploads ADD COLUMN interface TEXT;
ALTER TABLE pending_uploads ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
