-- TimescaleDB path: the continuous aggregates are refreshed by the platform's own refresher
-- (Bars/AggregateRefresher.cs), not on every write and not by TimescaleDB's policy jobs.
--
-- bars_dirty holds, per symbol, the whole hours whose minutes changed since the aggregates last
-- covered them. A write records its hours in the same transaction as its bars, so a read always
-- knows which buckets the aggregates may have wrong: it takes those from the minutes and the
-- rest from the aggregates, and is exact at every moment. The refresher coalesces the rows of all
-- symbols and writers into time windows, refreshes them (one refresher at a time, under an
-- advisory lock, so refreshes never collide), then deletes exactly the rows it read.
--
-- Hours, because every aggregate's buckets (5, 15, 30, 60 minutes, UTC-aligned) lie wholly
-- inside or outside an hour. The aggregates are materialized-only: the dirty hours replace
-- TimescaleDB's real-time union, which stopped daily reads from using index ranges.
-- Each coarser aggregate is built from the next finer one, so a refresh reads the minutes once.

-- create_hypertable's default index on ts alone: every read and write names the symbol and uses
-- the primary key (symbol, ts), the refresh scans whole chunks, and the index cost a fifth of
-- the write throughput.
DROP INDEX IF EXISTS bars_1m_ts_idx;

CREATE TABLE bars_dirty (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    symbol      text        NOT NULL,
    from_ts     timestamptz NOT NULL,
    to_ts       timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (from_ts < to_ts)
);
CREATE INDEX bars_dirty_by_symbol ON bars_dirty (symbol, from_ts);

SELECT remove_continuous_aggregate_policy('bars_5m', if_not_exists => true);
SELECT remove_continuous_aggregate_policy('bars_15m', if_not_exists => true);
SELECT remove_continuous_aggregate_policy('bars_30m', if_not_exists => true);
SELECT remove_continuous_aggregate_policy('bars_1h', if_not_exists => true);
DROP MATERIALIZED VIEW bars_1h;
DROP MATERIALIZED VIEW bars_30m;
DROP MATERIALIZED VIEW bars_15m;
DROP MATERIALIZED VIEW bars_5m;

CREATE MATERIALIZED VIEW bars_5m WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT symbol, time_bucket(INTERVAL '5 minutes', ts) AS bucket,
       first(open, ts) AS open, max(high) AS high, min(low) AS low, last(close, ts) AS close,
       sum(volume)::bigint AS volume, sum(trade_count)::bigint AS trade_count,
       sum(vwap * volume) AS vwap_volume, sum(vwap) AS vwap_sum, count(*) AS minutes
FROM bars_1m GROUP BY symbol, bucket WITH NO DATA;

CREATE MATERIALIZED VIEW bars_15m WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT symbol, time_bucket(INTERVAL '15 minutes', bucket) AS bucket,
       first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
       sum(volume)::bigint AS volume, sum(trade_count)::bigint AS trade_count,
       sum(vwap_volume) AS vwap_volume, sum(vwap_sum) AS vwap_sum, sum(minutes)::bigint AS minutes
FROM bars_5m GROUP BY symbol, time_bucket(INTERVAL '15 minutes', bucket) WITH NO DATA;

-- 30-minute buckets also serve daily bars: NYSE sessions open and close on half hours
-- (09:30, 13:00, 16:00, 04:00, 17:00, 20:00), so a session is a whole number of them.
CREATE MATERIALIZED VIEW bars_30m WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT symbol, time_bucket(INTERVAL '30 minutes', bucket) AS bucket,
       first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
       sum(volume)::bigint AS volume, sum(trade_count)::bigint AS trade_count,
       sum(vwap_volume) AS vwap_volume, sum(vwap_sum) AS vwap_sum, sum(minutes)::bigint AS minutes
FROM bars_15m GROUP BY symbol, time_bucket(INTERVAL '30 minutes', bucket) WITH NO DATA;

CREATE MATERIALIZED VIEW bars_1h WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT symbol, time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
       sum(volume)::bigint AS volume, sum(trade_count)::bigint AS trade_count,
       sum(vwap_volume) AS vwap_volume, sum(vwap_sum) AS vwap_sum, sum(minutes)::bigint AS minutes
FROM bars_30m GROUP BY symbol, time_bucket(INTERVAL '1 hour', bucket) WITH NO DATA;

-- The aggregates start empty: every stored minute is dirty until the refresher has covered it.
INSERT INTO bars_dirty (symbol, from_ts, to_ts)
SELECT symbol, date_trunc('hour', first_ts, 'UTC'), date_trunc('hour', last_ts, 'UTC') + INTERVAL '1 hour' FROM symbols;
