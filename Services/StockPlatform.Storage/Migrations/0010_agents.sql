-- Operations: what every agent instance last said, which agents are paused, and the alerts raised
-- when one falls silent or a job stops moving.

-- The latest heartbeat of each instance (a row per process, replaced by each beat). An instance
-- that stops beating keeps its last row: that silence is what the monitor judges. 0001 sketched
-- this table, but nothing wrote to it until now: it is replaced with the heartbeat's full shape.
DROP TABLE IF EXISTS agent_heartbeats;
CREATE TABLE agent_heartbeats (
    agent       text        NOT NULL,
    instance    text        NOT NULL,
    version     text        NOT NULL,
    state       text        NOT NULL,
    task        text,
    progress    double precision,
    counters    jsonb       NOT NULL DEFAULT '{}',
    paused      boolean     NOT NULL DEFAULT false,
    started_at  timestamptz NOT NULL,
    seen_at     timestamptz NOT NULL,
    -- The instance's own heartbeat interval: its silence is judged in these, whatever the others'.
    beat_interval interval  NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agent, instance)
);

-- The pause an operator asked for, per agent: instances read it at start-up and at every heartbeat.
CREATE TABLE agent_controls (
    agent      text PRIMARY KEY,
    paused     boolean     NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- Alerts: raised once per (kind, subject) while active, cleared when the cause is gone.
CREATE TABLE agent_alerts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text        NOT NULL,
    agent      text        NOT NULL,
    instance   text,
    job_id     uuid,
    message    text        NOT NULL,
    raised_at  timestamptz NOT NULL DEFAULT now(),
    cleared_at timestamptz
);
-- Several gateways judge the same silence: the index lets only one of them raise the alert.
CREATE UNIQUE INDEX agent_alerts_one_active ON agent_alerts (kind, agent, coalesce(instance, ''), coalesce(job_id, '00000000-0000-0000-0000-000000000000'))
    WHERE cleared_at IS NULL;
CREATE INDEX agent_alerts_recent ON agent_alerts (raised_at DESC);
