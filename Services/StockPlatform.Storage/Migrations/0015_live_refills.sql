-- Minutes the live updater still has to fetch over REST: the hole before a connection's first
-- streamed minute (recorded when the connection opens, before any of its minutes is stored) and a
-- batch the store refused. A row outlives a killed agent: the next leader fills from the earliest
-- row as well as from its last stored minute, so minutes older than the newest stored one are not
-- lost. A row is deleted once its minutes are stored (or handed to a backfill job).
CREATE TABLE live_refills (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    symbol      text NOT NULL REFERENCES tracked_symbols (symbol) ON DELETE CASCADE,
    -- null: from the session's open (nothing of the symbol was stored when the hole began).
    from_ts     timestamptz,
    -- null: up to the connection's first streamed minute.
    to_ts       timestamptz,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_refills_symbol ON live_refills (symbol);
