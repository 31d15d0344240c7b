-- A tracked symbol may also stream its trades and quotes (opt-in: a liquid symbol quotes many
-- times a second); bars are always streamed.
ALTER TABLE tracked_symbols ADD COLUMN trades boolean NOT NULL DEFAULT false;
ALTER TABLE tracked_symbols ADD COLUMN quotes boolean NOT NULL DEFAULT false;
