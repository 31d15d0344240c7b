-- Versioned features. feature_metadata holds one row per feature set, version and code that
-- computed values: the parameters (and their hash) never change under a version, and code_ref
-- names the build (assembly informational version with its git commit), so every stored value
-- traces to its code and parameters through features.metadata_id.
CREATE TABLE feature_metadata (
    id           serial      PRIMARY KEY,
    feature_name text        NOT NULL,   -- the feature set, e.g. 'core'
    version      integer     NOT NULL,
    columns      text[]      NOT NULL,   -- the names of features.vals, in order
    params       json        NOT NULL,   -- the canonical text the hash is of (json keeps it as written)
    params_hash  text        NOT NULL,
    code_ref     text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (feature_name, version, code_ref)
);

-- One row per symbol, feature set version, interval and bar: the values in the order of
-- feature_metadata.columns (NaN where a feature is undefined, e.g. during its warm-up).
CREATE TABLE features (
    symbol      text               NOT NULL,
    feature_set text               NOT NULL,
    version     integer            NOT NULL,
    interval    text               NOT NULL,   -- '1m', '5m', '1d'
    ts          timestamptz        NOT NULL,   -- the bar's start
    metadata_id integer            NOT NULL REFERENCES feature_metadata (id),
    vals        double precision[] NOT NULL,
    PRIMARY KEY (symbol, feature_set, version, interval, ts)
);
