-- Symbols the live stream keeps current. GET /symbols shows which are tracked (a tracked symbol
-- is listed even before its first bar is stored); the live-streaming agent subscribes to them.
CREATE TABLE tracked_symbols (
    symbol        text PRIMARY KEY,
    tracked_since timestamptz NOT NULL DEFAULT now()
);
