-- The central log store (docs/logs.md): every service's log entries, shipped in batches.
-- Plain PostgreSQL path: one table; rows older than Storage:LogRetention (14 days by default)
-- are deleted by the storage library's log retention service.
-- It replaces 0001's first sketch of the table, which nothing wrote to; any rows are carried over.

CREATE TEMP TABLE logs_0001 ON COMMIT DROP AS SELECT * FROM logs;
DROP TABLE logs;

CREATE TABLE logs (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ts         timestamptz NOT NULL,
    level      smallint    NOT NULL CHECK (level BETWEEN 0 AND 5),  -- 0 Trace, 1 Debug, 2 Information, 3 Warning, 4 Error, 5 Critical
    agent      text        NOT NULL,
    instance   text,
    category   text        NOT NULL,
    symbol     text,
    stage      text,
    message    text        NOT NULL,
    trace_id   text,
    span_id    text,
    exception  text,
    props      jsonb
);

-- Newest first, resumed after (ts, id): every read orders by these; the retention delete scans ts.
CREATE INDEX logs_by_time ON logs (ts DESC, id DESC);
CREATE INDEX logs_by_agent ON logs (agent, ts DESC, id DESC);
CREATE INDEX logs_by_symbol ON logs (symbol, ts DESC, id DESC) WHERE symbol IS NOT NULL;
-- Warnings and worse are what one looks for first, and a small part of all rows.
CREATE INDEX logs_warnings ON logs (ts DESC, id DESC) WHERE level >= 3;

INSERT INTO logs (ts, level, agent, category, symbol, stage, message, trace_id, props)
SELECT ts,
       CASE lower(level) WHEN 'trace' THEN 0 WHEN 'debug' THEN 1 WHEN 'warning' THEN 3 WHEN 'error' THEN 4 WHEN 'critical' THEN 5 ELSE 2 END,
       coalesce(agent, 'unknown'), 'unknown', symbol, stage, message, trace_id, props
FROM logs_0001;
