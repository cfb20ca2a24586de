"""The inventory of examples/minimal against hand calculations (docs/inventory.md).

Factor values used by hand, from the packaged tables: Jiangsu 2023 grid average
0.5827 tCO2/MWh, national residual 2023 0.6096, ETS 0.5703, heat 0.11 tCO2/GJ;
natural gas 389.31 GJ/10^4 Nm3 × 15.3 tC/TJ × 0.99; diesel 42.652 GJ/t × 20.2 tC/TJ
× 0.98; GWP AR5 SF6 23 500, HFC-134a 1 300 (AR6 25 200, 1 530); tce 0.1229 kgce/kWh,
natural gas 1.2143 kgce/m3, diesel 1.4571 kgce/kg, heat 0.03412 kgce/MJ.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import lingtan
from lingtan.accounting.lines import Line
from lingtan.accounting.result import Inventory
from lingtan.errors import FactorNotFoundError, InconsistentDataError, NoDataError
from pkgedit import append, edit

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"
C = 44 / 12
NG_T = 1.2 * 389.31 * 15.3 / 1000 * 0.99 * C          # 25.946265708
DIESEL_T = 10 * 42.652 * 20.2 / 1000 * 0.98 * C       # 30.959096373
SF6_T, HFC_T = 0.002 * 23_500, 0.005 * 1_300          # 47, 6.5
SCOPE1 = NG_T + DIESEL_T + SF6_T + HFC_T              # 110.405362081
HEAT_T = 1000 * 0.11
LOCATION = (400 - 30) * 0.5827 + HEAT_T               # 325.599
MARKET = (400 - 100) * 0.6096 + HEAT_T                # 292.88
ETS = (400 - 30) * 0.5703 + HEAT_T                    # 321.011
ENERGY_TCE = (550_000 * 0.1229 + 12_000 * 1.2143 + 10_000 * 1.4571
              + 1_000_000 * 0.03412) / 1000            # 130.8576

FACTORS_HEADER = ("factor_id,family,subject,geography,data_year,scheme,value,unit,source,"
                  "confidence,note\n")


def test_hand_values_are_the_documented_ones() -> None:
    assert pytest.approx(25.946265708) == NG_T
    assert pytest.approx(30.959096373) == DIESEL_T
    assert pytest.approx(110.405362081) == SCOPE1
    assert pytest.approx((325.599, 292.88, 321.011)) == (LOCATION, MARKET, ETS)
    assert pytest.approx(130.8576) == ENERGY_TCE


@pytest.fixture(scope="module")
def inv(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    with lingtan.open(tmp_path_factory.mktemp("inv") / "ws.duckdb") as ws:
        ws.import_package(MINIMAL)
        return ws.inventory(year=2025)


def _inventory(ws: lingtan.Workspace, pkg: Path, gwp: str | None = None) -> Inventory:
    ws.import_package(pkg)
    return ws.inventory(year=2025, gwp=gwp)


def _line(inv: Inventory, view: str, category: str, source: str) -> Line:
    found = [ln for ln in inv.lines
             if (ln.view, ln.category, ln.source) == (view, category, source)]
    assert len(found) == 1, (view, category, source, inv.lines)
    return found[0]


def test_totals(inv: Inventory) -> None:
    assert inv.year == 2025 and inv.gwp == "AR5" and inv.site_id == "minimal"
    for view, scope2 in (("location", LOCATION), ("market", MARKET), ("ets", ETS)):
        totals = inv.views[view]
        assert totals.scope1_tco2e == pytest.approx(SCOPE1, rel=1e-12)
        assert totals.scope2_tco2e == pytest.approx(scope2, rel=1e-12)
        assert totals.total_tco2e == pytest.approx(SCOPE1 + scope2, rel=1e-12)
    assert inv.energy_tce == pytest.approx(ENERGY_TCE, rel=1e-12)
    assert inv.biogenic_co2_t == 0


def test_activity_data(inv: Inventory) -> None:
    assert inv.electricity_kwh == pytest.approx({
        "grid_import": 400_000, "grid_export": 30_000, "generation": 180_000,
        "green_instruments_retired": 100_000})
    gas = _line(inv, "all", "stationary_combustion", "natural_gas")
    assert (gas.activity_quantity, gas.activity_unit) == (pytest.approx(1.2), "10^4 Nm3")
    assert gas.co2e_t == pytest.approx(NG_T, rel=1e-12)
    diesel = _line(inv, "all", "mobile_combustion", "diesel")
    assert (diesel.activity_quantity, diesel.co2e_t) == (pytest.approx(10), pytest.approx(DIESEL_T))
    assert _line(inv, "all", "fugitive", "SF6").co2e_t == pytest.approx(SF6_T)
    assert _line(inv, "all", "fugitive", "HFC-134a").co2e_t == pytest.approx(HFC_T)
    assert _line(inv, "all", "purchased_heat", "heat").co2e_t == pytest.approx(HEAT_T)


def test_scope2_lines(inv: Inventory) -> None:
    purchased = _line(inv, "location", "purchased_electricity", "grid")
    assert purchased.co2e_t == pytest.approx(400 * 0.5827)
    exported = _line(inv, "location", "exported_electricity", "grid")
    assert exported.co2e_t == pytest.approx(-30 * 0.5827)
    assert _line(inv, "market", "purchased_electricity", "green_instruments").co2e_t == 0
    residual = _line(inv, "market", "purchased_electricity", "grid_residual")
    assert (residual.activity_quantity, residual.co2e_t) == (pytest.approx(300),
                                                             pytest.approx(300 * 0.6096))
    assert not [ln for ln in inv.lines
                if ln.view == "market" and ln.category == "exported_electricity"]
    assert _line(inv, "ets", "exported_electricity", "grid").co2e_t == pytest.approx(-30 * 0.5703)


def test_energy_by_carrier(inv: Inventory) -> None:
    by = inv.energy.by_carrier
    assert by["electricity"]["quantity"] == pytest.approx(550_000)
    assert by["electricity"]["tce"] == pytest.approx(67.595)
    assert by["natural_gas"]["quantity"] == pytest.approx(12_000)
    assert by["natural_gas"]["tce"] == pytest.approx(14.5716)
    assert by["diesel"]["quantity"] == pytest.approx(10_000)
    assert by["diesel"]["tce"] == pytest.approx(14.571)
    assert by["heat"]["tce"] == pytest.approx(34.12)


def test_every_line_is_traceable(inv: Inventory) -> None:
    for ln in inv.lines:
        assert re.fullmatch(r"[0-9a-f]{64}", ln.input_hash), ln
        assert ln.inputs, ln
        if ln.source == "green_instruments":  # zero emissions: no factor is involved
            assert ln.factors == () and ln.co2e_t == 0
            continue
        assert ln.factors, ln
        for f in ln.factors:
            assert f["factor_id"] and f["source"] and f["origin"] == "packaged"
    ids = {f["factor_id"] for ln in inv.lines for f in ln.factors}
    assert {"grid_average.electricity.CN-JS.2023", "grid_residual.electricity.CN.2023",
            "ets_grid.electricity.CN.2022", "gwp.SF6.AR5", "ncv.diesel.CN.mee_2013"} <= ids


def test_to_frame_has_one_row_per_line(inv: Inventory) -> None:
    frame = inv.to_frame()
    assert len(frame) == len(inv.lines) == 11
    assert {"view", "scope", "co2e_t", "factor_ids", "input_hash"} <= set(frame.columns)
    assert frame["co2e_t"].sum() == pytest.approx(sum(ln.co2e_t for ln in inv.lines))


def test_gwp_ar6(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    inv = _inventory(ws, minimal_pkg, gwp="AR6")
    assert inv.gwp == "AR6"
    assert _line(inv, "all", "fugitive", "SF6").co2e_t == pytest.approx(0.002 * 25_200)
    assert _line(inv, "all", "fugitive", "HFC-134a").co2e_t == pytest.approx(0.005 * 1_530)
    scope1 = NG_T + DIESEL_T + 50.4 + 7.65
    assert inv.views["location"].scope1_tco2e == pytest.approx(scope1)
    assert _line(inv, "all", "fugitive", "SF6").factors[0]["factor_id"] == "gwp.SF6.AR6"


def test_gwp_from_factory_yaml(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    edit(minimal_pkg, "factory.yaml", "gwp: AR5", "gwp: AR4")
    inv = _inventory(ws, minimal_pkg)
    assert inv.gwp == "AR4"
    assert _line(inv, "all", "fugitive", "SF6").co2e_t == pytest.approx(0.002 * 22_800)


def test_regional_location_factor(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    edit(minimal_pkg, "factory.yaml", "location_factor: provincial", "location_factor: regional")
    inv = _inventory(ws, minimal_pkg)
    assert inv.views["location"].scope2_tco2e == pytest.approx(370 * 0.5500 + 110)
    assert inv.views["market"].scope2_tco2e == pytest.approx(MARKET)
    grid = _line(inv, "location", "purchased_electricity", "grid")
    assert grid.factors[0]["factor_id"] == "grid_average.electricity.region:east.2023"


def test_national_location_factor(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    edit(minimal_pkg, "factory.yaml", "location_factor: provincial", "location_factor: national")
    inv = _inventory(ws, minimal_pkg)
    assert inv.views["location"].scope2_tco2e == pytest.approx(370 * 0.5306 + 110)


def test_market_export_deduction_when_configured(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    append(minimal_pkg, "factory.yaml",
           "  deduct_export: {location: false, market: true, ets: true}")
    inv = _inventory(ws, minimal_pkg)
    assert inv.views["market"].scope2_tco2e == pytest.approx((300 - 30) * 0.6096 + 110)
    assert inv.views["location"].scope2_tco2e == pytest.approx(400 * 0.5827 + 110)


def test_oil_field_gas_coefficient(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    edit(minimal_pkg, "factory.yaml", "natural_gas_tce: gas_field", "natural_gas_tce: oil_field")
    inv = _inventory(ws, minimal_pkg)
    assert inv.energy_tce == pytest.approx(ENERGY_TCE - 14.5716 + 12_000 * 1.33 / 1000)


def test_missing_factor_year_is_an_error(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    edit(minimal_pkg, "factory.yaml", "electricity_factor_year: 2023",
         "electricity_factor_year: 2019")
    ws.import_package(minimal_pkg)
    with pytest.raises(FactorNotFoundError) as err:
        ws.inventory(year=2025)
    message = str(err.value)
    for part in ("grid_average", "CN-JS", "2019"):
        assert part in message


def test_reporting_year_without_factor_year(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    edit(minimal_pkg, "factory.yaml", "ets_factor_year: 2022", "ets_factor_year: null")
    ws.import_package(minimal_pkg)
    with pytest.raises(FactorNotFoundError, match=r"ets_grid.*2025"):
        ws.inventory(year=2025)


def test_user_factor_overrides_packaged_one(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    (minimal_pkg / "factors.csv").write_text(
        FACTORS_HEADER + "grid_average.electricity.CN-JS.2023,grid_average,electricity,CN-JS,2023,"
        "mee_nbs,0.6,tCO2/MWh,our auditor's letter,R,\n", encoding="utf-8")
    inv = _inventory(ws, minimal_pkg)
    assert inv.views["location"].scope2_tco2e == pytest.approx(370 * 0.6 + 110)
    assert inv.views["market"].scope2_tco2e == pytest.approx(MARKET)
    assert inv.overrides == ["grid_average.electricity.CN-JS.2023"]
    assert inv.to_dict()["user_factor_overrides"] == ["grid_average.electricity.CN-JS.2023"]
    grid = _line(inv, "location", "purchased_electricity", "grid")
    assert grid.factors[0]["origin"] == "user" and grid.factors[0]["value"] == 0.6
    assert inv.to_frame().set_index(["view", "category"]).loc[
        ("location", "purchased_electricity"), "factor_origins"] == "user"


def test_biomass_is_a_memo_line(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    (minimal_pkg / "factors.csv").write_text(
        FACTORS_HEADER
        + "ncv.wood.CN.mee_2013,ncv,wood,CN,,mee_2013,15,GJ/t,test,R,\n"
        + "carbon_content.wood.CN.mee_2013,carbon_content,wood,CN,,mee_2013,30,tC/TJ,test,R,\n"
        + "oxidation.wood.CN.mee_2013,oxidation,wood,CN,,mee_2013,0.9,1,test,R,\n",
        encoding="utf-8")
    append(minimal_pkg, "activities.csv", ",2025-01-01,2025-12-31,biomass_combustion,wood,100,t,x")
    inv = _inventory(ws, minimal_pkg)
    biogenic = 100 * 15 * 30 / 1000 * 0.9 * C   # 148.5 tCO2
    wood = _line(inv, "all", "biomass_combustion", "wood")
    assert wood.scope == "memo"
    assert wood.co2e_t == pytest.approx(biogenic)
    assert inv.biogenic_co2_t == pytest.approx(biogenic)
    assert inv.views["location"].total_tco2e == pytest.approx(SCOPE1 + LOCATION)
    assert inv.energy_tce == pytest.approx(ENERGY_TCE)


def test_input_hash_follows_the_readings(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    first = _inventory(ws, minimal_pkg)
    edit(minimal_pkg, "readings/grid.csv", "GRID-EXP,2025-01-01 01:00,10",
         "GRID-EXP,2025-01-01 01:00,12")
    second = _inventory(ws, minimal_pkg)
    export = ("location", "exported_electricity", "grid")
    purchase = ("location", "purchased_electricity", "grid")
    assert _line(first, *export).input_hash != _line(second, *export).input_hash
    assert _line(first, *purchase).input_hash == _line(second, *purchase).input_hash
    assert second.views["location"].scope2_tco2e == pytest.approx((400 - 32) * 0.5827 + 110)


def test_year_is_site_local_and_interval_ending(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    append(minimal_pkg, "readings/pv_gas.csv",
           "PV,2026-01-01 00:00,20",     # interval ends at local midnight: 2025
           "PV,2026-01-01 00:15,99")     # 2026
    append(minimal_pkg, "readings/grid.csv", "GRID-EXP,2025-01-01 00:00,5")  # 2024
    inv = _inventory(ws, minimal_pkg)
    assert inv.electricity_kwh["generation"] == pytest.approx(200_000)
    assert inv.electricity_kwh["grid_export"] == pytest.approx(30_000)


def test_straddling_activity_is_pro_rata(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    edit(minimal_pkg, "activities.csv", ",2025-01-01,2025-12-31,mobile_combustion,diesel",
         ",2024-12-01,2025-01-31,mobile_combustion,diesel")
    inv = _inventory(ws, minimal_pkg)
    # 31 of the 62 days fall in 2025: 5 t of diesel
    assert _line(inv, "all", "mobile_combustion", "diesel").co2e_t == pytest.approx(DIESEL_T / 2)
    assert any("straddles 2025" in w for w in inv.warnings)


def test_year_without_data(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    for year in (2024, 2026):
        with pytest.raises(NoDataError, match=str(year)):
            ws.inventory(year=year)


def test_empty_workspace(ws: lingtan.Workspace) -> None:
    with pytest.raises(NoDataError, match="no site"):
        ws.inventory(year=2025)


def test_unknown_site(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    with pytest.raises(NoDataError, match="no site 'other'"):
        ws.inventory(year=2025, site="other")


def test_other_sources(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    append(minimal_pkg, "activities.csv",
           ",2025-01-01,2025-12-31,process,cable_curing,12.5,tCO2,x",
           ",2025-03-01,2025-03-31,fugitive,R-410A,10,kg,x",
           ",2025-01-01,2025-12-31,purchased_electricity,electricity,50,MWh,x")
    append(minimal_pkg, "meters.csv", "HEAT,蒸汽表,heat,GJ,interval,heat_import,,,,")
    append(minimal_pkg, "readings/pv_gas.csv", "HEAT,2025-06-01 00:00,500")
    inv = _inventory(ws, minimal_pkg)
    r410a = 0.010 * (0.5 * 677 + 0.5 * 3170)      # AR5 blend: 19.235 tCO2e
    assert _line(inv, "all", "process", "cable_curing").co2e_t == pytest.approx(12.5)
    assert _line(inv, "all", "fugitive", "R-410A").co2e_t == pytest.approx(r410a)
    assert inv.views["location"].scope1_tco2e == pytest.approx(SCOPE1 + 12.5 + r410a)
    heat = _line(inv, "all", "purchased_heat", "heat")
    assert (heat.activity_quantity, heat.co2e_t) == (pytest.approx(1500), pytest.approx(165))
    assert inv.views["location"].scope2_tco2e == pytest.approx((450 - 30) * 0.5827 + 165)
    assert inv.views["ets"].scope2_tco2e == pytest.approx((450 - 30) * 0.5703 + 165)
    assert inv.energy_tce == pytest.approx(
        ENERGY_TCE + 50_000 * 0.1229 / 1000 + 500_000 * 0.03412 / 1000)


def test_sites_are_kept_apart(ws: lingtan.Workspace, minimal_pkg: Path, tmp_path: Path) -> None:
    import shutil

    other = Path(shutil.copytree(minimal_pkg, tmp_path / "other"))
    edit(other, "factory.yaml", "id: minimal", "id: second")
    edit(other, "readings/grid.csv", "GRID-EXP,2025-01-01 01:00,10", "GRID-EXP,2025-01-01 01:00,20")
    ws.import_package(minimal_pkg)
    ws.import_package(other)
    with pytest.raises(NoDataError, match="several sites"):
        ws.inventory(year=2025)
    first = ws.inventory(year=2025, site="minimal")
    second = ws.inventory(year=2025, site="second")
    assert first.views["location"].scope2_tco2e == pytest.approx(LOCATION)
    assert second.views["location"].scope2_tco2e == pytest.approx((400 - 40) * 0.5827 + 110)


def test_green_instruments_beyond_purchases_are_capped(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    edit(minimal_pkg, "instruments.csv", "GEC-2025-A,gec,100,MWh", "GEC-2025-A,gec,500,MWh")
    edit(minimal_pkg, "instruments.csv", "T0001,T0100", "T0001,T0500")
    inv = _inventory(ws, minimal_pkg)
    assert inv.views["market"].scope2_tco2e == pytest.approx(HEAT_T)
    covered = _line(inv, "market", "purchased_electricity", "green_instruments")
    assert covered.activity_quantity == pytest.approx(400)
    assert any("exceed grid purchases" in w for w in inv.warnings)


def test_equal_value_of_electricity_needs_a_user_coefficient(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    (minimal_pkg / "factors.csv").write_text(
        FACTORS_HEADER + "tce.electricity_equal_value.CN.2025,tce,electricity_equal_value,CN,2025,"
        "provincial_stats,0.3,kgce/kWh,provincial statistics bureau,R,\n", encoding="utf-8")
    inv = _inventory(ws, minimal_pkg)
    assert inv.energy.electricity_equal_value_tce == pytest.approx(550_000 * 0.3 / 1000)
    assert inv.energy.equal_value_factor_id == "tce.electricity_equal_value.CN.2025"
    assert inv.energy_tce == pytest.approx(ENERGY_TCE)  # the total stays equivalent value


def test_no_equal_value_without_coefficient(inv: Inventory) -> None:
    assert inv.energy.electricity_equal_value_tce is None


# -- completeness: gaps, sub-meters, impossible balances -------------------------------------

def _without(pkg: Path, meter: str) -> None:
    """Drop every reading of ``meter`` (its readings file went missing)."""
    for path in (pkg / "readings").glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(ln for ln in lines if not ln.startswith(f"{meter},")),
                        encoding="utf-8")


def test_meter_without_readings_is_a_gap(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    _without(minimal_pkg, "GRID-IMP")
    inv = _inventory(ws, minimal_pkg)
    gap = ("meter 'GRID-IMP' (grid_import) has no readings in 2025: a gap, counted as 0 — "
           "import its readings, or check its meter_id")
    assert gap in inv.warnings
    assert gap in inv.to_dict()["warnings"]
    # consumed 0 + 180 − 30 = 150 MWh, location −30 × 0.5827 + 110 > 0: a warning, no error
    assert inv.views["location"].scope2_tco2e == pytest.approx(-30 * 0.5827 + HEAT_T)


def test_negative_consumed_electricity_is_an_error(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    _without(minimal_pkg, "GRID-IMP")
    _without(minimal_pkg, "PV")
    ws.import_package(minimal_pkg)
    with pytest.raises(InconsistentDataError) as err:
        ws.inventory(year=2025)
    message = str(err.value)
    assert ("electricity consumed in 2025 is negative: grid import 0.000 MWh + generation "
            "0.000 MWh − export 30.000 MWh = -30.000 MWh") in message
    assert ("grid_import: 'GRID-IMP' (no readings); generation: 'PV' (no readings); "
            "grid_export: 'GRID-EXP'") in message
    assert isinstance(err.value, ValueError)


def _negative_scope2(pkg: Path) -> None:
    """No grid-import readings; PV 50 + 60 + 500 = 610 MWh, export 10 + 200 + 0 = 210 MWh."""
    _without(pkg, "GRID-IMP")
    edit(pkg, "readings/pv_gas.csv", "PV,2025-01-01 03:00,70", "PV,2025-01-01 03:00,500")
    edit(pkg, "readings/grid.csv", "GRID-EXP,2025-01-01 02:00,20", "GRID-EXP,2025-01-01 02:00,200")


def test_negative_scope2_is_an_error(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    _negative_scope2(minimal_pkg)
    ws.import_package(minimal_pkg)
    # consumed 610 − 210 = 400 MWh ≥ 0; location 110 − 210 × 0.5827 = −12.367 t,
    # ets 110 − 210 × 0.5703 = −9.763 t, market (no deduction) 110 t
    with pytest.raises(InconsistentDataError,
                       match=r"scope 2 in 2025 is negative \(location -12\.367 tCO2e, ets "
                             r"-9\.763 tCO2e\): exported electricity 210\.000 MWh .* grid "
                             r"purchases of 0\.000 MWh\. Meters — grid_import: 'GRID-IMP' "
                             r"\(no readings\); generation: 'PV'; grid_export: 'GRID-EXP'"):
        ws.inventory(year=2025)


def test_negative_scope2_from_the_cli_is_a_message(
    ws: lingtan.Workspace, minimal_pkg: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from lingtan.cli import app

    _negative_scope2(minimal_pkg)
    db = tmp_path / "cli.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["inventory", "--year", "2025", "--db", str(db), "--json"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "error: scope 2 in 2025 is negative" in result.stderr
    assert "'GRID-IMP' (no readings)" in result.stderr
    assert "Traceback" not in result.output


def _submeters(pkg: Path, *readings: str) -> None:
    append(pkg, "meters.csv", "SUB1,车间一,electricity,MWh,interval,submeter,PV,60,,",
           "SUB2,车间二,electricity,MWh,interval,submeter,PV,60,,")
    append(pkg, "readings/pv_gas.csv", *readings)


def test_submeters_above_their_parent_for_the_year(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    _submeters(minimal_pkg, "SUB1,2025-01-01 01:00,150", "SUB2,2025-01-01 02:00,50")
    inv = _inventory(ws, minimal_pkg)
    # 150 + 50 = 200 MWh under PV's 50 + 60 + 70 = 180 MWh
    assert ("sub-meters of 'PV' ('SUB1', 'SUB2') add up to 200000 kWh in 2025, its own "
            "reading 180000 kWh — check parent_id, units and multipliers") in inv.warnings


def test_submeters_above_their_parent_in_a_month(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    _submeters(minimal_pkg, "PV,2025-02-01 01:00,100", "SUB1,2025-01-01 01:00,190",
               "SUB2,2025-02-01 01:00,10")
    inv = _inventory(ws, minimal_pkg)
    # the year holds (200 ≤ 280 MWh), January does not (190 > 180 MWh)
    assert ("sub-meters of 'PV' ('SUB1', 'SUB2') add up to 200000 kWh in 2025, its own "
            "reading 280000 kWh; above it in 2025-01 (190000 > 180000) — check parent_id, "
            "units and multipliers") in inv.warnings


def test_submeters_within_their_parent_give_no_warning(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    _submeters(minimal_pkg, "SUB1,2025-01-01 01:00,100", "SUB2,2025-01-01 02:00,80")
    inv = _inventory(ws, minimal_pkg)
    assert not [w for w in inv.warnings if "sub-meters" in w]
