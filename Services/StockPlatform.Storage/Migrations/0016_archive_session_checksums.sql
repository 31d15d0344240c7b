-- Month partitions (Archive:Partitioning = month) keep every archived session of a symbol's month
-- in one file, so the file's SHA-256 (sha256) no longer identifies one session's rows: each row
-- also records the SHA-256 of its session's rows (SessionChecksum), which verification compares
-- whatever file the session lives in. Rows written before this migration have none (NULL).
ALTER TABLE archive_partitions ADD COLUMN rows_sha256 text;
