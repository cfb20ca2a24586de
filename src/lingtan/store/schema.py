"""Workspace schema and its migrations.

The schema is versioned: ``schema_migrations`` records each applied step. A
migration is append-only — never edit one that has shipped; add the next.

Conventions (docs/conventions.md): timestamps are UTC ``TIMESTAMP``; a reading's
``ts_utc`` is the **end** of its interval; ``value`` columns are in the canonical
unit named by the column (``energy_kwh`` …) or by ``unit_canonical``. Small
reference tables are versioned in place (``version``, ``is_current``): a changed
row is a new version, the old one stays with ``is_current = false``. Readings keep
the current value in ``readings`` and every superseded value in
``reading_versions``, each with its ``flag`` as given (``reset`` or NULL; migration 4),
so the readings can be written out again exactly as they were read in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


_V1 = """
CREATE TABLE import_batches (
    batch_id      INTEGER PRIMARY KEY,
    site_id       VARCHAR NOT NULL,
    package_path  VARCHAR NOT NULL,
    package_sha256 VARCHAR NOT NULL,
    mode          VARCHAR NOT NULL,          -- strict | lenient
    started_utc   TIMESTAMP NOT NULL,
    summary_json  VARCHAR NOT NULL
);
CREATE TABLE import_files (
    batch_id   INTEGER NOT NULL,
    file       VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    encoding   VARCHAR NOT NULL,
    rows       BIGINT NOT NULL
);
CREATE TABLE sites (
    site_id VARCHAR NOT NULL, version INTEGER NOT NULL, is_current BOOLEAN NOT NULL,
    batch_id INTEGER NOT NULL, row_sha256 VARCHAR NOT NULL,
    name VARCHAR, province VARCHAR, grid_region VARCHAR, timezone VARCHAR NOT NULL,
    industry VARCHAR, lat DOUBLE, lon DOUBLE, green_factory_level VARCHAR,
    baseline_year INTEGER, boundary VARCHAR, config_json VARCHAR NOT NULL
);
CREATE TABLE meters (
    site_id VARCHAR NOT NULL, meter_id VARCHAR NOT NULL, version INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL, batch_id INTEGER NOT NULL, row_sha256 VARCHAR NOT NULL,
    name VARCHAR, carrier VARCHAR NOT NULL, unit VARCHAR NOT NULL,
    unit_canonical VARCHAR NOT NULL, to_canonical DOUBLE NOT NULL,
    reading VARCHAR NOT NULL, role VARCHAR NOT NULL, parent_id VARCHAR,
    interval_minutes INTEGER, timestamp_marks VARCHAR NOT NULL, rollover DOUBLE
);
CREATE TABLE readings (
    site_id    VARCHAR NOT NULL,
    meter_id   VARCHAR NOT NULL,
    ts_utc     TIMESTAMP NOT NULL,        -- end of the interval
    value      DOUBLE,             -- interval quantity, canonical unit; NULL = counter anchor
    raw_value  DOUBLE NOT NULL,    -- as given (counter reading or interval value), meter unit
    version    INTEGER NOT NULL,
    batch_id   INTEGER NOT NULL
);
CREATE TABLE reading_versions (
    site_id VARCHAR NOT NULL, meter_id VARCHAR NOT NULL, ts_utc TIMESTAMP NOT NULL,
    value DOUBLE, raw_value DOUBLE NOT NULL,
    version INTEGER NOT NULL, batch_id INTEGER NOT NULL, superseded_by_batch INTEGER NOT NULL
);
CREATE TABLE activities (
    site_id VARCHAR NOT NULL, activity_id VARCHAR NOT NULL, version INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL, batch_id INTEGER NOT NULL, row_sha256 VARCHAR NOT NULL,
    period_start DATE NOT NULL, period_end DATE NOT NULL, category VARCHAR NOT NULL,
    source VARCHAR NOT NULL, quantity DOUBLE NOT NULL, unit VARCHAR NOT NULL, evidence VARCHAR,
    file VARCHAR NOT NULL, row INTEGER NOT NULL
);
CREATE TABLE production (
    site_id VARCHAR NOT NULL, production_id VARCHAR NOT NULL, version INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL, batch_id INTEGER NOT NULL, row_sha256 VARCHAR NOT NULL,
    period_start DATE NOT NULL, period_end DATE NOT NULL, product VARCHAR NOT NULL,
    quantity DOUBLE NOT NULL, unit VARCHAR NOT NULL
);
CREATE TABLE instruments (
    site_id VARCHAR NOT NULL, instrument_id VARCHAR NOT NULL, version INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL, batch_id INTEGER NOT NULL, row_sha256 VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, quantity DOUBLE NOT NULL, unit VARCHAR NOT NULL,
    generation_month VARCHAR, vintage INTEGER, technology VARCHAR, province VARCHAR,
    tradable BOOLEAN, serial_start VARCHAR, serial_end VARCHAR, registry VARCHAR,
    project_id VARCHAR, retired_on DATE, claimed_year INTEGER
);
CREATE TABLE factors (
    site_id VARCHAR NOT NULL, factor_id VARCHAR NOT NULL, version INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL, batch_id INTEGER NOT NULL, row_sha256 VARCHAR NOT NULL,
    family VARCHAR NOT NULL, subject VARCHAR NOT NULL, geography VARCHAR NOT NULL,
    data_year INTEGER, scheme VARCHAR NOT NULL, value DOUBLE NOT NULL, unit VARCHAR NOT NULL,
    source VARCHAR NOT NULL, confidence VARCHAR NOT NULL, note VARCHAR
);
CREATE TABLE equipment (
    site_id VARCHAR NOT NULL, row_key VARCHAR NOT NULL, version INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL, batch_id INTEGER NOT NULL, row_sha256 VARCHAR NOT NULL,
    row_json VARCHAR NOT NULL
);
CREATE TABLE quarantine (
    batch_id INTEGER NOT NULL, file VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL,
    row INTEGER, field VARCHAR, reason VARCHAR NOT NULL, raw_json VARCHAR
);
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at_utc     TIMESTAMP NOT NULL,
    action     VARCHAR NOT NULL,
    subject    VARCHAR NOT NULL,
    detail_json VARCHAR NOT NULL,
    prev_sha256 VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL
);
"""

_V2 = """
CREATE TABLE reference_files (
    site_id VARCHAR NOT NULL, row_key VARCHAR NOT NULL, version INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL, batch_id INTEGER NOT NULL, row_sha256 VARCHAR NOT NULL,
    content VARCHAR NOT NULL
);
"""

_V3 = """
CREATE TABLE published_results (
    seq BIGINT NOT NULL, kind VARCHAR NOT NULL, site_id VARCHAR NOT NULL, year INTEGER NOT NULL,
    params_json VARCHAR NOT NULL, result_json VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
    at_utc TIMESTAMP NOT NULL
);
"""

# A declared counter reset (readings ``flag = reset``) is part of the reading as given:
# without it a stored counter that restarted from zero reads as one going backwards.
# Rows stored before this migration keep NULL (their flags were not recorded).
_V4 = """
ALTER TABLE readings ADD COLUMN flag VARCHAR;
ALTER TABLE reading_versions ADD COLUMN flag VARCHAR;
"""

# An import commits in three steps (docs/import.md, "Crash safety"): its batch row as
# ``pending``, then its data, then the batch ``complete`` with its audit record. Rows of a
# batch that never completed are rolled back by :mod:`lingtan.store.batches`. Batches
# stored before this migration were each written in one transaction with their audit
# record: they are complete.
_V5 = """
ALTER TABLE import_batches ADD COLUMN state VARCHAR DEFAULT 'complete';
ALTER TABLE import_batches ADD COLUMN completed_utc TIMESTAMP;
UPDATE import_batches SET completed_utc = started_utc;
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial workspace schema", _V1),
    Migration(2, "reference files of a package (energy_limits.csv)", _V2),
    Migration(3, "published results, re-run by verify", _V3),
    Migration(4, "reading flag as given (flag = reset: counter restarted)", _V4),
    Migration(5, "import batch state: pending until its audit record is written", _V5),
)

LATEST_VERSION = MIGRATIONS[-1].version
#: The schema version from which import batches have a state (recovery needs it).
BATCH_STATE_VERSION = 5

#: Versioned reference tables: table -> key column.
VERSIONED_TABLES: dict[str, str] = {
    "sites": "site_id",
    "meters": "meter_id",
    "activities": "activity_id",
    "production": "production_id",
    "instruments": "instrument_id",
    "factors": "factor_id",
    "equipment": "row_key",
    "reference_files": "row_key",
}

#: Tables whose rows carry the ``batch_id`` of the import that wrote them.
BATCH_TABLES: tuple[str, ...] = (
    "readings", "reading_versions", *VERSIONED_TABLES, "quarantine", "import_files",
)
