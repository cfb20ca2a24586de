"""Rooftop PV generation of the demo plant with pvlib's PVWatts chain.

The system is a 2,940 kWp array (5,250 glass-glass modules of 560 W) on the
steel roofs of the workshops, 22° tilt facing south, with string inverters
of 2,500 kW AC in total (DC/AC ratio 1.18), connected behind the plant's
10 kV incoming meter (自发自用、余电上网: self-consumption, surplus export).

Model chain (one pvlib function per step):

1. plane-of-array irradiance, Hay–Davies transposition, ground albedo 0.2
   (``pvlib.irradiance.get_total_irradiance``);
2. incidence-angle losses on the beam component (``pvlib.iam.physical``);
3. cell temperature, SAPM open-rack glass-glass
   (``pvlib.temperature.sapm_cell``);
4. DC power, PVWatts with γ = −0.35 %/K (``pvlib.pvsystem.pvwatts_dc``);
5. system losses of 14.08 %, the PVWatts defaults: soiling 2 %, shading
   3 %, mismatch 2 %, wiring 2 %, connections 0.5 %, LID 1.5 %, nameplate
   1 %, availability 3 % (``pvlib.pvsystem.pvwatts_losses``);
6. inverter, PVWatts efficiency curve, 96 % nominal, clipped at the AC
   rating (``pvlib.inverter.pvwatts``).

Reference yield. The published figure the demo is checked against is
`REFERENCE_SPECIFIC_YIELD_KWH_PER_KWP` = 1,100 kWh/kWp per year: the
"reasonable utilisation hours" for PV in resource zone III (which includes
Jiangsu), 22,000 h over a 20-year life, in 财建〔2020〕426号 (Ministry of
Finance, NDRC, NEA, 2020). The figure was recalled, not re-read here; it is
consistent with the NEA's national average of 1,133 full-load hours in 2015
(NEA, "2015年光伏发电相关统计数据") and its statement that East China has the
lowest PV productivity of all regions (NEA, "2020年一季度光伏发电并网运行情况").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib

from lingtan.demo import timeline
from lingtan.demo._quiet import pvlib_warnings_silenced

REFERENCE_SPECIFIC_YIELD_KWH_PER_KWP = 1100.0
REFERENCE_SOURCE = "财建〔2020〕426号, resource zone III: 22,000 h / 20 years"


@dataclass(frozen=True)
class RooftopSystem:
    """Rooftop PV system parameters."""

    dc_capacity_kwp: float = 2940.0
    ac_capacity_kw: float = 2500.0
    surface_tilt_deg: float = 22.0
    surface_azimuth_deg: float = 180.0
    albedo: float = 0.2
    gamma_pdc_per_k: float = -0.0035
    inverter_efficiency_nominal: float = 0.96
    temperature_model: str = "open_rack_glass_glass"


DEMO_SYSTEM = RooftopSystem()


def plane_of_array_irradiance(weather: pd.DataFrame, system: RooftopSystem) -> pd.DataFrame:
    """Irradiance on the module plane (Hay–Davies sky diffuse).

    Parameters
    ----------
    weather : pandas.DataFrame
        Output of `lingtan.demo.weather.typical_year`.
    system : RooftopSystem
        Array orientation and albedo.

    Returns
    -------
    pandas.DataFrame
        Columns ``poa_global_w_per_m2``, ``poa_direct_w_per_m2``,
        ``poa_diffuse_w_per_m2``, ``aoi_deg``.
    """
    with pvlib_warnings_silenced():
        poa = pvlib.irradiance.get_total_irradiance(
            system.surface_tilt_deg, system.surface_azimuth_deg,
            weather["apparent_zenith_deg"], weather["solar_azimuth_deg"],
            weather["dni_w_per_m2"], weather["ghi_w_per_m2"], weather["dhi_w_per_m2"],
            dni_extra=weather["dni_extra_w_per_m2"], albedo=system.albedo, model="haydavies",
        )
        aoi = pvlib.irradiance.aoi(system.surface_tilt_deg, system.surface_azimuth_deg,
                                   weather["apparent_zenith_deg"], weather["solar_azimuth_deg"])
    return pd.DataFrame(
        {
            "poa_global_w_per_m2": np.nan_to_num(poa["poa_global"].to_numpy(dtype=float)),
            "poa_direct_w_per_m2": np.nan_to_num(poa["poa_direct"].to_numpy(dtype=float)),
            "poa_diffuse_w_per_m2": np.nan_to_num(poa["poa_diffuse"].to_numpy(dtype=float)),
            "aoi_deg": np.asarray(aoi, dtype=float),
        },
        index=weather.index,
    )


def effective_irradiance(poa: pd.DataFrame) -> np.ndarray:
    """Plane-of-array irradiance after beam incidence-angle losses [W/m²]."""
    with pvlib_warnings_silenced():
        iam = np.nan_to_num(np.asarray(pvlib.iam.physical(poa["aoi_deg"].to_numpy()), dtype=float))
    return poa["poa_direct_w_per_m2"].to_numpy() * iam + poa["poa_diffuse_w_per_m2"].to_numpy()


def cell_temperature(poa_global_w_per_m2: np.ndarray, weather: pd.DataFrame,
                     system: RooftopSystem) -> np.ndarray:
    """SAPM cell temperature [degC]."""
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][system.temperature_model]
    return np.asarray(
        pvlib.temperature.sapm_cell(
            poa_global_w_per_m2, weather["temp_air_c"].to_numpy(),
            weather["wind_speed_m_per_s"].to_numpy(), **params
        ),
        dtype=float,
    )


def ac_power_kw(weather: pd.DataFrame, system: RooftopSystem = DEMO_SYSTEM) -> pd.Series:
    """AC output of the system at each interval midpoint.

    Parameters
    ----------
    weather : pandas.DataFrame
        Output of `lingtan.demo.weather.typical_year`.
    system : RooftopSystem
        The system.

    Returns
    -------
    pandas.Series
        AC power [kW], >= 0, indexed like ``weather``.
    """
    poa = plane_of_array_irradiance(weather, system)
    temp_cell_c = cell_temperature(poa["poa_global_w_per_m2"].to_numpy(), weather, system)
    dc_kw = pvlib.pvsystem.pvwatts_dc(effective_irradiance(poa), temp_cell_c,
                                      system.dc_capacity_kwp, system.gamma_pdc_per_k)
    dc_kw = np.asarray(dc_kw, dtype=float) * (1 - pvlib.pvsystem.pvwatts_losses() / 100)
    inverter_dc_rating_kw = system.ac_capacity_kw / system.inverter_efficiency_nominal
    with pvlib_warnings_silenced():
        ac_kw = pvlib.inverter.pvwatts(dc_kw, inverter_dc_rating_kw,
                                       system.inverter_efficiency_nominal)
    ac_kw = np.clip(np.nan_to_num(np.asarray(ac_kw, dtype=float)), 0.0, system.ac_capacity_kw)
    return pd.Series(ac_kw, index=weather.index, name="pv_ac_kw")


def generation_kwh(weather: pd.DataFrame, system: RooftopSystem = DEMO_SYSTEM) -> pd.Series:
    """AC energy fed by the system in each interval [kWh]."""
    energy_kwh = ac_power_kw(weather, system) * timeline.HOURS_PER_INTERVAL
    return energy_kwh.rename("pv_kwh")


def specific_yield_kwh_per_kwp(energy_kwh: pd.Series,
                               system: RooftopSystem = DEMO_SYSTEM) -> float:
    """Annual AC energy per installed DC kWp [kWh/kWp]."""
    return float(energy_kwh.sum() / system.dc_capacity_kwp)
