"""Input checks shared by the matching modules; every failure is an :class:`InputError`.

:class:`lingtan.errors.InputError` subclasses ``ValueError``; messages name the first
bad index.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lingtan.errors import InputError

FloatArray = npt.NDArray[np.float64]
DatetimeArray = npt.NDArray[np.datetime64]
#: One hour in nanoseconds.
HOUR_NS = 3_600_000_000_000


def check_energy_kwh(name: str, energy_kwh: npt.ArrayLike) -> FloatArray:
    """Return ``energy_kwh`` as a float array of shape ``(hours,)`` or ``(meters, hours)``.

    Raises
    ------
    InputError (a ValueError)
        If the array is empty, has another number of dimensions, or holds a NaN, an
        infinite or a negative value (the message names the first bad index).
    """
    arr = np.asarray(energy_kwh, dtype=np.float64)
    if arr.ndim not in (1, 2):
        raise InputError(f"{name} must have shape (hours,) or (meters, hours), got {arr.shape}")
    if arr.size == 0:
        raise InputError(f"{name} is empty: there are no hours to match")
    bad = ~((arr >= 0.0) & (arr < np.inf))
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = idx[0] if len(idx) == 1 else idx
        raise InputError(f"{name}[{where}] is {arr[idx]}: energy must be finite and ≥ 0 kWh")
    return arr


def check_share(name: str, share: npt.ArrayLike, shape: tuple[int, ...]) -> FloatArray:
    """Return ``share`` [fraction] broadcast to ``shape``; every value must be in [0, 1]."""
    arr = np.asarray(share, dtype=np.float64)
    try:
        out = np.broadcast_to(arr, shape)
    except ValueError:
        raise InputError(f"{name} of shape {arr.shape} does not fit the load's {shape}") from None
    bad = ~((arr >= 0.0) & (arr <= 1.0))
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
        raise InputError(f"{name}{list(idx) if idx else ''} is {arr[idx]}: must be in [0, 1]")
    return out


def check_timestamps(name: str, ts_utc: npt.ArrayLike) -> DatetimeArray:
    """Return ``ts_utc`` as a 1-D ``datetime64[ns]`` array (naive, meaning UTC), no NaT."""
    arr = np.asarray(ts_utc)
    if arr.dtype.kind != "M":
        raise InputError(f"{name} must be an array of numpy datetime64 (UTC), got {arr.dtype}")
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    arr = arr.astype("datetime64[ns]")
    nat = np.isnat(arr)
    if nat.any():
        raise InputError(f"{name}[{int(np.argmax(nat))}] is NaT")
    return arr


def check_hours(hours_utc: npt.ArrayLike) -> DatetimeArray:
    """Return the hour labels (end of each hour, UTC): on the hour and strictly increasing."""
    hours = check_timestamps("hours_utc", hours_utc)
    ns = hours.view(np.int64)
    off = ns % HOUR_NS != 0
    if off.any():
        i = int(np.argmax(off))
        raise InputError(f"hours_utc[{i}] = {hours[i]} is not on the hour")
    back = np.diff(ns) <= 0
    if back.any():
        i = int(np.argmax(back)) + 1
        raise InputError(f"hours_utc[{i}] = {hours[i]} does not follow hours_utc[{i - 1}]")
    return hours
