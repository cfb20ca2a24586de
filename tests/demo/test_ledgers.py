"""Activities, production and instruments tables."""

from __future__ import annotations

from lingtan.demo import ledgers


def test_rows_have_only_known_columns() -> None:
    for rows, columns in ((ledgers.activities(2025), ledgers.ACTIVITY_COLUMNS),
                          (ledgers.production(2025), ledgers.PRODUCTION_COLUMNS),
                          (ledgers.instruments(2025), ledgers.INSTRUMENT_COLUMNS)):
        for row in rows:
            assert set(row) <= set(columns)


def test_gec_serial_ranges_match_quantities() -> None:
    for lot in ledgers.instruments(2025):
        if lot["kind"] == "gec":
            first = int(lot["serial_start"].rsplit("-", 1)[1])
            last = int(lot["serial_end"].rsplit("-", 1)[1])
            assert last - first + 1 == lot["quantity"]


def test_ids_are_marked_fictional() -> None:
    for lot in ledgers.instruments(2025):
        assert lot["instrument_id"].startswith("DEMO-")
