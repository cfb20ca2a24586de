"""Working calendar: 2025 holidays from 国办发明电〔2024〕12号, weekends otherwise."""

from __future__ import annotations

import datetime as dt

from lingtan.demo import workdays


def test_2025_holiday_days_match_the_notice() -> None:
    holidays = workdays.public_holidays(2025)
    # 元旦 1 + 春节 8 + 清明 3 + 劳动节 5 + 端午 3 + 国庆中秋 8 = 28 days off
    assert len(holidays) == 28
    assert holidays[dt.date(2025, 1, 28)] == "春节"
    assert holidays[dt.date(2025, 10, 8)] == "国庆节、中秋节"
    assert dt.date(2025, 10, 9) not in holidays


def test_make_up_days_are_working_days() -> None:
    assert workdays.day_type(dt.date(2025, 4, 27)) == workdays.FULL  # a Sunday, 调休上班
    assert workdays.day_type(dt.date(2025, 10, 11)) == workdays.FULL  # a Saturday
    assert workdays.day_type(dt.date(2025, 1, 26)) == workdays.SHUTDOWN  # inside the shutdown


def test_day_types_2025() -> None:
    assert workdays.day_type(dt.date(2025, 5, 1)) == workdays.OFF
    assert workdays.day_type(dt.date(2025, 2, 3)) == workdays.SHUTDOWN
    assert workdays.day_type(dt.date(2025, 2, 7)) == workdays.FULL
    assert workdays.day_type(dt.date(2025, 3, 15)) == workdays.SATURDAY
    assert workdays.day_type(dt.date(2025, 3, 16)) == workdays.OFF


def test_other_years_use_weekends_only() -> None:
    assert workdays.public_holidays(2026) == {}
    types = workdays.day_types(2026)
    assert set(types.unique()) == {workdays.FULL, workdays.SATURDAY, workdays.OFF}
    assert workdays.day_type(dt.date(2026, 1, 1)) == workdays.FULL  # a Thursday


def test_production_days_per_month() -> None:
    days = workdays.production_days_per_month(2025)
    assert len(days) == 12
    assert days[2] < days[3]  # Spring Festival shutdown
    assert 240 < days.sum() < 290
