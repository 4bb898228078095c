/// Version 1: devices, events (each row the exact bytes its hash covers, keyed by device and
/// seq, append-only and chain-checked as it arrives), and each bed's last status.
extension HubSchema {
    static let version1: [String] = [
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dwell_device') THEN
                CREATE ROLE dwell_device NOLOGIN;
            END IF;
        END $$
        """,
        "CREATE SCHEMA dwell",
        """
        CREATE TABLE dwell.devices (
            device text PRIMARY KEY CHECK (device ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
            role name NOT NULL UNIQUE,
            added_at timestamptz NOT NULL DEFAULT now())
        """,
        """
        CREATE FUNCTION dwell.current_device() RETURNS text LANGUAGE sql STABLE
            AS $$ SELECT device FROM dwell.devices WHERE role = current_user $$
        """,
        """
        CREATE TABLE dwell.events (
            device text NOT NULL REFERENCES dwell.devices (device),
            seq bigint NOT NULL CHECK (seq > 0),
            format integer NOT NULL,
            body bytea NOT NULL,
            prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
            hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
            wall_time text NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (device, seq))
        """,
        "CREATE INDEX events_wall_time ON dwell.events (wall_time)",
        // A row must continue the stored chain: its prev_hash is the stored hash of the row before
        // (the genesis hash for row 1). Rows earlier in the same statement count as stored.
        """
        CREATE FUNCTION dwell.events_continue_chain() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE previous text;
        BEGIN
            IF NEW.seq = 1 THEN
                previous := repeat('0', 64);
            ELSE
                SELECT hash INTO previous FROM dwell.events WHERE device = NEW.device AND seq = NEW.seq - 1;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'dwell: % row % does not continue the stored chain: row % is missing',
                        NEW.device, NEW.seq, NEW.seq - 1;
                END IF;
            END IF;
            IF NEW.prev_hash <> previous THEN
                RAISE EXCEPTION 'dwell: % row % does not continue the stored chain: prev_hash % but row % has hash %',
                    NEW.device, NEW.seq, NEW.prev_hash, NEW.seq - 1, previous;
            END IF;
            RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER events_continue_chain BEFORE INSERT ON dwell.events
            FOR EACH ROW EXECUTE FUNCTION dwell.events_continue_chain()
        """,
        """
        CREATE FUNCTION dwell.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'dwell: the clinic record is append-only (% on %)', TG_OP, TG_TABLE_NAME;
        END $$
        """,
        """
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON dwell.events
            FOR EACH ROW EXECUTE FUNCTION dwell.append_only()
        """,
        """
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON dwell.events
            FOR EACH STATEMENT EXECUTE FUNCTION dwell.append_only()
        """,
        """
        CREATE TABLE dwell.bed_status (
            device text NOT NULL REFERENCES dwell.devices (device),
            bed text NOT NULL,
            status jsonb NOT NULL,
            reported_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (device, bed))
        """,
        // The hub's clock says when a status arrived, and each change wakes the clinic board.
        """
        CREATE FUNCTION dwell.bed_status_arrived() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.reported_at := now();
            PERFORM pg_notify('dwell_status', NEW.device);
            RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER bed_status_arrived BEFORE INSERT OR UPDATE ON dwell.bed_status
            FOR EACH ROW EXECUTE FUNCTION dwell.bed_status_arrived()
        """,
        "ALTER TABLE dwell.events ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE dwell.bed_status ENABLE ROW LEVEL SECURITY",
        """
        CREATE POLICY events_own_rows_in ON dwell.events FOR INSERT TO dwell_device
            WITH CHECK (device = dwell.current_device())
        """,
        """
        CREATE POLICY events_own_rows_read ON dwell.events FOR SELECT TO dwell_device
            USING (device = dwell.current_device())
        """,
        """
        CREATE POLICY bed_status_own ON dwell.bed_status FOR ALL TO dwell_device
            USING (device = dwell.current_device()) WITH CHECK (device = dwell.current_device())
        """,
        "REVOKE ALL ON SCHEMA dwell FROM PUBLIC",
        "GRANT USAGE ON SCHEMA dwell TO dwell_device",
        "GRANT SELECT ON dwell.devices TO dwell_device",
        "GRANT SELECT, INSERT ON dwell.events TO dwell_device",
        "GRANT SELECT, INSERT, UPDATE ON dwell.bed_status TO dwell_device",
    ]
}
