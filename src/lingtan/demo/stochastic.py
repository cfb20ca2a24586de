"""Seeded stochastic building blocks shared by the demo models."""

from __future__ import annotations

import numpy as np


def ar1(n: int, rho: float, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Stationary first-order autoregressive process with zero mean.

    ``x[0] ~ N(0, sigma²)`` and ``x[t] = rho x[t-1] + e[t]`` with
    ``e ~ N(0, sigma² (1 - rho²))``, so every ``x[t]`` has standard deviation
    ``sigma``.

    Parameters
    ----------
    n : int
        Length.
    rho : float
        Lag-1 autocorrelation [-], ``|rho| < 1``.
    sigma : float
        Marginal standard deviation.
    rng : numpy.random.Generator
        Seeded generator.

    Returns
    -------
    numpy.ndarray
        The process, length ``n``.
    """
    shocks = rng.standard_normal(n) * sigma * np.sqrt(1 - rho**2)
    if n:
        shocks[0] /= np.sqrt(1 - rho**2)
    series = np.empty(n)
    previous = 0.0
    for i in range(n):
        previous = rho * previous + shocks[i]
        series[i] = previous
    return series
