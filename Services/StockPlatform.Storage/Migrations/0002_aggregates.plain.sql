-- Plain PostgreSQL path: no hypertable and no continuous aggregates. The bar store aggregates
-- bars_1m on read with the same bucket rules, so both paths return the same bars.
-- Kept as a migration of its own so schema_migrations records which path this database took.
SELECT 1;
