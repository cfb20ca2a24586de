"""FactorLibrary look-up, overrides and factors.csv validation."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtan.errors import FactorNotFoundError, InputError, PackageError
from lingtan.factors import FACTOR_COLUMNS, Factor, FactorLibrary, read_factor_rows

DOCS = Path(__file__).resolve().parents[2] / "docs" / "factors.md"
HEADER = ",".join(FACTOR_COLUMNS)


@pytest.fixture(scope="module")
def lib() -> FactorLibrary:
    return FactorLibrary.packaged()


def user_csv(*rows: str) -> io.StringIO:
    return io.StringIO("\n".join([HEADER, *rows]) + "\n")


def make_factor(**changes: object) -> Factor:
    base = Factor(
        factor_id="grid_average.electricity.CN-JS.2024", family="grid_average",
        subject="electricity", geography="CN-JS", data_year=2024, scheme="mee_nbs",
        value=0.55, unit="tCO2/MWh", source="test", confidence="R", note="",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# ------------------------------------------------------------------------- get


def test_packaged_is_cached(lib: FactorLibrary) -> None:
    assert FactorLibrary.packaged() is lib


def test_every_packaged_key_is_found_exactly(lib: FactorLibrary) -> None:
    for f in lib:
        got = lib.get(f.family, f.subject, geography=f.geography, data_year=f.data_year,
                      scheme=f.scheme)
        assert got is f


def test_missing_year_names_the_key_and_lists_years(lib: FactorLibrary) -> None:
    with pytest.raises(FactorNotFoundError) as info:
        lib.get("grid_average", "electricity", geography="CN-JS", data_year=2024)
    message = str(info.value)
    for part in ("family='grid_average'", "subject='electricity'", "geography='CN-JS'",
                 "data_year=2024", "scheme=(any)", "2023", "does not fall back"):
        assert part in message


def test_missing_region_does_not_fall_back_to_national(lib: FactorLibrary) -> None:
    # A national 2021 factor exists; the east-region 2021 one does not.
    with pytest.raises(FactorNotFoundError, match=r"geography='region:east'.*data_year=2021"):
        lib.get("grid_average", "electricity", geography="region:east", data_year=2021)


def test_missing_province_does_not_fall_back_to_region_or_nation(lib: FactorLibrary) -> None:
    # Xizang is not in the 2023 provincial table (domain.md §3.1 / codecarbon metadata).
    with pytest.raises(FactorNotFoundError, match="CN-XZ"):
        lib.get("grid_average", "electricity", geography="CN-XZ", data_year=2023)


def test_year_none_matches_only_rows_without_a_year(lib: FactorLibrary) -> None:
    with pytest.raises(FactorNotFoundError, match=r"data_year=\(none\)"):
        lib.get("grid_average", "electricity")
    assert lib.get("ets_grid", "electricity").value == 0.5810


def test_missing_scheme_lists_existing_schemes(lib: FactorLibrary) -> None:
    with pytest.raises(FactorNotFoundError) as info:
        lib.gwp("CH4_fossil", "AR4")
    assert "scheme=AR4" in str(info.value)
    assert "schemes AR5, AR6" in str(info.value)


def test_ambiguous_scheme_is_an_error_listing_the_choices(lib: FactorLibrary) -> None:
    with pytest.raises(FactorNotFoundError, match=r"gbt32151_2015, mee_2013.*scheme="):
        lib.get("ncv", "diesel")
    assert lib.get("ncv", "diesel", scheme="gbt32151_2015").value == 43.330


def test_unknown_family_and_subject_are_named(lib: FactorLibrary) -> None:
    with pytest.raises(FactorNotFoundError, match="Family 'grid' is not in the library"):
        lib.get("grid", "electricity")
    with pytest.raises(FactorNotFoundError, match=r"Subjects of family 'tce'.*gas_field"):
        lib.get("tce", "natural_gas")


def test_not_found_is_a_lookup_error(lib: FactorLibrary) -> None:
    with pytest.raises(LookupError):
        lib.gwp("HFC-134a", "AR3")


@given(year=st.integers(min_value=1900, max_value=2200))
def test_get_never_returns_another_year(year: int) -> None:
    lib = FactorLibrary.packaged()
    try:
        f = lib.get("grid_average", "electricity", geography="CN", data_year=year)
    except FactorNotFoundError as exc:
        assert f"data_year={year}" in str(exc)
        assert year not in (2021, 2022, 2023)
    else:
        assert f.data_year == year


@given(geo=st.sampled_from(["CN", "CN-JS", "region:east", "CN-XZ", "global", "region:tibet"]),
       year=st.sampled_from([None, 2021, 2022, 2023, 2024]),
       scheme=st.sampled_from([None, "mee_nbs", "mee_ets", "AR6"]))
def test_get_returns_only_exact_matches(geo: str, year: int | None, scheme: str | None) -> None:
    lib = FactorLibrary.packaged()
    for family in ("grid_average", "ets_grid"):
        try:
            f = lib.get(family, "electricity", geography=geo, data_year=year, scheme=scheme)
        except FactorNotFoundError:
            continue
        assert (f.family, f.geography, f.data_year) == (family, geo, year)
        assert scheme is None or f.scheme == scheme


# ---------------------------------------------------------------- select, views


def test_select(lib: FactorLibrary) -> None:
    regional = lib.select(family="grid_average", data_year=2023, scheme="mee_nbs")
    assert len(regional) == 1 + 7 + 30
    assert [f.geography for f in lib.select(family="tce", subject="heat")] == ["CN"]
    assert lib.select(family="heat", data_year=None)[0].value == 0.11
    with pytest.raises(TypeError, match="year"):
        lib.select(year=2023)


def test_to_frame(lib: FactorLibrary) -> None:
    frame = lib.to_frame()
    assert list(frame.columns) == [*FACTOR_COLUMNS, "origin"]
    assert len(frame) == len(lib)
    assert str(frame["data_year"].dtype) == "Int64"
    assert frame["data_year"].isna().sum() == len(lib.select(data_year=None))
    js = frame[(frame["geography"] == "CN-JS") & (frame["data_year"] == 2023)]
    assert js["value"].tolist() == [0.5827]


def test_as_dict_round_trips(lib: FactorLibrary) -> None:
    f = lib.gwp("SF6", "AR6")
    assert Factor(**f.as_dict()) == f
    assert f.as_dict()["origin"] == "packaged"


def test_iter_len_repr(lib: FactorLibrary) -> None:
    assert len(list(lib)) == len(lib) > 100
    assert "0 from the user" in repr(lib)


# ------------------------------------------------------------------- overrides


def test_override_replaces_same_key_and_is_labelled_user(lib: FactorLibrary) -> None:
    rows = read_factor_rows(user_csv(
        "my.js.2023,grid_average,electricity,CN-JS,2023,mee_nbs,0.5800,tCO2/MWh,"
        "official annex table 3,V,checked against the PDF",
    ), origin="user")
    merged = lib.with_overrides(rows)
    got = merged.get("grid_average", "electricity", geography="CN-JS", data_year=2023)
    assert (got.value, got.origin, got.factor_id) == (0.58, "user", "my.js.2023")
    assert len(merged) == len(lib)
    # the packaged library is untouched
    assert lib.get("grid_average", "electricity", geography="CN-JS", data_year=2023).value == 0.5827
    assert "1 from the user" in repr(merged)


def test_override_adds_new_keys(lib: FactorLibrary) -> None:
    new = make_factor()
    merged = lib.with_overrides([new])
    got = merged.get("grid_average", "electricity", geography="CN-JS", data_year=2024)
    assert got.origin == "user" and got.value == 0.55
    assert len(merged) == len(lib) + 1


def test_user_electricity_equal_value(lib: FactorLibrary) -> None:
    # The 等价值 is never packaged (domain.md §4); a user supplies it with a year.
    with pytest.raises(FactorNotFoundError):
        lib.get("tce", "electricity_equal_value", data_year=2023)
    merged = lib.with_overrides([make_factor(
        factor_id="tce.electricity_equal_value.CN.2023", family="tce",
        subject="electricity_equal_value", geography="CN", data_year=2023,
        scheme="gbt2589_2020", value=0.3, unit="kgce/kWh", source="user-cited statistic",
    )])
    assert merged.get("tce", "electricity_equal_value", data_year=2023).origin == "user"


def test_override_rejects_repeated_user_keys(lib: FactorLibrary) -> None:
    with pytest.raises(InputError, match="repeat a key"):
        lib.with_overrides([make_factor(), make_factor(factor_id="other")])


def test_override_rejects_a_factor_id_naming_another_factor(lib: FactorLibrary) -> None:
    clash = make_factor(factor_id="grid_average.electricity.CN-ZJ.2023")
    with pytest.raises(InputError, match="already name other factors"):
        lib.with_overrides([clash])


def test_from_rows_rejects_unknown_family_and_units() -> None:
    with pytest.raises(InputError, match="unknown family"):
        FactorLibrary.from_rows([make_factor(family="grid")])
    with pytest.raises(InputError, match="kgCO2/kWh"):
        FactorLibrary.from_rows([make_factor(unit="kgCO2/kWh")])


def test_from_rows_rejects_duplicate_keys() -> None:
    with pytest.raises(InputError, match="duplicate"):
        FactorLibrary.from_rows([make_factor(), make_factor(factor_id="x")])


# ------------------------------------------------------------ factors.csv rows


def problems_of(buffer: io.StringIO) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(PackageError) as info:
        read_factor_rows(buffer, origin="user", file_name="factors.csv")
    return [(p.file, p.row, p.field, p.reason) for p in info.value.problems]


def test_bad_rows_are_each_reported_with_file_row_field() -> None:
    good = "a,grid_average,electricity,CN-JS,2024,mee_nbs,0.55,tCO2/MWh,src,R,"
    found = problems_of(user_csv(
        good,
        "b,grid,electricity,CN-JS,2024,mee_nbs,0.55,tCO2/MWh,src,R,",
        "c,grid_average,electricity,CN-JS,2025,mee_nbs,0.55,kgCO2/kWh,src,R,",
        "d,grid_average,electricity,CN-JS,2026,mee_nbs,abc,tCO2/MWh,src,R,",
        "e,grid_average,electricity,CN-JS,2027,mee_nbs,0.55,tCO2/MWh,src,X,",
        "f,grid_average,electricity,CN-JS,2024,mee_nbs,0.56,tCO2/MWh,src,R,",
        "g,grid_average,electricity,CN-JS,20x4,mee_nbs,0.56,tCO2/MWh,src,R,",
        "h,grid_average,electricity,CN-JS,2028,mee_nbs,0.56,tCO2/MWh,,R,",
    ))
    where = {(row, fld) for _, row, fld, _ in found}
    assert all(f == "factors.csv" for f, *_ in found)
    assert where == {(3, "family"), (4, "unit"), (5, "value"), (6, "confidence"),
                     (7, None), (8, "data_year"), (9, "source")}
    reasons = " ".join(r for *_, r in found)
    assert "unknown family 'grid'" in reasons
    assert "not allowed for family 'grid_average'" in reasons
    assert "'abc' is not a finite number" in reasons
    assert "first at row 2" in reasons


def test_duplicate_factor_id_is_reported() -> None:
    found = problems_of(user_csv(
        "a,heat,heat,CN-JS,,default,0.1,tCO2/GJ,src,R,",
        "a,heat,heat,CN-ZJ,,default,0.1,tCO2/GJ,src,R,",
    ))
    assert [(row, fld) for _, row, fld, _ in found] == [(3, "factor_id")]


def test_missing_and_unknown_columns() -> None:
    buffer = io.StringIO("factor_id,family,subject,value,colour\na,heat,heat,0.1,red\n")
    found = problems_of(buffer)
    fields = {fld for _, row, fld, _ in found if row == 1}
    assert {"geography", "data_year", "unit", "confidence", "colour"} <= fields


def test_extra_values_and_padded_header() -> None:
    padded = ", ".join(FACTOR_COLUMNS)
    (f,) = read_factor_rows(io.StringIO(padded + "\na,heat,heat,CN,,default,0.1,tCO2/GJ,s,R,\n"),
                            origin="user")
    assert f.value == 0.1
    found = problems_of(user_csv("a,heat,heat,CN,,default,0.1,tCO2/GJ,s,R,,surplus"))
    assert [(row, fld) for _, row, fld, _ in found] == [(2, None)]


def test_empty_file() -> None:
    assert problems_of(io.StringIO(""))[0][1] is None


@pytest.mark.parametrize("bad", ["nan", "inf", "", "1,5"])
def test_non_finite_or_missing_values_are_rejected(bad: str) -> None:
    found = problems_of(user_csv(f'a,heat,heat,CN,,default,"{bad}",tCO2/GJ,src,R,'))
    assert [fld for *_, fld, _ in found] == ["value"]


def test_read_from_path_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "factors.csv"
    path.write_text("\ufeff" + HEADER + "\nx,heat,heat,CN-JS,,supplier,0.095,tCO2/GJ,"
                    "supplier statement 2024,V,\n", encoding="utf-8")
    (f,) = read_factor_rows(path, origin="user")
    assert (f.factor_id, f.value, f.data_year, f.origin) == ("x", 0.095, None, "user")


def test_path_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "factors.csv"
    path.write_text(HEADER + "\nx,heat,heat,CN,,s,0.1,tCO2/MWh,src,R,\n", encoding="utf-8")
    with pytest.raises(PackageError, match=r"factors.csv, row 2, field 'unit'"):
        read_factor_rows(path, origin="user")


def test_origin_must_be_known() -> None:
    with pytest.raises(ValueError, match="origin"):
        read_factor_rows(user_csv(), origin="magic")


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs",
                                                                          "Zl", "Zp")),
                min_size=1, max_size=12)


@given(
    rows=st.lists(
        st.tuples(texts, st.one_of(st.none(), st.integers(1900, 2200)),
                  st.floats(allow_nan=False, allow_infinity=False), texts,
                  st.sampled_from(["V", "R", "U"])),
        max_size=8, unique_by=lambda r: (r[0], r[1]),
    )
)
def test_written_rows_read_back_identically(
    rows: list[tuple[str, int | None, float, str, str]],
) -> None:
    factors = [
        Factor(factor_id=f"id{i}", family="gwp", subject=subject, geography="global",
               data_year=year, scheme="AR6", value=v, unit="1", source=source,
               confidence=conf, note="n, with comma", origin="user")
        for i, (subject, year, v, source, conf) in enumerate(rows)
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FACTOR_COLUMNS)
    for f in factors:
        writer.writerow([f.factor_id, f.family, f.subject, f.geography,
                         "" if f.data_year is None else f.data_year, f.scheme, repr(f.value),
                         f.unit, f.source, f.confidence, f.note])
    buffer.seek(0)
    assert read_factor_rows(buffer, origin="user") == factors


# ------------------------------------------------------------------------ docs


def test_docs_override_example_is_valid(lib: FactorLibrary) -> None:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- example: factors.csv -->\s*```csv\n(.*?)```", text, re.S)
    assert match, "docs/factors.md lost its factors.csv example"
    rows = read_factor_rows(io.StringIO(match.group(1)), origin="user", file_name="factors.csv")
    merged = lib.with_overrides(rows)
    assert all(merged.get(f.family, f.subject, geography=f.geography, data_year=f.data_year,
                          scheme=f.scheme).origin == "user" for f in rows)


def test_docs_list_every_family_and_scheme(lib: FactorLibrary) -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in {f.family for f in lib} | {f.scheme for f in lib}:
        assert f"`{name}`" in text, name


def test_docs_table_counts_match_the_library(lib: FactorLibrary) -> None:
    text = DOCS.read_text(encoding="utf-8")
    counts = Counter((f.family, f.scheme) for f in lib)
    for (family, scheme), n in counts.items():
        assert re.search(rf"\| `{family}` \| `{scheme}` \| {n} \|", text), (family, scheme, n)
