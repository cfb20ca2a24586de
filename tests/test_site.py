"""factory.yaml: every bad input refused with the line, the key and the reason."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.cli import app
from lingtan.errors import PackageError, Problem
from lingtan.site import read_site
from lingtan.strict_yaml import MAX_BYTES, MAX_DEPTH

MINIMAL = (Path(__file__).resolve().parents[1] / "examples" / "minimal" / "factory.yaml")
BASE = MINIMAL.read_text(encoding="utf-8")
BASELINE_LINE = BASE.splitlines().index("baseline_year: 2023") + 1      # 10
END = len(BASE.splitlines()) + 1                                          # first appended line


def _problem(tmp_path: Path, content: str | bytes) -> Problem:
    """The one problem ``read_site`` finds in a factory.yaml of ``content``."""
    path = tmp_path / "factory.yaml"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    with pytest.raises(PackageError) as info:
        read_site(path)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def test_the_example_reads(tmp_path: Path) -> None:
    (tmp_path / "factory.yaml").write_text(BASE, encoding="utf-8")
    site = read_site(tmp_path / "factory.yaml")
    assert site.baseline_year == 2023 and site.location is not None
    assert site.location.lat == 31.57 and site.accounting.ets_factor_year == 2022


# --- duplicate keys ----------------------------------------------------------------------

def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE + "name: another name\n")
    assert (p.file, p.row, p.field) == ("factory.yaml", END, "name")
    assert p.reason == "duplicate key (first at line 3)"


def test_nested_duplicate_key_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE + "  gwp: AR6\n")          # inside accounting:
    assert (p.row, p.field) == (END, "accounting.gwp")
    assert p.reason == "duplicate key (first at line 13)"


def test_duplicate_key_in_a_flow_mapping_and_a_list_item(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE.replace("{lat: 31.57, lon: 120.30}", "{lat: 31.57, lat: 30}"))
    assert (p.row, p.field) == (8, "location.lat")
    p = _problem(tmp_path, BASE + "efficiency:\n  limits:\n    - product: a\n"
                                  "      standard_id: b\n      product: c\n")
    assert (p.row, p.field) == (END + 4, "efficiency.limits.0.product")


def test_quoted_and_plain_spellings_of_a_key_are_one_key(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE + '"name": x\n')
    assert (p.row, p.field, p.reason) == (END, "name", "duplicate key (first at line 3)")


def test_merge_key_is_refused(tmp_path: Path) -> None:
    # ``<<`` overrides silently, like a duplicate
    p = _problem(tmp_path, BASE + "<<: {name: x}\n")
    assert p.row == END and "merge keys (<<) are not accepted" in p.reason


@pytest.mark.parametrize(("key", "kind"), [("on", "boolean"), ("yes", "boolean"),
                                           ("1", "number"), ("~", "null")])
def test_key_that_yaml_reads_as_no_text_is_refused(tmp_path: Path, key: str, kind: str) -> None:
    p = _problem(tmp_path, BASE + f"declarations:\n  {key}: {{value: true}}\n")
    assert (p.row, p.field) == (END + 1, f"declarations.{key}")
    assert p.reason == f"key read as a {kind} by YAML, not as text: quote it"


# --- booleans and other non-numbers where numbers belong ---------------------------------

def test_boolean_where_a_number_belongs_is_refused(tmp_path: Path) -> None:
    # YAML 1.1 reads yes as true; pydantic's lax mode stored it as baseline year 1
    p = _problem(tmp_path, BASE.replace("baseline_year: 2023", "baseline_year: yes"))
    assert (p.row, p.field) == (BASELINE_LINE, "baseline_year")
    assert p.reason.startswith("Input should be a valid integer, not the boolean true")


@pytest.mark.parametrize(("value", "got"), [
    ("2023.5", "not 2023.5"), ("2023.0", "not 2023.0"),
    ('"2023"', "not the text '2023' (write the number without quotes)"),
    ("2023-01-01", "not a date"), ("[2023]", "not a list"),
])
def test_non_integer_year_is_refused(tmp_path: Path, value: str, got: str) -> None:
    p = _problem(tmp_path, BASE.replace("baseline_year: 2023", f"baseline_year: {value}"))
    assert (p.row, p.field) == (BASELINE_LINE, "baseline_year")
    assert p.reason.startswith("Input should be a valid integer") and got in p.reason


@pytest.mark.parametrize(("old", "new", "field"), [
    ("lat: 31.57", "lat: on", "location.lat"),
    ("lat: 31.57", 'lat: "31.57"', "location.lat"),
    ("lat: 31.57", "lat: .nan", "location.lat"),
    ("electricity_factor_year: 2023", "electricity_factor_year: off",
     "accounting.electricity_factor_year"),
    ("ets_factor_year: 2022", "ets_factor_year: 2022.5", "accounting.ets_factor_year"),
])
def test_non_number_anywhere_in_the_site_is_refused(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    line = next(n for n, text in enumerate(BASE.splitlines(), 1) if old in text)
    p = _problem(tmp_path, BASE.replace(old, new))
    assert (p.row, p.field) == (line, field)


def test_empty_text_value_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE.replace("name: 最小示例工厂 (minimal example factory)", "name:"))
    assert p == Problem("factory.yaml", 3, "name", "Input should be a valid string, not null "
                                                  "(an empty value)")


def test_infinite_base_temperature_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE + "efficiency:\n  baseline: {year: 2023, heating_base_c: .inf,"
                                  " cooling_base_c: 26}\n")
    assert (p.row, p.field) == (END + 1, "efficiency.baseline.heating_base_c")
    assert p.reason == "Input should be a finite number, not inf"


def test_number_where_a_boolean_belongs_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE + "  deduct_export: {location: 1}\n")
    assert (p.row, p.field) == (END, "accounting.deduct_export.location")
    assert p.reason == "Input should be a valid boolean, not 1"


def test_five_digit_year_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE.replace("baseline_year: 2023", "baseline_year: 20230"))
    assert (p.row, p.field) == (BASELINE_LINE, "baseline_year")
    assert p.reason == "Input should be less than or equal to 9999, not 20230"


def test_missing_required_key_has_no_line(tmp_path: Path) -> None:
    (tmp_path / "factory.yaml").write_text(BASE.replace("name: ", "nam: "), encoding="utf-8")
    with pytest.raises(PackageError) as info:
        read_site(tmp_path / "factory.yaml")
    assert info.value.problems == [
        Problem("factory.yaml", None, "name", "Field required"),
        Problem("factory.yaml", 3, "nam", "Extra inputs are not permitted")]


# --- alias expansion ---------------------------------------------------------------------

BOMB = "a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
    f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True))


def test_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    assert len(BOMB) < 800               # 9**9 = 387,420,489 strings once expanded
    started = time.perf_counter()
    p = _problem(tmp_path, BOMB)
    assert time.perf_counter() - started < 1
    assert (p.row, p.field) == (2, "b.0")
    assert p.reason.startswith("alias *a not accepted")


def test_single_alias_is_refused(tmp_path: Path) -> None:
    text = BASE + "efficiency:\n  baseline: &b {year: 2023, heating_base_c: 18, " \
                  "cooling_base_c: 26}\ndeclarations: {x: *b}\n"
    p = _problem(tmp_path, text)
    assert (p.row, p.field) == (END + 2, "declarations.x")


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    # PyYAML composes recursively: 10,000 brackets were a RecursionError
    p = _problem(tmp_path, "declarations: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert p.row == 1 and p.reason == f"nested deeper than {MAX_DEPTH} levels"


# --- the file as a whole -----------------------------------------------------------------

@pytest.mark.parametrize(("content", "row", "reason"), [
    ("- id: a\n- id: b\n", 1, "must be a mapping of keys to values, not a list"),
    ("just text\n", 1, "must be a mapping of keys to values, not a single value"),
    ("", None, "empty: must be a mapping of keys to values"),
    ("# only a comment\n", None, "empty: must be a mapping of keys to values"),
])
def test_file_that_is_not_a_mapping_is_refused(
    tmp_path: Path, content: str, row: int | None, reason: str
) -> None:
    assert _problem(tmp_path, content) == Problem("factory.yaml", row, None, reason)


def test_huge_file_is_refused_unread(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE + "#" * MAX_BYTES + "\n")
    assert (p.row, p.field) == (None, None) and p.reason.startswith("larger than 262,144 bytes")


def test_non_utf8_file_is_refused_with_its_line(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE.encode("gbk"))
    assert p == Problem("factory.yaml", 3, None, "not UTF-8 (byte 0xd7); save factory.yaml as "
                                                 "UTF-8")


def test_utf8_with_bom_reads(tmp_path: Path) -> None:
    (tmp_path / "factory.yaml").write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert read_site(tmp_path / "factory.yaml").id == "minimal"


def test_second_document_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE + "---\nid: other\n")
    assert p.row == END
    assert p.reason == ("not valid YAML: expected a single document in the stream; "
                        "but found another document")


def test_control_character_is_refused_with_its_line(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE.replace("name: ", "name: \x1b[2J"))
    assert p.row == 3 and p.reason.endswith("(character #x001b)")


def test_syntax_error_has_its_line(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE + "accounting: [\n")
    assert p.row == END + 1 and p.reason.startswith("not valid YAML:")


@pytest.mark.parametrize(("value", "reason"), [
    ("2025-02-30", "cannot read '2025-02-30' as timestamp: day is out of range for month"),
    ("!!int abc", "cannot read 'abc' as int: invalid literal for int() with base 10: 'abc'"),
])
def test_value_yaml_cannot_read_is_refused(tmp_path: Path, value: str, reason: str) -> None:
    # a ValueError inside PyYAML was a traceback
    p = _problem(tmp_path, BASE + f"declarations: {{x: {{value: {value}}}}}\n")
    assert p == Problem("factory.yaml", END, "declarations.x.value", reason)


def test_python_tag_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, BASE + "boundary2: !!python/object/apply:os.system [ls]\n")
    assert p.row == END and "could not determine a constructor" in p.reason


def test_cli_names_the_line_and_stores_nothing(tmp_path: Path, minimal_pkg: Path) -> None:
    (minimal_pkg / "factory.yaml").write_text(BASE + "name: x\n", encoding="utf-8")
    db = tmp_path / "ws.duckdb"
    result = CliRunner().invoke(app, ["import", str(minimal_pkg), "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert (f"factory.yaml, row {END}, field 'name': duplicate key (first at line 3)"
            in result.stderr)
