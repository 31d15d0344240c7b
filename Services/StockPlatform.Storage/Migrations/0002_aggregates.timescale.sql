-- TimescaleDB path: bars_1m becomes a hypertable with compression of old chunks, and the common
-- intervals are continuous aggregates. Buckets are UTC here, which equals New York wall-clock
-- buckets for every length dividing an hour (New York is a whole number of hours from UTC).
-- Each aggregate keeps sum(vwap * volume) so coarser bars compose exactly from finer ones.
-- Continuous aggregates are created WITH NO DATA: creating them with data cannot run inside the
-- migration's transaction; the refresh policies and the bar store's explicit refresh fill them.

SELECT create_hypertable('bars_1m', 'ts', chunk_time_interval => INTERVAL '7 days', migrate_data => true, if_not_exists => true);

ALTER TABLE bars_1m SET (
    timescaledb.compress,
    timescaledb.compress_segmentby = 'symbol',
    timescaledb.compress_orderby = 'ts'
);

CREATE MATERIALIZED VIEW bars_5m WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol, time_bucket(INTERVAL '5 minutes', ts) AS bucket,
       first(open, ts) AS open, max(high) AS high, min(low) AS low, last(close, ts) AS close,
       sum(volume)::bigint AS volume, sum(trade_count)::bigint AS trade_count,
       sum(vwap * volume) AS vwap_volume, sum(vwap) AS vwap_sum, count(*) AS minutes
FROM bars_1m GROUP BY symbol, bucket WITH NO DATA;

CREATE MATERIALIZED VIEW bars_15m WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol, time_bucket(INTERVAL '15 minutes', ts) AS bucket,
       first(open, ts) AS open, max(high) AS high, min(low) AS low, last(close, ts) AS close,
       sum(volume)::bigint AS volume, sum(trade_count)::bigint AS trade_count,
       sum(vwap * volume) AS vwap_volume, sum(vwap) AS vwap_sum, count(*) AS minutes
FROM bars_1m GROUP BY symbol, bucket WITH NO DATA;

-- 30-minute buckets also serve daily bars: NYSE sessions open and close on half hours
-- (09:30, 13:00, 16:00, 04:00, 17:00, 20:00), so a session is a whole number of them.
CREATE MATERIALIZED VIEW bars_30m WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol, time_bucket(INTERVAL '30 minutes', ts) AS bucket,
       first(open, ts) AS open, max(high) AS high, min(low) AS low, last(close, ts) AS close,
       sum(volume)::bigint AS volume, sum(trade_count)::bigint AS trade_count,
       sum(vwap * volume) AS vwap_volume, sum(vwap) AS vwap_sum, count(*) AS minutes
FROM bars_1m GROUP BY symbol, bucket WITH NO DATA;

CREATE MATERIALIZED VIEW bars_1h WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol, time_bucket(INTERVAL '1 hour', ts) AS bucket,
       first(open, ts) AS open, max(high) AS high, min(low) AS low, last(close, ts) AS close,
       sum(volume)::bigint AS volume, sum(trade_count)::bigint AS trade_count,
       sum(vwap * volume) AS vwap_volume, sum(vwap) AS vwap_sum, count(*) AS minutes
FROM bars_1m GROUP BY symbol, bucket WITH NO DATA;

-- Keep recent buckets materialized; older corrections are refreshed by the bar store itself.
SELECT add_continuous_aggregate_policy('bars_5m',  start_offset => INTERVAL '3 days', end_offset => INTERVAL '5 minutes',  schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('bars_15m', start_offset => INTERVAL '3 days', end_offset => INTERVAL '15 minutes', schedule_interval => INTERVAL '15 minutes');
SELECT add_continuous_aggregate_policy('bars_30m', start_offset => INTERVAL '3 days', end_offset => INTERVAL '30 minutes', schedule_interval => INTERVAL '30 minutes');
SELECT add_continuous_aggregate_policy('bars_1h',  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',     schedule_interval => INTERVAL '1 hour');
