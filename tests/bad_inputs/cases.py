"""The bad-input corpus: every case with its expected outcome.

Each :class:`Case` names a file in this folder (or a ``make`` function that
writes a large or binary one) and says what must happen, through the Python
API and through the CLI alike (``tests/test_bad_inputs.py`` runs both):

* ``error``: a regex the one-line :class:`~calibrate.errors.CalibrateError`
  message must match (it names the problem and a fix); the CLI prints it as
  ``error: ...`` and exits 2.
* ``warning`` and ``warning_match``: a warning class and a regex, plus an
  optional ``check`` of the result (the fitted config, or the scored leads);
  the CLI exits 0 and prints the same warnings as ``warning: ...`` lines.
* neither: the input is read right (``check`` says what right means), with
  no calibrate warning.

``kind`` is ``"fit"`` (``read_leads`` + ``Calibrator(holdout=None).fit`` /
``calibrate fit``), ``"score"`` (``ScoringConfig.score`` / ``calibrate
score`` with the config fitted on ``score_train.csv``) or ``"config"``
(``ScoringConfig.load`` / ``calibrate validate`` and ``calibrate score``).
``README.md`` here lists the cases and says how to add one.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from calibrate.errors import (
    CalibrateError,
    ConfigError,
    DataError,
    DataQualityWarning,
    LeakageWarning,
    UnseenLevelWarning,
)

HERE = Path(__file__).resolve().parent

#: Calibrator options of every fit case unless a case overrides them: the case files have 80 rows.
FIT_OPTIONS: dict[str, Any] = {"min_support": 10}


@dataclass(frozen=True)
class Case:
    """One bad input and what calibrate must do with it.

    Attributes
    ----------
    id : str
        The test id.
    kind : {"fit", "score", "config"}
        Which entry points run it.
    outcome : str
        The expected outcome in words (the README table).
    file : str, optional
        A file in this folder; or ``make``, a function writing the file into
        a directory and returning its path (large or binary inputs).
    target : str
        The target column of a fit case.
    read : dict
        ``read_leads`` options (``sep``, ``encoding``, ``sheet``; CLI
        ``--sep``, ``--encoding``, ``--sheet``).
    fit : dict
        ``Calibrator.fit`` options (``positive``, ``exclude``, ``drop``,
        ``date_column``, ``id_column``; CLI ``--positive``, ...).
    options : dict
        ``Calibrator`` options on top of :data:`FIT_OPTIONS`
        (``min_support``, ``leakage``, ``extra_placeholders``: added to the
        default placeholders, CLI ``--placeholder``).
    error, error_class : str, type
        The expected error: a regex its message matches, and its class.
    warning, warning_match : type, str
        The expected warning: its class and a regex its message matches.
    check : callable, optional
        ``check(result, ctx)``: ``result`` is the fitted
        :class:`~calibrate.config.ScoringConfig` (fit) or the scored
        DataFrame (score); ``ctx`` holds ``config`` (the scoring config),
        ``reference`` (``score_base.csv`` scored) and ``frame`` (the input
        as read).
    prepare : callable, optional
        Python-only step between reading and fitting (``frame -> frame``).
    cli : bool
        Whether the CLI half runs (False only while an option is not wired).
    pending : str, optional
        The behaviour needs a change outside the corpus's files: the case is
        an ``xfail(strict=True)`` with this reason until it is made.
    tolerate : tuple of str
        Regexes of stray non-calibrate warnings (known bugs, reported) that
        may reach the user; any other one fails the case.
    max_seconds : float, optional
        Time budget of the Python fit.
    """

    id: str
    kind: Literal["fit", "score", "config"]
    outcome: str
    file: str | None = None
    make: Callable[[Path], Path] | None = None
    target: str = "converted"
    read: dict[str, Any] = field(default_factory=dict)
    fit: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    error_class: type[CalibrateError] = DataError
    warning: type[Warning] | None = None
    warning_match: str = ""
    check: Callable[[Any, Any], None] | None = None
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    cli: bool = True
    pending: str | None = None
    tolerate: tuple[str, ...] = ()
    max_seconds: float | None = None

    def path(self, workdir: Path) -> Path:
        """The input file: in this folder, or written by ``make`` into ``workdir``."""
        if self.make is not None:
            return self.make(workdir)
        assert self.file is not None, self.id
        return HERE / self.file

    @property
    def source(self) -> str:
        """How the README names the input."""
        return f"`{self.file}`" if self.file else f"generated by `{self.make.__name__}`"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- #
# Helpers of checks
# --------------------------------------------------------------------------- #
def attribute(config: Any, name: str) -> dict[str, Any]:
    """The config's entry of one attribute (fails the check when it is not scored)."""
    found = [a for a in config.to_dict()["attributes"] if a["name"] == name]
    assert found, f"{name!r} is not an attribute of the config: {config.attributes}"
    return found[0]


def levels(config: Any, name: str) -> set[str]:
    return {level["value"] for level in attribute(config, name)["levels"]}


def left_out(config: Any) -> dict[str, str]:
    return {item["column"]: item["reason"] for item in config.to_dict().get("left_out", [])}


def points(config: Any, name: str, level: str) -> int:
    table = config.points_table()
    return int(table.loc[(table["attribute"] == name) & (table["level"] == level), "points"].iloc[0])


def training(config: Any) -> dict[str, Any]:
    return config.to_dict()["training"]


def _accents(config: Any, ctx: Any) -> None:
    assert levels(config, "city") == {"Zürich", "São Paulo", "Málaga", "Köln"}


def _bom(config: Any, ctx: Any) -> None:
    assert config.to_dict()["target"]["column"] == "converted"
    assert all("\ufeff" not in str(name) for name in [*config.attributes, *left_out(config)])
    assert "lead_id" in left_out(config)


def _cp1252(config: Any, ctx: Any) -> None:
    assert {"Trade fair – Köln", "Partner’s referral"} <= levels(config, "source")


def _quoted(config: Any, ctx: Any) -> None:
    assert training(config)["rows"] == 80
    assert "Event, Paris" in levels(config, "source")
    assert any("\n" in value and '"call back"' in value for value in levels(config, "form_message"))


def _rows(rows: int, leads: int | None = None, customers: int | None = None, **more: int) -> Callable[[Any, Any], None]:
    def check(config: Any, ctx: Any) -> None:
        found = training(config)
        assert found["rows"] == rows, found
        assert leads is None or found["leads"] == leads, found
        assert customers is None or found["customers"] == customers, found
        for key, value in more.items():
            assert found.get(key) == value, (key, found)

    return check


def _three_values(config: Any, ctx: Any) -> None:
    target = config.to_dict()["target"]
    assert target["positive"] == ["Won"] and target["excluded"] == ["Open"], target
    _rows(80, leads=63, rows_excluded=17)(config, ctx)


def _not_numeric(config: Any, ctx: Any) -> None:
    scored = {a["name"]: a["kind"] for a in config.to_dict()["attributes"]}
    assert scored.get("employees") != "numeric", scored


def _numeric_missing(name: str, missing: int) -> Callable[[Any, Any], None]:
    def check(config: Any, ctx: Any) -> None:
        entry = attribute(config, name)
        assert entry["kind"] == "numeric", entry
        assert entry["missing"]["leads"] == missing, entry["missing"]
        assert sum(b["leads"] for b in entry["bins"]) + missing == training(config)["leads"]

    return check


def _infinities(config: Any, ctx: Any) -> None:
    entry = attribute(config, "employees")
    assert entry["kind"] == "numeric" and entry["missing"]["leads"] == 0
    assert sum(b["leads"] for b in entry["bins"]) == 80  # -inf in the first bin, inf in the last: none lost


def _leakage(config: Any, ctx: Any) -> None:
    assert left_out(config)["won_flag"].startswith("leakage suspect"), left_out(config)
    assert "won_flag" not in config.attributes and "source" in config.attributes


def _trailing(config: Any, ctx: Any) -> None:
    assert left_out(config)["Unnamed: 4"].startswith("empty trailing column")


def _identifier(column: str) -> Callable[[Any, Any], None]:
    def check(config: Any, ctx: Any) -> None:
        assert column in left_out(config) and column not in config.attributes, left_out(config)

    return check


def _unique_id_left_out(config: Any, ctx: Any) -> None:
    assert left_out(config)["visitor_token"] == "identifier-like: every value is unique (100000 rows)"


# Scoring checks: ``result`` is the scored frame, ``ctx.reference`` is score_base.csv scored.
def _same_scores(scored: pd.DataFrame, ctx: Any) -> None:
    mine = scored.set_index("lead_id")["score"].astype("int64")
    reference = ctx.reference.set_index("lead_id")["score"].astype("int64")
    pd.testing.assert_series_equal(mine.loc[reference.index], reference)


def _reordered(scored: pd.DataFrame, ctx: Any) -> None:
    _same_scores(scored, ctx)
    assert list(scored.columns[:4]) == ["industry", "employees", "lead_id", "source"]


def _extra_columns(scored: pd.DataFrame, ctx: Any) -> None:
    _same_scores(scored, ctx)
    assert list(scored.columns[:6]) == ["lead_id", "owner", "source", "employees", "industry", "campaign"]
    assert scored["owner"].tolist() == ["ann", "bob"] * 4 and (scored["campaign"] == "spring").all()


def _new_levels(scored: pd.DataFrame, ctx: Any) -> None:
    base = ctx.reference.set_index("lead_id")
    unseen = points(ctx.config, "source", "(unseen)")
    for lead, was in (("N001", "Google"), ("N003", "Referral"), ("N005", "Google")):  # TikTok, Podcast, TikTok
        expected = base.loc[lead, "score"] - points(ctx.config, "source", was) + unseen
        assert scored.set_index("lead_id").loc[lead, "score"] == expected, lead
    others = ~scored["lead_id"].isin(["N001", "N003", "N005"])
    assert (scored.loc[others, "score"].to_numpy() == ctx.reference.loc[others, "score"].to_numpy()).all()


def _out_of_range(scored: pd.DataFrame, ctx: Any) -> None:
    bins = attribute(ctx.config, "employees")["bins"]
    first_inside, last_inside = bins[0]["upper"] - 1, bins[-1]["lower"]  # values inside the open-ended bins
    frame = ctx.frame.copy()
    numbers = pd.to_numeric(frame["employees"])
    inside = numbers.where(numbers >= bins[0]["upper"], first_inside).where(numbers < bins[-1]["lower"], last_inside)
    frame["employees"] = inside.astype(int).astype(str)
    expected = ctx.config.score(frame)["score"].to_numpy()
    assert (scored["score"].to_numpy() == expected).all()
    assert scored["score"].iloc[0] - ctx.reference["score"].iloc[0] == 0  # 0 and 5 employees: both first bin


def _text_in_numeric(scored: pd.DataFrame, ctx: Any) -> None:
    row = scored.set_index("lead_id")
    base = ctx.reference.set_index("lead_id")
    first_bin = attribute(ctx.config, "employees")["bins"][0]  # N001 had 5 employees, now 'lots'
    assert first_bin["upper"] > 5
    unseen = points(ctx.config, "employees", "(unseen)")
    assert row.loc["N001", "score"] == base.loc["N001", "score"] - first_bin["points"] + unseen


# --------------------------------------------------------------------------- #
# Generators of large or binary inputs
# --------------------------------------------------------------------------- #
def _leads(n: int, seed: int = 0, start: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    source = np.array(["Google", "Bing", "Referral", "Event"])[np.arange(n) % 4]
    converted = (rng.random(n) < np.where(source == "Referral", 0.45, 0.2)).astype(int)
    return pd.DataFrame({"lead_id": [f"L{i:05d}" for i in range(start, start + n)], "source": source,
                         "employees": rng.integers(1, 900, n), "converted": converted})


def make_two_sheets(directory: Path) -> Path:
    """A workbook with two sheets of leads: 'Leads 2023' (60 rows) and 'Leads 2024' (80 rows)."""
    path = directory / "two_sheets.xlsx"
    if not path.exists():
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            _leads(60, seed=1).to_excel(writer, sheet_name="Leads 2023", index=False)
            _leads(80, seed=2, start=61).to_excel(writer, sheet_name="Leads 2024", index=False)
    return path


def make_merged_header(directory: Path) -> Path:
    """A sheet with a title row above the names: 'Lead' merged over A1:B1, 'Outcome' over C1:D1."""
    import openpyxl

    path = directory / "merged_header.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Leads"
    sheet.append(["Lead", None, "Outcome", None])
    sheet.append(["lead_id", "source", "employees", "converted"])
    for row in _leads(80).itertuples(index=False):
        sheet.append(list(row))
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    book.save(path)
    return path


def make_merged_data(directory: Path) -> Path:
    """A sheet whose 'source' cells are merged down over rows 3 to 6 (values in B3 only)."""
    import openpyxl

    path = directory / "merged_data.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Leads"
    sheet.append(["lead_id", "source", "employees", "converted"])
    for row in _leads(80).itertuples(index=False):
        sheet.append(list(row))
    sheet.merge_cells("B3:B6")
    book.save(path)
    return path


def make_nested_list(directory: Path) -> Path:
    """A Parquet file with a list column 'tags' (list<string>)."""
    path = directory / "nested_list.parquet"
    frame = _leads(80)
    frame["tags"] = [["webinar", "ebook"] if i % 2 else [] for i in range(80)]
    frame.to_parquet(path, index=False)
    return path


def make_nested_struct(directory: Path) -> Path:
    """A Parquet file with a struct column 'address' ({city, zip})."""
    path = directory / "nested_struct.parquet"
    frame = _leads(80)
    frame["address"] = [{"city": "Köln", "zip": "50667"}] * 80
    frame.to_parquet(path, index=False)
    return path


def make_corrupt_gzip(directory: Path) -> Path:
    """A ``.csv.gz`` whose compressed stream is cut in half."""
    path = directory / "corrupt.csv.gz"
    packed = gzip.compress(_leads(80).to_csv(index=False).encode())
    path.write_bytes(packed[: len(packed) // 2])
    return path


def make_xlsx_named_csv(directory: Path) -> Path:
    """An Excel workbook saved with a .csv name."""
    path = directory / "workbook_named.csv"
    buffer = io.BytesIO()
    _leads(80).to_excel(buffer, index=False)
    path.write_bytes(buffer.getvalue())
    return path


def _tokens(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    source = rng.choice(["Google", "Bing", "Referral", "Event"], n)
    tokens = np.char.add("v", np.char.zfill(rng.permutation(n).astype(str), 8))  # 100,000 distinct values
    converted = (rng.random(n) < np.where(source == "Referral", 0.3, 0.1)).astype(int)
    return pd.DataFrame({"visitor_token": tokens, "source": source, "converted": converted})


def make_high_cardinality(directory: Path) -> Path:
    """100,000 leads, each with its own visitor token."""
    path = directory / "high_cardinality.csv"
    if not path.exists():
        _tokens(100_000, seed=3).to_csv(path, index=False)
    return path


def make_high_cardinality_repeats(directory: Path) -> Path:
    """130,000 leads sharing 100,000 distinct visitor tokens (30,000 repeat one)."""
    path = directory / "high_cardinality_repeats.csv"
    if not path.exists():
        frame = _tokens(100_000, seed=4)
        pd.concat([frame, frame.sample(30_000, random_state=1)], ignore_index=True).to_csv(path, index=False)
    return path


# --------------------------------------------------------------------------- #
# The corpus
# --------------------------------------------------------------------------- #

CASES: list[Case] = [
    # ---------------------------------------------------------------- reading files
    Case("empty_file", "fit", "error: the file is empty (0 bytes)", file="empty.csv",
         error=r"'.*empty\.csv' is empty \(0 bytes\); export the leads again"),
    Case("blank_lines_only", "fit", "error: only blank lines, no header", file="blank_lines.csv",
         error=r"is empty \(only blank lines, no header\); export the leads again"),
    Case("header_only", "fit", "error: a header but no rows", file="header_only.csv",
         error=r"'.*header_only\.csv' has a header but no rows; export the leads with their data"),
    Case("wrong_sep_given", "fit", "error: `;` file read with `--sep ,` is one column; names `;` as the fix",
         file="wrong_sep.csv", read={"sep": ","},
         error=r"with sep=',' the header of '.*wrong_sep\.csv' is one column \('lead_id;source;employees;converted'\) "
               r"but the file looks delimited by ';' \(4 columns\); pass sep=';' \(CLI: --sep ';'\)"),
    Case("mixed_delimiters", "fit", "error: rows written with `;` in a `,` file, named by data row",
         file="mixed_delimiters.csv",
         error=r"mixes delimiters: 3 data row\(s\) use ';' instead of ',' \(data rows 6, 7, 30, e\.g\. "
               r"'L0006;.*'\).*; re-export the file with one delimiter"),
    Case("utf8_bom", "fit", "read right: BOM stripped from the first column name (the target)", file="utf8_bom.csv",
         check=_bom),
    Case("latin1", "fit", "read right: Zürich, São Paulo, Málaga, Köln", file="latin1.csv", check=_accents),
    Case("cp1252", "fit", "read right: en dash and curly apostrophe (cp1252 bytes 0x96, 0x92)", file="cp1252.csv",
         check=_cp1252),
    Case("utf16_bom", "fit", "read right: accents in a UTF-16 file with BOM", file="utf16.csv", check=_accents),
    Case("utf16le_no_bom", "fit", "read right: accents in BOM-less UTF-16 LE", file="utf16le_no_bom.csv",
         check=_accents),
    Case("wrong_encoding_given", "fit", "error: `--encoding utf-8` on a Latin-1 file names the byte and line",
         file="latin1.csv", read={"encoding": "utf-8"},
         error=r"cannot be decoded as 'utf-8': byte 0x[0-9A-F]{2} at line \d+ .*; pass the right encoding= or omit it"),
    Case("quoted_newlines_and_delimiters", "fit", "read right: quoted fields keep their line breaks, commas, quotes",
         file="quoted_newlines.csv", check=_quoted),
    Case("unterminated_quote", "fit", "error: an opened quote never closed, at its line",
         file="unterminated_quote.csv",
         error=r"cannot parse '.*' near line 23: EOF inside string .*never closed\); check the quoting"),
    Case("too_many_fields", "fit", "error: an unquoted delimiter in a value, at its line", file="too_many_fields.csv",
         error=r"cannot parse '.*' near line 25: Expected 4 fields in line 25, saw 5; check the quoting"),
    Case("trailing_delimiter", "fit", "read right: the empty trailing column is left out with its reason",
         file="trailing_delimiter.csv", check=_trailing),
    Case("duplicate_column_names", "fit", "error: names the column and both positions",
         file="duplicate_columns.csv",
         error=r"duplicated column names in its header: 'source' \(columns 2, 5\); rename them"),
    Case("unsupported_extension", "fit", "error: lists the supported formats", file="unsupported_extension.json",
         error=r"unsupported file type \.json for '.*'; supported: \.csv.*; export the leads in one of them"),
    Case("corrupt_gzip", "fit", "error: a truncated .csv.gz", make=make_corrupt_gzip,
         error=r"'.*corrupt\.csv\.gz' is not a valid gzip file \(.*\); compress it again"),
    Case("xlsx_named_csv", "fit", "error: a workbook with a .csv name", make=make_xlsx_named_csv,
         error=r"is a zip archive or an Excel workbook, not text; rename it to \.xlsx"),
    # ---------------------------------------------------------------- Excel and Parquet
    Case("excel_several_sheets", "fit", "warning naming the sheets; the first is read", make=make_two_sheets,
         warning=DataQualityWarning,
         warning_match=r"has 2 sheets \('Leads 2023', 'Leads 2024'\); read the first, 'Leads 2023'; pass sheet=\.\.\. "
                       r"\(CLI: --sheet\)",
         check=_rows(60)),
    Case("excel_sheet_chosen", "fit", "read right: `--sheet` picks the second sheet, no warning",
         make=make_two_sheets, read={"sheet": "Leads 2024"}, check=_rows(80)),
    Case("excel_sheet_misspelt", "fit", "error: lists the sheets and suggests the closest", make=make_two_sheets,
         read={"sheet": "Leads 2025"},
         error=r"has no sheet 'Leads 2025' \(sheets: 'Leads 2023', 'Leads 2024'\); did you mean 'Leads 202[34]'\?"),
    Case("excel_merged_header", "fit", "error: merged header cells (a title row) named, with the fix",
         make=make_merged_header,
         error=r"sheet 'Leads' of '.*' has merged cells in its header row \(A1:B1 'Lead'; C1:D1 'Outcome'\); "
               r"unmerge them"),
    Case("excel_merged_data_cells", "fit", "warning: merged data cells read as blank, counted",
         make=make_merged_data, warning=DataQualityWarning,
         warning_match=r"has 1 merged cell range\(s\) below the header \(e\.g\. B3:B6\); only the first cell of each "
                       r"holds the value, so 3 cell\(s\) were read as blank; unmerge them",
         check=_rows(80)),
    Case("parquet_nested_list", "fit", "error (decided: not flattened silently): names the list column and its type",
         make=make_nested_list,
         error=r"has nested Parquet column\(s\) 'tags' \(list<.*>\); flatten them into plain columns"),
    Case("parquet_nested_struct", "fit", "error: names the struct column and its type", make=make_nested_struct,
         error=r"has nested Parquet column\(s\) 'address' \(struct<.*>\); flatten them"),
    # ---------------------------------------------------------------- the target
    Case("target_missing", "fit", "error: suggests the closest column name", file="target_missing.csv",
         target="convrted",
         error=r"target column 'convrted' is not in the data; did you mean 'converted'\?"),
    Case("target_constant", "fit", "error: only non-customers", file="target_constant.csv",
         error=r"target column 'converted' has only non-customers among the 80 decided leads .*; a close rate needs "
               r"both"),
    Case("target_all_missing", "fit", "error: no decided outcome (blank and N/A)", file="target_all_missing.csv",
         error=r"no lead in 80 rows has a decided outcome in 'converted' \(values are blank\); check the column"),
    Case("target_three_values", "fit", "error: three values need --positive", file="target_three_values.csv",
         error=r"target column 'converted' has 3 distinct values \('Lost', 'Open', 'Won'\); pass positive=\[\.\.\.\] "
               r"\(CLI: --positive VALUE\)"),
    Case("target_three_values_with_positive", "fit", "read right: --positive Won --exclude-outcome Open",
         file="target_three_values.csv", fit={"positive": ["Won"], "exclude": ["Open"]}, check=_three_values),
    Case("target_positive_not_found", "fit", "error: lists the values the column has",
         file="target_numeric_strings.csv", fit={"positive": ["Closed Won"]},
         error=r"positive value\(s\) \['closed won'\] not found in target column 'converted'; its values are"),
    Case("target_numeric_strings", "fit", "read right: '1', '1.0', ' 1 ' are customers",
         file="target_numeric_strings.csv", check=_rows(80, leads=80, customers=20)),
    Case("target_boolean_text", "fit", "read right: TRUE/yes/Y vs FALSE/no/N mixed (fixed: was an error)",
         file="target_boolean_text.csv", check=_rows(80, leads=80, customers=20)),
    Case("target_blank_rows", "fit", "read right: 4 blank/placeholder outcomes left out and counted",
         file="target_blank_rows.csv", check=_rows(80, leads=76, rows_without_outcome=4)),
    Case("single_row", "fit", "error: one lead cannot give close rates (fixed: said 'check positive=')",
         file="single_row.csv",
         error=r"only 1 lead \(of 1 row\(s\)\) has a decided outcome in 'converted'; .*export more history"),
    # ---------------------------------------------------------------- attributes
    Case("all_attributes_constant", "fit", "error: names each column and why it is left out",
         file="constant_attributes.csv",
         error=r"no usable attribute is left to score \(.*source: constant.*region: constant.*\); "
               r"add attribute columns"),
    Case("numeric_with_text", "fit", "warning naming the text cells and rows (fixed: was silent); read as categories",
         file="numeric_with_text.csv", warning=DataQualityWarning,
         warning_match=r"column 'employees' holds numbers in 78 of 80 rows but text in 2 \('approx 50' at data row 4, "
                       r"'1,200' at data row 10\), so it was read as categories.*; fix those cells, or pass "
                       r"placeholders=\[\.\.\.\] \(CLI: --placeholder VALUE\)",
         check=_not_numeric),
    Case("numeric_with_text_as_placeholders", "fit", "read right: the warning's fix bins the column, 2 missing",
         file="numeric_with_text.csv", options={"extra_placeholders": ["approx 50", "1,200"]},
         check=_numeric_missing("employees", 2)),
    Case("infinities", "fit", "warning (fixed: numpy RuntimeWarning leaked); binned in the open-ended bins",
         file="infinities.csv", warning=DataQualityWarning,
         warning_match=r"column 'employees' holds 2 infinite value\(s\) \('inf' at data row 4, '-inf' at data "
                       r"row 10\); they are binned in the open-ended first/last bin.*; fix the export",
         check=_infinities),
    Case("negative_counts", "fit", "warning: -1 in a count (fixed: was silent); stays in the lowest bin",
         file="negative_counts.csv", warning=DataQualityWarning,
         warning_match=r"column 'page_views' is whole numbers, 78 of them 0 or more, but 2 are negative \('-1' at data "
                       r"row 6, '-1' at data row 18\); a count cannot be negative: if -1 means unknown, pass "
                       r"placeholders=\[\.\.\.\] \(CLI: --placeholder=-1\)",
         check=_numeric_missing("page_views", 0)),
    Case("negative_counts_as_placeholder", "fit", "read right: --placeholder=-1 reads them as missing",
         file="negative_counts.csv", options={"extra_placeholders": ["-1"]}, check=_numeric_missing("page_views", 2)),
    Case("dates_unparseable", "fit", "warning naming the non-dates and rows; period from the rest",
         file="dates_unparseable.csv", fit={"date_column": "created"}, warning=DataQualityWarning,
         warning_match=r"date column 'created' has 2 value\(s\) that are not dates \('not a date' at data row 5, "
                       r"'31/02/2025' at data row 10\); .*fix them"),
    Case("dates_future", "fit", "warning naming the future dates and rows", file="dates_future.csv",
         fit={"date_column": "created"}, warning=DataQualityWarning,
         warning_match=r"date column 'created' has 2 date\(s\) after today \('2031-01-01' at data row 71, '2099-12-31' "
                       r"at data row 72\); the training period ends at 2099-12-31: check"),
    Case("high_cardinality", "fit", "read right and fast: 100,000 distinct tokens left out as identifier-like",
         make=make_high_cardinality, options={"min_support": 30}, check=_unique_id_left_out, max_seconds=20),
    Case("high_cardinality_repeats", "fit", "read right and fast: 100,000 distinct tokens over 130,000 rows left out",
         make=make_high_cardinality_repeats, options={"min_support": 30}, check=_identifier("visitor_token"),
         max_seconds=20),
    Case("leakage_copy_of_target", "fit", "LeakageWarning; the copy of the target is left out with its reason",
         file="leakage_copy_of_target.csv", warning=LeakageWarning,
         warning_match=r"attribute 'won_flag' looks like it leaks the outcome .*; left out \(pass leakage='keep', CLI "
                       r"--keep-leaky, to use it\)",
         check=_leakage),
    Case("duplicate_ids_refused", "fit", "error: count, two ids with their rows, --duplicate-ids",
         file="duplicate_ids.csv", fit={"id_column": "lead_id", "duplicate_ids": "refuse"},
         error=r"id column 'lead_id' has 2 id\(s\) on more than one row \(3 extra row\(s\); e\.g\. 'L0004' at "
               r"data rows 4, 11, 51; 'L0008' at data rows 8 and 34\); remove the duplicates.*"
               r"--duplicate-ids first\|last"),
    Case("duplicate_ids_keep_first", "fit", "warning: 3 rows dropped, first kept",
         file="duplicate_ids.csv", fit={"id_column": "lead_id", "duplicate_ids": "first"}, warning=DataQualityWarning,
         warning_match=r"id column 'lead_id': 3 row\(s\) repeating 2 id\(s\) were dropped, keeping the first row of "
                       r"each",
         check=_rows(77)),
    Case("duplicate_ids_keep_last", "fit", "warning: 3 rows dropped, last kept",
         file="duplicate_ids.csv", fit={"id_column": "lead_id", "duplicate_ids": "last"}, warning=DataQualityWarning,
         warning_match=r"keeping the last row of each", check=_rows(77)),
    # ---------------------------------------------------------------- scoring
    Case("score_column_renamed", "score", "error: names the missing column and suggests the renamed one",
         file="score_renamed_column.csv",
         error=r"column\(s\) \['source'\] used by the config are missing from the data; did you mean 'lead_source'\?; "
               r"rename them"),
    Case("score_column_missing", "score", "error: names the missing column", file="score_missing_column.csv",
         error=r"column\(s\) \['employees'\] used by the config are missing from the data; rename them"),
    Case("score_new_levels", "score", "UnseenLevelWarning counting them; scored with the unseen points",
         file="score_new_levels.csv", warning=UnseenLevelWarning,
         warning_match=r"values never seen in training were scored with the unseen points: source: 3 \('TikTok', "
                       r"'Podcast'\)",
         check=_new_levels),
    Case("score_text_in_numeric", "score", "UnseenLevelWarning; text in a numeric column scores the unseen points",
         file="score_text_in_numeric.csv", warning=UnseenLevelWarning,
         warning_match=r"employees: 2 \('lots', 'a few'\)", check=_text_in_numeric),
    Case("score_out_of_range", "score", "read right: numbers beyond all training values score in the open-ended bins",
         file="score_out_of_range.csv", check=_out_of_range),
    Case("score_columns_reordered", "score", "read right: same scores, input column order kept",
         file="score_columns_reordered.csv", check=_reordered),
    Case("score_extra_columns", "score", "read right: extra columns kept in place, same scores",
         file="score_extra_columns.csv", check=_extra_columns),
    Case("score_existing_score_column", "score", "error: the output column exists; names --score-column",
         file="score_existing_score_column.csv",
         error=r"the data already has a column 'score'; rename it or pass score_column= \(CLI: --score-column"),
    Case("score_header_only", "score", "error: nothing to score", file="score_header_only.csv",
         error=r"has a header but no rows; export the leads with their data"),
    # ---------------------------------------------------------------- configs
    Case("config_unknown_version", "config", "error: names the versions this release reads",
         file="config_unknown_version.yaml", error_class=ConfigError,
         error=r"unknown schema_version 99: this calibrate reads versions 1, 2, 3; use the calibrate release"),
    Case("config_wrong_types", "config", "error: names the field path and the type", file="config_wrong_types.yaml",
         error_class=ConfigError,
         error=r"at attributes/0/levels/3/points: 'sixty-eight' is not of type 'integer'; fix it there"),
    Case("config_missing_fields", "config", "error: names the missing section", file="config_missing_fields.yaml",
         error_class=ConfigError, error=r"at \(top level\): 'scale' is a required property; fix it there"),
    Case("config_python_tag", "config", "error: refused, never executed (no marker file appears)",
         file="config_python_tag.yaml", error_class=ConfigError,
         error=r"config holds the Python object tag !!python/object/apply:os\.system at line 3, column 12: refused, "
               r"never run; .*remove the tag"),
    Case("config_python_tag_nested", "config", "error: a tag deep inside an attribute, refused the same way",
         file="config_python_tag_nested.yaml", error_class=ConfigError,
         error=r"Python object tag !!python/object/apply:subprocess\.check_output at line 27.*refused, never run"),
    Case("config_alias_bomb", "config", "error at once (fixed: took minutes and ~1 GB): aliases refused",
         file="config_alias_bomb.yaml", error_class=ConfigError,
         error=r"config uses a YAML alias \(\*l0\) at line 23; aliases are refused, .*; write the repeated values"),
    Case("config_overlapping_bins", "config", "error: names the two bins that overlap",
         file="config_overlapping_bins.yaml", error_class=ConfigError,
         error=r"attribute 'employees': bin 2 ends at 140 but bin 3 starts at 100; bins must be contiguous: "
               r"start each"),
    Case("config_unsorted_bins", "config", "error: names the unsorted edges", file="config_unsorted_bins.yaml",
         error_class=ConfigError,
         error=r"attribute 'employees': bin edges \[6, 690, 140\] must be sorted and distinct; fix the bins"),
    Case("config_open_bin_closed", "config", "error: the last bin must be open-ended",
         file="config_open_bin_closed.yaml", error_class=ConfigError,
         error=r"attribute 'employees': the first bin needs lower: null and the last upper: null so every number"),
    Case("config_duplicate_levels", "config", "error: two values equal after case folding",
         file="config_duplicate_levels.yaml", error_class=ConfigError,
         error=r"attribute 'source': values \['Google', 'google'\] are the same after normalising.*; keep one"),
    Case("config_duplicate_attribute", "config", "error: the same attribute twice",
         file="config_duplicate_attribute.yaml", error_class=ConfigError,
         error=r"attribute\(s\) \['source'\] appear more than once in the config; keep one of each"),
    Case("config_bands_unsorted", "config", "error: band bounds out of order", file="config_bands_unsorted.yaml",
         error_class=ConfigError, error=r"scale\.bands: 'max' values must increase, got \[100, 40\]; order the bands"),
    Case("config_empty", "config", "error: the file is empty (was 'got NoneType')", file="config_empty.yaml",
         error_class=ConfigError, error=r"the config is empty; pass a scoring config written by 'calibrate fit'"),
    Case("config_not_a_mapping", "config", "error: a YAML list, not a config", file="config_not_a_mapping.yaml",
         error_class=ConfigError, error=r"a config must be a mapping of settings .*got list; is this a calibrate"),
    Case("config_broken_yaml", "config", "error: YAML syntax, at its line and column", file="config_broken_yaml.yaml",
         error_class=ConfigError, error=r"config is not valid YAML/JSON at line 29, column 5: .*; fix the file there"),
    Case("config_invalid_json", "config", "error: JSON syntax, at its line and column", file="config_invalid.json",
         error_class=ConfigError,
         error=r"config is not valid JSON at line 1, column 57: Expecting property name .*; fix the file there"),
]

#: What a config case's Python payload would create if it ever ran.
PWNED_MARKER = "calibrate_pwned_marker"
