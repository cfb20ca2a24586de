"""The site's daily weather (``weather.csv``: ``date, temp_air_c``) for degree-days."""

from __future__ import annotations

import csv
import datetime as dt
import io

from lingtan.errors import PackageError, Problem
from lingtan.ingest import fields as f


def read_daily_weather(text: str, file: str = "weather.csv") -> dict[dt.date, float]:
    """Daily mean outdoor temperature [°C] by local date.

    Raises
    ------
    PackageError
        Naming file, row and field: missing columns, bad dates or numbers, repeated days.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or {"date", "temp_air_c"} - set(reader.fieldnames):
        raise PackageError([Problem(file, 1, None, "columns must be date, temp_air_c")])
    out: dict[dt.date, float] = {}
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        try:
            day = f.date(row["date"])
        except ValueError as exc:
            problems.append(Problem(file, line, "date", str(exc)))
            continue
        try:
            temp = f.number(row["temp_air_c"], minimum=-90.0)
        except ValueError as exc:
            problems.append(Problem(file, line, "temp_air_c", str(exc)))
            continue
        if day in out:
            problems.append(Problem(file, line, "date", f"{day} appears twice"))
        out[day] = temp
    if problems:
        raise PackageError(problems)
    return out
