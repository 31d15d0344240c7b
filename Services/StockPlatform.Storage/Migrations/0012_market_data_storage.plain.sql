-- Plain PostgreSQL path: trades and quotes stay ordinary tables (0011), uncompressed; the
-- stores read and write them the same way. Kept as a migration of its own so
-- schema_migrations records which path this database took.
SELECT 1;
