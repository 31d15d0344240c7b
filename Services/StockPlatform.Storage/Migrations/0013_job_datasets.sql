-- Backfills of trades and quotes (issue 18): a job names the datasets it fetches, and each of its
-- windows knows them too (the agent works from the window's row, never from a message alone).
-- Jobs from before fetched bars only. A job of another kind (feature rebuild, corporate actions)
-- fetches no dataset of these: its list is empty.
ALTER TABLE jobs ADD COLUMN datasets text[] NOT NULL DEFAULT '{bars}'
    CONSTRAINT jobs_datasets_known CHECK (datasets <@ '{bars,trades,quotes}'::text[]);
ALTER TABLE job_tasks ADD COLUMN datasets text[] NOT NULL DEFAULT '{bars}'
    CONSTRAINT job_tasks_datasets_known CHECK (datasets <@ '{bars,trades,quotes}'::text[]);

-- Rows stored per dataset, beside bars_inserted: trades and quotes are only ever inserted (a tick
-- is immutable), so one count each says it all.
ALTER TABLE jobs ADD COLUMN trades_inserted bigint NOT NULL DEFAULT 0, ADD COLUMN quotes_inserted bigint NOT NULL DEFAULT 0;
ALTER TABLE job_tasks ADD COLUMN trades_inserted bigint NOT NULL DEFAULT 0, ADD COLUMN quotes_inserted bigint NOT NULL DEFAULT 0;
