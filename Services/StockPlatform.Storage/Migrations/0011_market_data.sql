-- Trades, quotes and corporate actions (issue 18), beside the bars. Shared by both paths; the
-- TimescaleDB path turns trades and quotes into compressed hypertables in 0012.

-- The ledger now records every dataset a session was fetched for, not only bars: a quotes
-- backfill re-run skips the sessions already stored whole, as a bars backfill does.
ALTER TABLE ingest_ledger ADD COLUMN dataset text NOT NULL DEFAULT 'bars'
    CONSTRAINT ingest_ledger_dataset_known CHECK (dataset IN ('bars', 'trades', 'quotes'));
ALTER TABLE ingest_ledger RENAME COLUMN bar_count TO row_count;
ALTER TABLE ingest_ledger DROP CONSTRAINT ingest_ledger_pkey;
ALTER TABLE ingest_ledger ADD PRIMARY KEY (symbol, feed, dataset, session_date);

-- Every trade once: (symbol, time, exchange, trade id) is its natural key. ts holds the
-- microsecond PostgreSQL can keep, ts_ns the nanoseconds past it Alpaca also sends.
CREATE TABLE trades (
    symbol      text        NOT NULL,
    ts          timestamptz NOT NULL,
    ts_ns       smallint    NOT NULL CHECK (ts_ns BETWEEN 0 AND 999),
    exchange    text        NOT NULL,
    trade_id    bigint      NOT NULL,
    price       numeric     NOT NULL CHECK (price > 0 AND price <> 'NaN'),
    size        bigint      NOT NULL CHECK (size >= 0),
    conditions  text[]      NOT NULL,
    tape        text        NOT NULL,
    feed        text        NOT NULL,
    PRIMARY KEY (symbol, ts, ts_ns, exchange, trade_id)
);

-- Quotes carry no id and several can share a nanosecond, so a quote is keyed by its position
-- (seq) among the symbol's quotes of that same instant, in the order Alpaca sends them.
CREATE TABLE quotes (
    symbol        text        NOT NULL,
    ts            timestamptz NOT NULL,
    ts_ns         smallint    NOT NULL CHECK (ts_ns BETWEEN 0 AND 999),
    seq           smallint    NOT NULL CHECK (seq >= 0),
    bid_exchange  text        NOT NULL,
    bid_price     numeric     NOT NULL CHECK (bid_price >= 0 AND bid_price <> 'NaN'),
    bid_size      bigint      NOT NULL CHECK (bid_size >= 0),
    ask_exchange  text        NOT NULL,
    ask_price     numeric     NOT NULL CHECK (ask_price >= 0 AND ask_price <> 'NaN'),
    ask_size      bigint      NOT NULL CHECK (ask_size >= 0),
    conditions    text[]      NOT NULL,
    tape          text        NOT NULL,
    feed          text        NOT NULL,
    PRIMARY KEY (symbol, ts, ts_ns, seq)
);

-- Corporate actions as Alpaca reports them (fields keeps the whole object), with the factor
-- each applies to prices and volumes of bars before its ex-date: old/new rate for splits,
-- 1 - rate / previous raw close for cash dividends (null until that close is known).
CREATE TABLE corporate_actions (
    id               text        PRIMARY KEY,
    symbol           text        NOT NULL,
    type             text        NOT NULL,
    ex_date          date,
    process_date     date,
    old_rate         numeric,
    new_rate         numeric,
    rate             numeric,
    reference_close  numeric,
    price_factor     numeric     CHECK (price_factor > 0),
    volume_factor    numeric     CHECK (volume_factor > 0),
    fields           jsonb       NOT NULL,
    fetched_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX corporate_actions_by_symbol ON corporate_actions (symbol, ex_date);

-- Which symbols' actions were fetched, over what dates and when: an adjusted read can say how
-- current its factors are.
CREATE TABLE corporate_action_refreshes (
    symbol        text        PRIMARY KEY,
    start_date    date        NOT NULL,
    end_date      date        NOT NULL,
    refreshed_at  timestamptz NOT NULL DEFAULT now()
);
