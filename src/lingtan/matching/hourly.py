"""Hourly (24/7) matching of electricity load with carbon-free supply.

Three published measures of how much of a load is covered by clean electricity:

- **annual volumetric matching** — ``min(1, ΣC / ΣL)``: the annual-total claim of the
  current GHG Protocol Scope 2 market-based method;
- **hourly matching** — ``Σ_h min(L_h, C_h) / Σ_h L_h``: clean supply counts only in
  the hour it is produced; a surplus in one hour is lost, never carried to another hour
  (EnergyTag granular certificates, interval ≤ 1 h [2]_; hourly matching proposed in the
  GHG Protocol Scope 2 revision [3]_);
- **CFE score** (Google's carbon-free energy percentage [1]_)::

      CFE_h = min(L_h, C_h) + g_h × max(0, L_h − C_h)
      CFE%  = Σ_h CFE_h / Σ_h L_h

  where the load not matched by contracted clean supply is served by the grid, of which
  the share ``g_h`` is carbon-free.

``L`` is the site's electricity consumption [kWh] (grid import plus self-consumed on-site
generation), ``C`` the clean supply in the same grid region [kWh] (on-site generation
plus contracted deliveries), ``g`` the grid's carbon-free share [fraction, 0–1].
Annual matching is never smaller than hourly matching, and the CFE score never smaller
than hourly matching (domain.md §8).

Every function accepts one meter (arrays of shape ``(hours,)``, result a ``float``) or
many meters at once (shape ``(meters, hours)``, result one value per meter), vectorised
with numpy. Hours are labelled by the UTC instant at which they **end**, like every
interval timestamp in lingtan (docs/conventions.md).

References
----------
.. [1] Google, "24/7 Carbon-Free Energy: Methodologies and Metrics" (2021) and the
   Google Cloud region CFE% dataset description: CFE% is computed for every hour in every
   region, counting the grid's carbon-free supply and contracted clean energy in that
   location; domain.md §8.
.. [2] EnergyTag, Granular Certificate Scheme Standard (2022): production interval
   ≤ 1 hour; domain.md §8.
.. [3] GHG Protocol, Scope 2 Guidance revision, public consultation 2025-10-20 to
   2025-12-19: hourly matching of contractual instruments within the same market
   boundary; domain.md §8.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from lingtan.errors import InputError
from lingtan.matching._checks import FloatArray, check_energy_kwh, check_hours, check_share
from lingtan.matching.profiles import DEFAULT_TIMEZONE, local_month_hour

#: A per-meter result: a ``float`` for one meter, an array of shape ``(meters,)`` for many.
PerMeter = float | FloatArray


# -- helpers -----------------------------------------------------------------------------
def _pair(load_kwh: npt.ArrayLike, clean_kwh: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    load = check_energy_kwh("load_kwh", load_kwh)
    clean = check_energy_kwh("clean_kwh", clean_kwh)
    if load.shape != clean.shape:
        raise InputError(f"clean_kwh has shape {clean.shape}, load_kwh {load.shape}")
    return load, clean


def _total_load(load: FloatArray) -> FloatArray:
    total = load.sum(axis=-1)
    zero = np.atleast_1d(total) == 0.0
    if zero.any():
        which = "" if load.ndim == 1 else f" of meter {int(np.argmax(zero))}"
        raise InputError(f"the total load{which} is 0 kWh: matching shares are undefined")
    return np.asarray(total)


def _out(values: FloatArray) -> PerMeter:
    return float(values) if values.ndim == 0 else values


# -- the three measures --------------------------------------------------------------------
def annual_matching(load_kwh: npt.ArrayLike, clean_kwh: npt.ArrayLike) -> PerMeter:
    """Annual volumetric matching ``min(1, ΣC / ΣL)`` [fraction].

    Parameters
    ----------
    load_kwh : array_like, shape (hours,) or (meters, hours)
        Electricity consumption per hour [kWh].
    clean_kwh : array_like, same shape
        Clean supply per hour [kWh].

    Returns
    -------
    float or ndarray of shape (meters,)

    References
    ----------
    GHG Protocol Scope 2 Guidance (2015), market-based method with annual instruments;
    domain.md §8.
    """
    load, clean = _pair(load_kwh, clean_kwh)
    total = _total_load(load)
    return _out(np.minimum(clean.sum(axis=-1), total) / total)  # = min(1, ΣC/ΣL), no overflow


def hourly_matching(load_kwh: npt.ArrayLike, clean_kwh: npt.ArrayLike) -> PerMeter:
    """Hourly matching ``Σ_h min(L_h, C_h) / Σ_h L_h`` [fraction].

    A surplus of clean supply in one hour is lost: it is never carried to another hour.
    Parameters and return as in :func:`annual_matching`.

    References
    ----------
    EnergyTag Granular Certificate Scheme Standard (2022); GHG Protocol Scope 2 revision
    consultation (2025); domain.md §8.
    """
    load, clean = _pair(load_kwh, clean_kwh)
    return _out(np.minimum(load, clean).sum(axis=-1) / _total_load(load))


def cfe_score(
    load_kwh: npt.ArrayLike, clean_kwh: npt.ArrayLike, grid_cfe_share: npt.ArrayLike
) -> PerMeter:
    """Carbon-free energy score ``Σ_h [min(L_h, C_h) + g_h·max(0, L_h − C_h)] / Σ_h L_h``.

    Parameters
    ----------
    load_kwh, clean_kwh : array_like, shape (hours,) or (meters, hours)
        As in :func:`annual_matching` [kWh].
    grid_cfe_share : float or array_like broadcastable to the load's shape
        Carbon-free share of grid electricity in each hour [fraction, 0–1].

    Returns
    -------
    float or ndarray of shape (meters,)

    References
    ----------
    Google, 24/7 CFE methodology and the Cloud region CFE% dataset; domain.md §8.
    """
    load, clean = _pair(load_kwh, clean_kwh)
    share = check_share("grid_cfe_share", grid_cfe_share, load.shape)
    matched = np.minimum(load, clean)
    cfe = matched + share * (load - matched)
    return _out(cfe.sum(axis=-1) / _total_load(load))


# -- sources of clean supply ---------------------------------------------------------------
def onsite_split(
    load_kwh: npt.ArrayLike, generation_kwh: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Split on-site generation into self-consumed and exported energy, hour by hour.

    ``self_consumed_h = min(L_h, G_h)`` and ``export_h = G_h − self_consumed_h`` [kWh].
    """
    load = check_energy_kwh("load_kwh", load_kwh)
    gen = check_energy_kwh("generation_kwh", generation_kwh)
    if gen.shape != load.shape:
        raise InputError(f"generation_kwh has shape {gen.shape}, load_kwh {load.shape}")
    self_consumed = np.minimum(load, gen)
    return self_consumed, gen - self_consumed


# -- the whole view ------------------------------------------------------------------------
@dataclass(frozen=True)
class MatchingResult:
    """Hourly view of one or many meters; every field per meter (``float`` for one meter).

    Attributes
    ----------
    annual, hourly, cfe : float or ndarray
        Annual volumetric matching, hourly matching and CFE score [fraction].
    load_kwh, clean_supplied_kwh : float or ndarray
        Total consumption and total clean supply (on-site + contracted) [kWh].
    matched_kwh, unmatched_kwh, surplus_kwh : float or ndarray
        ``Σ min(L, C)``, ``Σ max(0, L − C)`` and ``Σ max(0, C − L)`` [kWh]; matched +
        unmatched = load and matched + surplus = clean supplied.
    onsite_self_consumed_kwh, onsite_export_kwh : float or ndarray
        On-site generation used on site and exported [kWh] (0 without generation).
    by_month_hour : ndarray, shape (12, 24) or (meters, 12, 24)
        Hourly matching share per local month (rows, January first) and local hour of day
        (columns, the hour starting 00:00 first); NaN where that cell has no load.
    """

    annual: PerMeter
    hourly: PerMeter
    cfe: PerMeter
    load_kwh: PerMeter
    clean_supplied_kwh: PerMeter
    matched_kwh: PerMeter
    unmatched_kwh: PerMeter
    surplus_kwh: PerMeter
    onsite_self_consumed_kwh: PerMeter
    onsite_export_kwh: PerMeter
    by_month_hour: FloatArray


def match_hourly(
    load_kwh: npt.ArrayLike,
    hours_utc: npt.ArrayLike,
    *,
    generation_kwh: npt.ArrayLike | None = None,
    contracted_kwh: npt.ArrayLike | Sequence[npt.ArrayLike] = (),
    grid_cfe_share: npt.ArrayLike = 0.0,
    timezone: str = DEFAULT_TIMEZONE,
) -> MatchingResult:
    """Match load with on-site generation and contracted hourly supply, hour by hour.

    Parameters
    ----------
    load_kwh : array_like, shape (hours,) or (meters, hours)
        Electricity consumption per hour [kWh]: grid import plus self-consumed on-site
        generation (not the net grid import).
    hours_utc : array_like of datetime64, shape (hours,)
        End of each hour, UTC, strictly increasing, on the hour.
    generation_kwh : array_like, same shape as the load, optional
        On-site generation per hour [kWh]; the self-consumed part counts as clean supply
        first, the rest is exported (and counts as surplus).
    contracted_kwh : array_like or sequence of them, each of the load's shape or (hours,)
        Contracted clean deliveries per hour [kWh] (green-power trades, PPAs), e.g. from
        :func:`lingtan.matching.shape_monthly_to_hours`; summed.
    grid_cfe_share : float or array_like broadcastable to the load's shape
        Carbon-free share of grid electricity [fraction, 0–1].
    timezone : str
        IANA time zone of the site, for ``by_month_hour``.

    Returns
    -------
    MatchingResult
    """
    load = check_energy_kwh("load_kwh", load_kwh)
    hours = check_hours(hours_utc)
    if hours.shape[0] != load.shape[-1]:
        raise InputError(f"hours_utc has {hours.shape[0]} hours, load_kwh {load.shape[-1]}")
    clean = _contracted(contracted_kwh, load.shape)
    self_consumed_kwh = export_kwh = np.zeros(load.shape[:-1])
    if generation_kwh is not None:
        self_consumed, export = onsite_split(load, generation_kwh)
        clean += self_consumed + export
        self_consumed_kwh, export_kwh = self_consumed.sum(axis=-1), export.sum(axis=-1)
    share = check_share("grid_cfe_share", grid_cfe_share, load.shape)
    total = _total_load(load)
    matched = np.minimum(load, clean)
    matched_sum, clean_sum = matched.sum(axis=-1), clean.sum(axis=-1)
    unmatched = total - matched_sum
    return MatchingResult(
        annual=_out(np.minimum(clean_sum, total) / total),
        hourly=_out(matched_sum / total),
        cfe=_out((matched_sum + (share * (load - matched)).sum(axis=-1)) / total),
        load_kwh=_out(total),
        clean_supplied_kwh=_out(clean_sum),
        matched_kwh=_out(matched_sum),
        unmatched_kwh=_out(unmatched),
        surplus_kwh=_out(clean_sum - matched_sum),
        onsite_self_consumed_kwh=_out(self_consumed_kwh),
        onsite_export_kwh=_out(export_kwh),
        by_month_hour=_by_month_hour(load, matched, hours, timezone),
    )


def _contracted(contracted_kwh: Any, shape: tuple[int, ...]) -> FloatArray:
    """Sum of the contracted profiles, broadcast to ``shape`` [kWh]."""
    if isinstance(contracted_kwh, np.ndarray) or (
        isinstance(contracted_kwh, Sequence) and contracted_kwh
        and np.ndim(contracted_kwh[0]) == 0
    ):
        contracted_kwh = [contracted_kwh]
    total = np.zeros(shape)
    for i, profile in enumerate(contracted_kwh):
        arr = check_energy_kwh(f"contracted_kwh[{i}]", profile)
        try:
            total += arr  # copies: the caller's arrays are never changed
        except ValueError:
            raise InputError(f"contracted_kwh[{i}] of shape {arr.shape} does not fit the "
                             f"load's {shape}") from None
    return total


def _by_month_hour(
    load: FloatArray, matched: FloatArray, hours: npt.NDArray[np.datetime64], timezone: str
) -> FloatArray:
    """Σ matched / Σ load per (local month, local hour of day), shape (..., 12, 24)."""
    cell = local_month_hour(hours, timezone)
    order = np.argsort(cell, kind="stable")
    cells, starts = np.unique(cell[order], return_index=True)
    load_cells = np.add.reduceat(load[..., order], starts, axis=-1)
    matched_cells = np.add.reduceat(matched[..., order], starts, axis=-1)
    out = np.full((*load.shape[:-1], 12 * 24), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[..., cells] = np.where(load_cells > 0, matched_cells / load_cells, np.nan)
    return out.reshape(*load.shape[:-1], 12, 24)
