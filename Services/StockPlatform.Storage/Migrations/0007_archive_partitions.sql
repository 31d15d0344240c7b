-- The Parquet archive's index: one row per written partition (a symbol's session), with what it
-- holds and the SHA-256 of the file, so the archive can be checked against the hot store and a
-- partition rewritten after corrections is seen to have changed.
CREATE TABLE archive_partitions (
    dataset     text        NOT NULL,   -- 'bars' (features later)
    symbol      text        NOT NULL,
    session_date date       NOT NULL,
    path        text        NOT NULL,   -- relative to the archive root
    row_count   integer     NOT NULL,
    first_ts    timestamptz,
    last_ts     timestamptz,
    bytes       bigint      NOT NULL,
    sha256      text        NOT NULL,
    written_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, symbol, session_date)
);
