-- The job engine (Jobs/JobStore.cs): a task is claimed with a lease (owner and expiry, renewed
-- while it works), so a window never runs twice at once and only a task whose agent died is sent
-- again; failures are retried a bounded number of times (retry_at), then the task fails and its
-- job ends failed with the reason; a job can be cancelled. published_at says a task's message went
-- out, so the sweeper sends only what was never sent, is due for a retry, or lost its agent.

ALTER TABLE job_tasks DROP CONSTRAINT job_tasks_status_check;
ALTER TABLE job_tasks ADD CONSTRAINT job_tasks_status_check CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled'));
ALTER TABLE job_tasks
    ADD COLUMN lease_owner    text,
    ADD COLUMN lease_expires  timestamptz,
    ADD COLUMN retry_at       timestamptz,
    ADD COLUMN published_at   timestamptz;
-- Tasks open before this version were sent when their job was created; running ones have no
-- lease to wait for, so the sweeper sends them again at once.
UPDATE job_tasks SET published_at = updated_at WHERE status IN ('pending', 'running');
UPDATE job_tasks SET lease_expires = now() WHERE status = 'running';

ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'));
ALTER TABLE jobs ADD COLUMN failed_windows integer NOT NULL DEFAULT 0;
