-- TimescaleDB path: trades and quotes are hypertables of one-day chunks (a liquid symbol's day
-- of quotes is hundreds of thousands of rows), compressed once a week old: segmented by symbol,
-- ordered by time, so a symbol's day reads back from a few compressed batches.
SELECT create_hypertable('trades', 'ts', chunk_time_interval => INTERVAL '1 day');
SELECT create_hypertable('quotes', 'ts', chunk_time_interval => INTERVAL '1 day');

ALTER TABLE trades SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol',
    timescaledb.compress_orderby = 'ts, ts_ns, exchange, trade_id');
ALTER TABLE quotes SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol',
    timescaledb.compress_orderby = 'ts, ts_ns, seq');

SELECT add_compression_policy('trades', compress_after => INTERVAL '7 days');
SELECT add_compression_policy('quotes', compress_after => INTERVAL '7 days');
