"""A documented synthetic typical year of 15-minute weather for Wuxi, Jiangsu.

No measured Chinese irradiance ships with any package reachable offline, so
the demo builds a typical year from published monthly climate figures:

1. **Clear sky.** pvlib's Ineichen–Perez model with pvlib's bundled Linke
   turbidity climatology (``LinkeTurbidities.h5``), evaluated at the
   midpoint of every 15-minute interval [1]_.
2. **Monthly clearness.** The monthly mean daily clearness index
   ``K = H / H0`` follows from mean daily sunshine hours ``n`` and the
   astronomical day length ``N`` by the Ångström–Prescott relation with the
   FAO-56 default coefficients, ``K = 0.25 + 0.50 n / N`` (FAO-56 eq. 35)
   [2]_, times one calibration factor (`IRRADIANCE_CALIBRATION`), see below.
   Sunshine hours are the monthly means published for Nanjing, 150 km
   west of Wuxi [3]_.
3. **Daily clouds.** Each day's clear-sky index ``kc = H / H_clear`` is drawn
   from a Beta distribution (concentration `DAILY_KC_CONCENTRATION`) whose
   mean reproduces the month's clearness; the draws are then rescaled so that
   the month's ``sum(H) / sum(H0)`` equals the target exactly.
4. **Intraday clouds.** On broken-cloud days the clear-sky index fluctuates
   around the daily value with an AR(1) process whose standard deviation is
   ``INTRADAY_SIGMA * 4 kc (1 - kc)`` (zero on clear and overcast days); the
   fluctuation is rescaled so that each day keeps its drawn total.
5. **Decomposition.** Erbs et al. (1982) split GHI into DNI and DHI
   (``pvlib.irradiance.erbs``) [4]_.
6. **Air temperature.** Monthly mean daily minimum and maximum for Nanjing
   published by the China Meteorological Administration [5]_, interpolated
   between mid-months, plus a seeded AR(1) day-to-day anomaly; the daily
   range shrinks on cloudy days and the diurnal cycle is a cosine peaking
   at 15:00 local time.
7. **Wind.** A constant 2 m/s, the monthly average given for Nanjing [6]_.

Calibration. With the FAO-56 default coefficients the sunshine figures give
an annual GHI of about 1,590 kWh/m², well above what is measured in southern
Jiangsu (Ångström–Prescott defaults overestimate under the hazy skies of the
Yangtze delta). `IRRADIANCE_CALIBRATION` scales the monthly clearness so
that the rooftop system of `lingtan.demo.pv` yields the published specific
yield for Jiangsu (see `pv.REFERENCE_SPECIFIC_YIELD_KWH_PER_KWP`); the
resulting GHI (about 1,340 kWh/m²) is in the range quoted for the region.

References
----------
.. [1] Ineichen, P. and Perez, R. (2002), "A new airmass independent
   formulation for the Linke turbidity coefficient", Solar Energy 73,
   151-157; Remund, J. et al. (2003), "Worldwide Linke turbidity
   information", ISES Solar World Congress.
.. [2] Allen, R. G., Pereira, L. S., Raes, D., Smith, M. (1998), FAO
   Irrigation and Drainage Paper 56, chapter 3, equations 21-25, 34, 35.
.. [3] weather2visit.com, "Nanjing monthly weather averages", average
   daily sunshine (https://www.weather2visit.com/asia/china/nanjing.htm).
.. [4] Erbs, D. G., Klein, S. A., Duffie, J. A. (1982), "Estimation of the
   diffuse radiation fraction for hourly, daily and monthly-average global
   radiation", Solar Energy 28, 293-302.
.. [5] China Meteorological Administration normals for Nanjing as given in
   the climate chart of the English Wikipedia article "Nanjing" (section
   "Climate and environment", source = CMA).
.. [6] avionero.com, "Climate in Nanjing", average wind speed by month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib

from lingtan.demo import stochastic, timeline
from lingtan.demo._quiet import pvlib_warnings_silenced


@dataclass(frozen=True)
class Site:
    """Geographic site of the demo plant."""

    name: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    tz: str = timeline.TIMEZONE


# pvlib.location.lookup_altitude(31.57, 120.30) returns -2 m (a grid cell
# next to Lake Taihu); the Wuxi plain lies about 4-5 m above sea level.
WUXI = Site(name="Wuxi, Jiangsu", latitude_deg=31.57, longitude_deg=120.30, altitude_m=5.0)

# [3] mean daily sunshine duration, Nanjing, January..December [h/d].
SUNSHINE_HOURS_PER_DAY = (5.1, 4.9, 5.1, 5.9, 6.7, 6.7, 7.3, 8.1, 6.1, 6.1, 5.6, 5.5)

# [5] CMA normals, Nanjing, mean daily minimum and maximum [degC].
TEMP_MIN_C = (-0.7, 1.4, 5.3, 11.0, 16.5, 21.0, 24.9, 24.4, 19.9, 13.6, 6.8, 1.1)
TEMP_MAX_C = (7.2, 9.5, 14.2, 20.7, 26.2, 29.1, 32.2, 31.7, 27.7, 22.5, 16.2, 9.9)

ANGSTROM_A = 0.25  # FAO-56 eq. 35 default a_s [-]
ANGSTROM_B = 0.50  # FAO-56 eq. 35 default b_s [-]
IRRADIANCE_CALIBRATION = 0.84  # see module docstring [-]
DAILY_KC_CONCENTRATION = 3.0  # Beta alpha + beta of the daily clear-sky index [-]
INTRADAY_SIGMA = 0.25  # peak std of intraday clear-sky-index noise [-]
INTRADAY_AR1 = 0.8  # lag-1 autocorrelation of intraday noise, 15 min [-]
TEMP_ANOMALY_SIGMA_C = 2.0  # std of the daily temperature anomaly [K]
TEMP_ANOMALY_AR1 = 0.7  # lag-1 autocorrelation of the daily anomaly [-]
WIND_SPEED_M_PER_S = 2.0  # [6]
KC_MIN, KC_MAX = 0.05, 1.0  # bounds of the daily clear-sky index [-]


def daylight_hours(latitude_deg: float, day_of_year: np.ndarray) -> np.ndarray:
    """Astronomical day length (FAO-56 eqs. 24, 25, 34).

    Parameters
    ----------
    latitude_deg : float
        Latitude [deg], north positive.
    day_of_year : numpy.ndarray
        Day of year 1-366.

    Returns
    -------
    numpy.ndarray
        Maximum possible sunshine duration ``N`` [h].
    """
    phi = np.radians(latitude_deg)
    declination = 0.409 * np.sin(2 * np.pi * day_of_year / 365 - 1.39)
    sunset_hour_angle = np.arccos(np.clip(-np.tan(phi) * np.tan(declination), -1, 1))
    return 24 / np.pi * sunset_hour_angle


def angstrom_prescott_clearness(
    sunshine_hours: np.ndarray, daylight_hours_: np.ndarray, a: float = ANGSTROM_A,
    b: float = ANGSTROM_B,
) -> np.ndarray:
    """Clearness index ``H / H0`` from relative sunshine (FAO-56 eq. 35).

    Parameters
    ----------
    sunshine_hours : numpy.ndarray
        Actual sunshine duration ``n`` [h].
    daylight_hours_ : numpy.ndarray
        Maximum possible sunshine duration ``N`` [h].
    a, b : float
        Ångström–Prescott coefficients [-].

    Returns
    -------
    numpy.ndarray
        Clearness index [-].
    """
    return a + b * np.asarray(sunshine_hours) / np.asarray(daylight_hours_)


def monthly_clearness_index(site: Site, year: int) -> np.ndarray:
    """Target monthly mean clearness index ``H / H0`` for the site.

    Parameters
    ----------
    site : Site
        The site (its latitude sets the day length).
    year : int
        Calendar year.

    Returns
    -------
    numpy.ndarray
        Twelve values, January..December [-], including
        `IRRADIANCE_CALIBRATION`.
    """
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    day_length_h = pd.Series(daylight_hours(site.latitude_deg, days.day_of_year.to_numpy()))
    monthly_day_length_h = day_length_h.groupby(days.month).mean().to_numpy()
    clearness = angstrom_prescott_clearness(np.array(SUNSHINE_HOURS_PER_DAY), monthly_day_length_h)
    return IRRADIANCE_CALIBRATION * clearness


def clear_sky(site: Site, midpoints: pd.DatetimeIndex) -> pd.DataFrame:
    """Sun position and Ineichen clear-sky irradiance at interval midpoints.

    Parameters
    ----------
    site : Site
        The site.
    midpoints : pandas.DatetimeIndex
        Time-zone-aware interval midpoints.

    Returns
    -------
    pandas.DataFrame
        Columns ``solar_zenith_deg``, ``solar_azimuth_deg``,
        ``apparent_zenith_deg``, ``ghi_clear_w_per_m2``,
        ``ghi_extra_w_per_m2`` (extraterrestrial on the horizontal) and
        ``dni_extra_w_per_m2``.
    """
    location = pvlib.location.Location(
        site.latitude_deg, site.longitude_deg, tz=site.tz, altitude=site.altitude_m
    )
    with pvlib_warnings_silenced():
        solar_position = location.get_solarposition(midpoints)
        clear = location.get_clearsky(midpoints, model="ineichen", solar_position=solar_position)
        dni_extra = pvlib.irradiance.get_extra_radiation(midpoints)
    cos_zenith = np.cos(np.radians(solar_position["zenith"].to_numpy())).clip(min=0)
    return pd.DataFrame(
        {
            "solar_zenith_deg": solar_position["zenith"].to_numpy(),
            "solar_azimuth_deg": solar_position["azimuth"].to_numpy(),
            "apparent_zenith_deg": solar_position["apparent_zenith"].to_numpy(),
            "ghi_clear_w_per_m2": clear["ghi"].to_numpy(),
            "ghi_extra_w_per_m2": np.asarray(dni_extra) * cos_zenith,
            "dni_extra_w_per_m2": np.asarray(dni_extra),
        },
        index=midpoints,
    )


def daily_clear_sky_index(
    clearness_target: np.ndarray, daily_clear: pd.Series, daily_extra: pd.Series,
    rng: np.random.Generator,
) -> pd.Series:
    """Draw each day's clear-sky index so that monthly clearness is met.

    Parameters
    ----------
    clearness_target : numpy.ndarray
        Monthly clearness ``sum(H) / sum(H0)`` to reproduce, January..December
        [-].
    daily_clear : pandas.Series
        Clear-sky horizontal irradiation of every day, indexed by date
        [any energy unit per m²].
    daily_extra : pandas.Series
        Extraterrestrial horizontal irradiation of every day, same unit.
    rng : numpy.random.Generator
        Seeded generator.

    Returns
    -------
    pandas.Series
        Daily clear-sky index ``kc = H / H_clear`` in [`KC_MIN`, `KC_MAX`],
        by date [-].
    """
    months = pd.DatetimeIndex(daily_clear.index).month.to_numpy()
    kc = np.empty(len(months))
    for month in range(1, 13):
        in_month = months == month
        clear = daily_clear.to_numpy()[in_month]
        extra_total = daily_extra.to_numpy()[in_month].sum()
        target_total = clearness_target[month - 1] * extra_total
        mean_kc = float(np.clip(target_total / clear.sum(), 0.1, 0.95))
        draws = rng.beta(mean_kc * DAILY_KC_CONCENTRATION,
                         (1 - mean_kc) * DAILY_KC_CONCENTRATION, size=in_month.sum())
        for _ in range(8):  # rescale, clip, repeat: converges in a few passes
            draws = np.clip(draws * target_total / (draws * clear).sum(), KC_MIN, KC_MAX)
        kc[in_month] = draws
    return pd.Series(kc, index=daily_clear.index, name="kc")


def intraday_ghi(ghi_clear_w_per_m2: np.ndarray, kc_interval: np.ndarray,
                 dates: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """GHI with broken-cloud fluctuations that keep each day's total.

    Parameters
    ----------
    ghi_clear_w_per_m2 : numpy.ndarray
        Clear-sky GHI at each interval [W/m²].
    kc_interval : numpy.ndarray
        The day's clear-sky index, repeated for every interval [-].
    dates : pandas.DatetimeIndex
        Calendar date of every interval.
    rng : numpy.random.Generator
        Seeded generator.

    Returns
    -------
    numpy.ndarray
        GHI [W/m²], >= 0; each day's sum equals ``kc`` times the day's
        clear-sky sum.
    """
    fluctuation = stochastic.ar1(len(kc_interval), INTRADAY_AR1, 1.0, rng)
    sigma = INTRADAY_SIGMA * 4 * kc_interval * (1 - kc_interval)
    ghi = ghi_clear_w_per_m2 * np.clip(kc_interval * (1 + sigma * fluctuation), 0.0, 1.1)
    target = pd.Series(ghi_clear_w_per_m2 * kc_interval).groupby(dates).transform("sum")
    achieved = pd.Series(ghi).groupby(dates).transform("sum")
    scale = np.divide(target.to_numpy(), achieved.to_numpy(),
                      out=np.ones(len(ghi)), where=achieved.to_numpy() > 0)
    return ghi * scale


def air_temperature(
    ends: pd.DatetimeIndex, kc_daily: pd.Series, rng: np.random.Generator
) -> np.ndarray:
    """Air temperature from monthly normals, a daily anomaly and a diurnal cycle.

    Parameters
    ----------
    ends : pandas.DatetimeIndex
        Naive local interval ends.
    kc_daily : pandas.Series
        Daily clear-sky index, indexed by date [-].
    rng : numpy.random.Generator
        Seeded generator.

    Returns
    -------
    numpy.ndarray
        Air temperature at each interval midpoint [degC].
    """
    days = pd.DatetimeIndex(kc_daily.index)
    mid_month_doy = pd.to_datetime([f"{days[0].year}-{m:02d}-15" for m in range(1, 13)]).day_of_year
    doy = days.day_of_year.to_numpy()
    period = 365 if len(days) == 365 else 366
    xp = np.concatenate([mid_month_doy - period, mid_month_doy, mid_month_doy + period])
    t_min = np.interp(doy, xp, np.tile(TEMP_MIN_C, 3))
    t_max = np.interp(doy, xp, np.tile(TEMP_MAX_C, 3))
    anomaly = stochastic.ar1(len(days), TEMP_ANOMALY_AR1, TEMP_ANOMALY_SIGMA_C, rng)
    daily_mean = pd.Series((t_min + t_max) / 2 + anomaly, index=days)
    half_range = pd.Series((t_max - t_min) / 2 * (0.4 + 0.6 * kc_daily.to_numpy()), index=days)
    dates = timeline.interval_dates(ends)
    hours = timeline.hour_of_day(ends).to_numpy()
    diurnal = np.cos(2 * np.pi * (hours - 15.0) / 24)
    return daily_mean.reindex(dates).to_numpy() + half_range.reindex(dates).to_numpy() * diurnal


def typical_year(year: int, site: Site = WUXI, seed: int = 20250101) -> pd.DataFrame:
    """Synthetic typical-year weather at 15-minute resolution.

    Parameters
    ----------
    year : int
        Calendar year of the time axis.
    site : Site
        The site.
    seed : int
        Seed of the cloud and temperature draws.

    Returns
    -------
    pandas.DataFrame
        Indexed by naive local interval end; columns ``ghi_w_per_m2``,
        ``dni_w_per_m2``, ``dhi_w_per_m2``, ``temp_air_c``,
        ``wind_speed_m_per_s``, ``solar_zenith_deg``, ``solar_azimuth_deg``,
        ``apparent_zenith_deg``, ``dni_extra_w_per_m2``, ``kc_daily``.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, year, 1]))
    ends = timeline.interval_ends(year)
    midpoints = timeline.interval_midpoints(ends, site.tz)
    sky = clear_sky(site, midpoints)
    dates = timeline.interval_dates(ends)
    daily = sky[["ghi_clear_w_per_m2", "ghi_extra_w_per_m2"]].groupby(dates).sum()
    kc_daily = daily_clear_sky_index(monthly_clearness_index(site, year),
                                     daily["ghi_clear_w_per_m2"], daily["ghi_extra_w_per_m2"], rng)
    kc_interval = kc_daily.reindex(dates).to_numpy()
    ghi = intraday_ghi(sky["ghi_clear_w_per_m2"].to_numpy(), kc_interval, dates, rng)
    with pvlib_warnings_silenced():
        split = pvlib.irradiance.erbs(pd.Series(ghi, index=midpoints),
                                      sky["solar_zenith_deg"], midpoints)
    weather = pd.DataFrame(
        {
            "ghi_w_per_m2": ghi,
            "dni_w_per_m2": np.nan_to_num(np.asarray(split["dni"], dtype=float)),
            "dhi_w_per_m2": np.nan_to_num(np.asarray(split["dhi"], dtype=float)),
            "temp_air_c": air_temperature(ends, kc_daily, rng),
            "wind_speed_m_per_s": np.full(len(ends), WIND_SPEED_M_PER_S),
            "solar_zenith_deg": sky["solar_zenith_deg"].to_numpy(),
            "solar_azimuth_deg": sky["solar_azimuth_deg"].to_numpy(),
            "apparent_zenith_deg": sky["apparent_zenith_deg"].to_numpy(),
            "dni_extra_w_per_m2": sky["dni_extra_w_per_m2"].to_numpy(),
            "kc_daily": kc_interval,
        },
        index=ends,
    )
    weather.index.name = "timestamp"
    return weather


def annual_irradiation_kwh_per_m2(weather: pd.DataFrame) -> float:
    """Annual global horizontal irradiation [kWh/m²] of a 15-minute weather frame."""
    return float(weather["ghi_w_per_m2"].sum() * timeline.HOURS_PER_INTERVAL / 1000)
