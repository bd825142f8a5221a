-- A client's state is one of three words; the database refuses anything else.
ALTER TABLE clients ADD CONSTRAINT clients_state_check CHECK (state IN ('inactive', 'active', 'failed'));
