"""Assemble the demo factory's data package and write it to a folder.

The package follows ``docs/data-package.md`` (format version 1). Every
energy or volume is rounded to 0.001 of its unit and handled as an integer
number of thousandths from then on, so that interval values, counter
readings and the meter balance agree exactly and the files are
byte-identical for the same inputs.

Meter balance, per interval::

    consumption = (SUB-EXTR + SUB-STRAND + SUB-UTIL + SUB-OFFICE) * (1 + LOSS_FRACTION)
    GRID-IMP    = max(0, consumption - PV-1)
    GRID-EXP    = max(0, PV-1 - consumption)

so ``GRID-IMP + PV-1 - GRID-EXP = consumption``. `LOSS_FRACTION` (1.5 %) is
the unmetered loss of the 10/0.4 kV transformers and LV feeders between the
incoming meter and the workshop sub-meters.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lingtan.demo import gas, ledgers, load, pv, timeline, weather

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

LOSS_FRACTION = 0.015
MILLI = 1000
GRID_IMPORT_START_KWH = 12_345_678.9
GRID_EXPORT_START_KWH = 4_321_098.7
GAP_METER = "SUB-OFFICE"
GAP_START = (4, 16, "10:15")  # month, day, first missing interval end
GAP_READINGS = 8

METER_COLUMNS = ("meter_id", "name", "carrier", "unit", "reading", "role", "parent_id",
                 "interval_minutes", "timestamp_marks", "rollover")
SUBMETER_IDS = {"extrusion": "SUB-EXTR", "stranding": "SUB-STRAND", "utilities": "SUB-UTIL",
                "office": "SUB-OFFICE"}


def _meter(meter_id: str, name: str, carrier: str, unit: str, reading: str, role: str,
           interval_minutes: int, rollover: float | None = None) -> dict[str, Any]:
    return {"meter_id": meter_id, "name": name, "carrier": carrier, "unit": unit,
            "reading": reading, "role": role, "parent_id": None,
            "interval_minutes": interval_minutes, "timestamp_marks": "end", "rollover": rollover}


METERS: tuple[dict[str, Any], ...] = (
    _meter("GRID-IMP", "10kV 关口表 正向有功（购电）", "electricity", "kWh", "cumulative",
           "grid_import", 15),
    _meter("GRID-EXP", "10kV 关口表 反向有功（上网）", "electricity", "kWh", "cumulative",
           "grid_export", 15),
    _meter("PV-1", "屋顶光伏 并网计量表 2940 kWp", "electricity", "kWh", "interval",
           "generation", 15),
    _meter("SUB-EXTR", "挤塑车间", "electricity", "kWh", "interval", "submeter", 15),
    _meter("SUB-STRAND", "绞线成缆车间", "electricity", "kWh", "interval", "submeter", 15),
    _meter("SUB-UTIL", "公用动力（空压 冷却水 通风 照明）", "electricity", "kWh", "interval",
           "submeter", 15),
    _meter("SUB-OFFICE", "办公楼", "electricity", "kWh", "interval", "submeter", 15),
    _meter("GAS-BOILER", "燃气蒸汽锅炉 膜式燃气表", "natural_gas", "m3", "cumulative", "fuel",
           60, rollover=gas.COUNTER_MODULUS_M3),
)

FACTORY_YAML = """\
# lingtan demo data package: a fictional cable plant in Wuxi, Jiangsu (see docs/demo.md).
id: demo-cable
name: 江苏示范电缆厂
province: CN-JS
grid_region: east
timezone: Asia/Shanghai
industry: C3831 电线电缆制造
location: {lat: 31.57, lon: 120.30}
green_factory_level: national
baseline_year: 2023
boundary: 厂区围墙内全部生产及辅助设施
accounting:
  gwp: AR5
  location_factor: provincial
  electricity_factor_year: 2023  # latest published data year of the provincial grid factors
  ets_factor_year: 2022          # latest published data year of the national ETS grid factor
  fuel_table: mee_2013
  natural_gas_tce: gas_field
efficiency:
  baseline: {year: 2023, heating_base_c: 18, cooling_base_c: 26}  # HDD18/CDD26 (GB 50176-2016) [R]
declarations:                    # scheme inputs no module computes yet; fictional DEMO evidence
  green_factory_level: {value: national, evidence: "DEMO-绿色工厂公示文件 (fictional)"}
  js_management_plan: {value: true, evidence: "DEMO-零碳工厂建设方案 2024 (fictional)"}
  js_compliance_3y: {value: true, evidence: "DEMO-近三年合规承诺书 (fictional)"}
"""


WEATHER_COLUMNS = ("date", "temp_air_c")


def daily_weather(data: DemoSeries) -> list[dict[str, Any]]:
    """Daily mean air temperature of the modelled year (interval ends shifted into their
    interval, so 00:00 belongs to the day before), rounded to 0.01 °C."""
    temp = data.weather["temp_air_c"]
    days = timeline.interval_dates(pd.DatetimeIndex(temp.index)).date
    means = temp.groupby(days).mean()
    return [{"date": day, "temp_air_c": f"{value:.2f}"} for day, value in means.items()]


def to_milli(values: np.ndarray | pd.Series) -> np.ndarray:
    """Round to thousandths of the unit and return them as int64."""
    return np.rint(np.asarray(values, dtype=float) * MILLI).astype(np.int64)


def format_milli(values_milli: Iterable[int]) -> list[str]:
    """Format non-negative thousandths as fixed 3-decimal strings ("12.345")."""
    return [f"{v // MILLI}.{v % MILLI:03d}" for v in (int(x) for x in values_milli)]


def grid_exchange_milli(consumption_milli: np.ndarray,
                        generation_milli: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grid import and export per interval from consumption and generation.

    Parameters
    ----------
    consumption_milli, generation_milli : numpy.ndarray
        Site consumption and PV generation per interval [thousandths of kWh].

    Returns
    -------
    tuple of numpy.ndarray
        ``(import, export)`` per interval [thousandths of kWh], both >= 0.
    """
    net = consumption_milli - generation_milli
    return np.maximum(net, 0), np.maximum(-net, 0)


def counter_readings_milli(start_milli: int, increments_milli: np.ndarray,
                           modulus_milli: int | None = None) -> np.ndarray:
    """Counter readings: the anchor followed by one reading per interval.

    Parameters
    ----------
    start_milli : int
        Counter value at the start of the year [thousandths].
    increments_milli : numpy.ndarray
        Quantity registered in each interval [thousandths].
    modulus_milli : int, optional
        Counter modulus; readings wrap to ``value % modulus``.

    Returns
    -------
    numpy.ndarray
        ``len(increments) + 1`` readings [thousandths].
    """
    readings = start_milli + np.concatenate([[0], np.cumsum(increments_milli)])
    return readings % modulus_milli if modulus_milli else readings


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_table(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Write rows as a UTF-8 CSV with exactly ``columns`` (missing keys empty)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in columns])


def write_readings(path: Path, meter_id: str, timestamps: Sequence[str],
                   values: Sequence[str]) -> None:
    """Write one meter's readings file (``meter_id,timestamp,value``)."""
    lines = [f"{meter_id},{ts},{value}\n" for ts, value in zip(timestamps, values, strict=True)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("meter_id,timestamp,value\n")
        handle.writelines(lines)


def gap_mask(ends: pd.DatetimeIndex, year: int) -> np.ndarray:
    """True for the `GAP_READINGS` office readings lost to a communications outage."""
    month, day, first = GAP_START
    start = pd.Timestamp(f"{year}-{month:02d}-{day:02d} {first}")
    missing = pd.date_range(start, periods=GAP_READINGS, freq=f"{timeline.INTERVAL_MINUTES}min")
    return np.asarray(ends.isin(missing))


def _task(progress: Progress | None, description: str, total: int) -> TaskID | None:
    return progress.add_task(description, total=total) if progress is not None else None


def _advance(progress: Progress | None, task: TaskID | None) -> None:
    if progress is not None and task is not None:
        progress.advance(task)


@dataclass(frozen=True)
class DemoSeries:
    """Simulated meter quantities of one demo year, before formatting.

    Attributes
    ----------
    ends : pandas.DatetimeIndex
        Naive local 15-minute interval ends.
    interval_milli : dict
        Meter id -> int64 thousandths of kWh per 15-minute interval, for
        ``PV-1``, the four sub-meters, ``GRID-IMP`` and ``GRID-EXP``.
    gas_hourly_milli : numpy.ndarray
        Boiler gas per hour [thousandths of m³].
    weather : pandas.DataFrame
        The weather year the models ran on.
    """

    ends: pd.DatetimeIndex
    interval_milli: dict[str, np.ndarray]
    gas_hourly_milli: np.ndarray
    weather: pd.DataFrame


def simulate(year: int, progress: Progress | None = None) -> DemoSeries:
    """Run the weather, PV, load and gas models for ``year``.

    Parameters
    ----------
    year : int
        Calendar year.
    progress : rich.progress.Progress, optional
        Receives one task per model step.

    Returns
    -------
    DemoSeries
        Every meter's quantities in integer thousandths of its unit.
    """
    task = _task(progress, "weather 气象 (clear sky × clouds)", 1)
    climate = weather.typical_year(year)
    _advance(progress, task)
    task = _task(progress, "rooftop PV 屋顶光伏 (pvlib PVWatts)", 1)
    pv_milli = to_milli(pv.generation_kwh(climate))
    _advance(progress, task)
    task = _task(progress, "plant load 负荷 and boiler gas 燃气", 1)
    submeters = load.submeter_energy_kwh(climate, year)
    gas_hourly = gas.hourly_totals(gas.boiler_gas_m3(climate, year))
    _advance(progress, task)
    interval_milli = {SUBMETER_IDS[name]: to_milli(submeters[name]) for name in SUBMETER_IDS}
    submeter_sum = np.sum([interval_milli[meter] for meter in SUBMETER_IDS.values()], axis=0)
    consumption = np.rint(submeter_sum * (1 + LOSS_FRACTION)).astype(np.int64)
    grid_import, grid_export = grid_exchange_milli(consumption, pv_milli)
    interval_milli.update({"PV-1": pv_milli, "GRID-IMP": grid_import, "GRID-EXP": grid_export})
    return DemoSeries(ends=pd.DatetimeIndex(climate.index), interval_milli=interval_milli,
                      gas_hourly_milli=to_milli(gas_hourly), weather=climate)


def write_meter_readings(readings_dir: Path, year: int, data: DemoSeries,
                         progress: Progress | None = None, task: TaskID | None = None) -> None:
    """Write ``readings/<meter_id>.csv`` for every meter in `METERS`."""
    ends = data.ends
    timestamps = list(ends.strftime("%Y-%m-%d %H:%M:%S"))
    anchor = f"{year}-01-01 00:00:00"
    starts = {"GRID-IMP": GRID_IMPORT_START_KWH, "GRID-EXP": GRID_EXPORT_START_KWH}
    for meter_id in ("PV-1", *SUBMETER_IDS.values()):
        values = format_milli(data.interval_milli[meter_id])
        stamps = timestamps
        if meter_id == GAP_METER:
            keep = ~gap_mask(ends, year)
            values = [v for v, k in zip(values, keep, strict=True) if k]
            stamps = [t for t, k in zip(timestamps, keep, strict=True) if k]
        write_readings(readings_dir / f"{meter_id}.csv", meter_id, stamps, values)
        _advance(progress, task)
    for meter_id, start_kwh in starts.items():
        counter = counter_readings_milli(round(start_kwh * MILLI),
                                         data.interval_milli[meter_id])
        write_readings(readings_dir / f"{meter_id}.csv", meter_id, [anchor, *timestamps],
                       format_milli(counter))
        _advance(progress, task)
    hourly_stamps = list(timeline.interval_ends(year, 60).strftime("%Y-%m-%d %H:%M:%S"))
    gas_counter = counter_readings_milli(round(gas.COUNTER_START_M3 * MILLI),
                                         data.gas_hourly_milli,
                                         round(gas.COUNTER_MODULUS_M3 * MILLI))
    write_readings(readings_dir / "GAS-BOILER.csv", "GAS-BOILER", [anchor, *hourly_stamps],
                   format_milli(gas_counter))
    _advance(progress, task)


def build_demo_package(out_dir: Path, *, year: int = 2025,
                       progress: Progress | None = None) -> Path:
    """Write the complete demo data package for ``year`` into ``out_dir``.

    Parameters
    ----------
    out_dir : pathlib.Path
        Target folder; created if needed. Files of the package are
        overwritten, other files are left alone.
    year : int
        Reporting year. Public holidays are modelled for 2025 only; other
        years use weekends only.
    progress : rich.progress.Progress, optional
        If given, a task is added and advanced for each long step.

    Returns
    -------
    pathlib.Path
        ``out_dir``.
    """
    out_dir = Path(out_dir)
    readings_dir = out_dir / "readings"
    readings_dir.mkdir(parents=True, exist_ok=True)
    data = simulate(year, progress)
    task = _task(progress, "writing files 写入数据包", 5 + len(METERS))
    (out_dir / "factory.yaml").write_text(FACTORY_YAML, encoding="utf-8")
    write_table(out_dir / "meters.csv", METER_COLUMNS, METERS)
    _advance(progress, task)
    _advance(progress, task)
    write_meter_readings(readings_dir, year, data, progress, task)
    write_table(out_dir / "activities.csv", ledgers.ACTIVITY_COLUMNS, ledgers.activities(year))
    _advance(progress, task)
    write_table(out_dir / "production.csv", ledgers.PRODUCTION_COLUMNS, ledgers.production(year))
    _advance(progress, task)
    write_table(out_dir / "instruments.csv", ledgers.INSTRUMENT_COLUMNS,
                ledgers.instruments(year))
    write_table(out_dir / "equipment.csv", ledgers.EQUIPMENT_COLUMNS, ledgers.EQUIPMENT)
    write_table(out_dir / "weather.csv", WEATHER_COLUMNS, daily_weather(data))
    _advance(progress, task)
    return out_dir
