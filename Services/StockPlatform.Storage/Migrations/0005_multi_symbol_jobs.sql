-- Jobs of several symbols (POST /jobs): symbols lists every ticker, with one task per ticker and
-- date window. symbol stays as the job's display name (the ticker, or the tickers joined by
-- commas) for messages and logs; lookups by ticker use symbols through its GIN index.

ALTER TABLE jobs ADD COLUMN symbols text[];
UPDATE jobs SET symbols = ARRAY[symbol];
ALTER TABLE jobs ALTER COLUMN symbols SET NOT NULL;
CREATE INDEX jobs_by_symbols ON jobs USING gin (symbols);
DROP INDEX jobs_by_symbol;

