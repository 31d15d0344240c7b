-- Plain PostgreSQL path: no aggregates to refresh (reads aggregate the minutes). Kept so both
-- paths share version numbers.
SELECT 1;
