-- Core tables shared by both storage paths (plain PostgreSQL and TimescaleDB).

CREATE TABLE bars_1m (
    symbol       text        NOT NULL,
    ts           timestamptz NOT NULL,   -- start of the minute, UTC
    open         numeric     NOT NULL,
    high         numeric     NOT NULL,
    low          numeric     NOT NULL,
    close        numeric     NOT NULL,
    volume       bigint      NOT NULL,
    trade_count  bigint      NOT NULL,
    vwap         numeric     NOT NULL,
    feed         text        NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, ts),
    -- A second guard behind the application's validation: no bar that cannot exist is stored.
    CONSTRAINT bars_1m_prices_valid CHECK (
        low > 0 AND high >= low
        AND open BETWEEN low AND high AND close BETWEEN low AND high
        AND 'NaN'::numeric NOT IN (open, high, low, close, vwap)),
    CONSTRAINT bars_1m_counts_valid CHECK (volume >= 0 AND trade_count >= 0 AND vwap >= 0)
);

-- Per-symbol coverage, kept up to date by every upsert so listing symbols never scans bars_1m.
CREATE TABLE symbols (
    symbol      text        PRIMARY KEY,
    first_ts    timestamptz NOT NULL,
    last_ts     timestamptz NOT NULL,
    bar_count   bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Alpaca's trading calendar. Every date of a fetched range has a row; closed days have
-- is_open = false, so "is this range known?" is a count, not a guess.
CREATE TABLE market_calendar (
    date           date    PRIMARY KEY,
    is_open        boolean NOT NULL,
    open           time,
    close          time,
    session_open   time,
    session_close  time,
    fetched_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT market_calendar_times CHECK (NOT is_open OR (open IS NOT NULL AND close IS NOT NULL AND session_open IS NOT NULL AND session_close IS NOT NULL))
);

-- Sessions fetched completely, per symbol and feed. A gap is a calendar session missing here.
CREATE TABLE ingest_ledger (
    symbol        text        NOT NULL,
    feed          text        NOT NULL,
    session_date  date        NOT NULL,
    bar_count     integer     NOT NULL,
    fetched_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, feed, session_date)
);

-- Durable queue state: a job per request, a task per date window, so a restart resumes.
CREATE TABLE jobs (
    id               uuid        PRIMARY KEY,
    kind             text        NOT NULL,
    symbol           text        NOT NULL,
    start_date       date        NOT NULL,
    end_date         date        NOT NULL,
    feed             text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    sessions_total   integer     NOT NULL DEFAULT 0,
    sessions_done    integer     NOT NULL DEFAULT 0,
    bars_inserted    bigint      NOT NULL DEFAULT 0,
    bars_corrected   bigint      NOT NULL DEFAULT 0,
    error            text,
    idempotency_key  text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (start_date <= end_date)
);
-- One active job per (kind, symbol, range, feed): asking again returns the running one.
CREATE UNIQUE INDEX jobs_one_active_per_key ON jobs (idempotency_key) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_by_created ON jobs (created_at DESC);
CREATE INDEX jobs_by_symbol ON jobs (symbol, created_at DESC);

CREATE TABLE job_tasks (
    id              uuid        PRIMARY KEY,
    job_id          uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq             integer     NOT NULL,
    symbol          text        NOT NULL,
    start_date      date        NOT NULL,
    end_date        date        NOT NULL,
    feed            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    sessions_total  integer     NOT NULL DEFAULT 0,
    sessions_done   integer     NOT NULL DEFAULT 0,
    bars_inserted   bigint      NOT NULL DEFAULT 0,
    bars_corrected  bigint      NOT NULL DEFAULT 0,
    error           text,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, seq)
);
CREATE INDEX job_tasks_open ON job_tasks (status) WHERE status IN ('pending', 'running');

CREATE TABLE agent_heartbeats (
    agent     text        NOT NULL,
    instance  text        NOT NULL,
    state     text        NOT NULL,
    detail    text,
    progress  double precision,
    seen_at   timestamptz NOT NULL,
    PRIMARY KEY (agent, instance)
);

CREATE TABLE logs (
    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ts        timestamptz NOT NULL,
    level     text        NOT NULL,
    agent     text,
    symbol    text,
    stage     text,
    message   text        NOT NULL,
    trace_id  text,
    props     jsonb
);
CREATE INDEX logs_by_ts ON logs (ts DESC);
