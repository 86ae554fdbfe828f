"""The bad-input corpus (``tests/bad_inputs``): nothing lost, nothing silently wrong.

Every case of ``tests/bad_inputs/cases.py`` is one test that runs the input
through the Python API and through the CLI (in-process, ``main([...])``) and
checks the same outcome on both: a one-line error naming the problem and a
fix (CLI: one ``error:`` line, exit 2), or the expected warning and a correct
result (CLI: exit 0, the same ``warning:`` lines); never a traceback, and no
stray Python warning. The direct tests of the checks in
``calibrate.validation`` follow.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import sys
import time
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from calibrate import Calibrator
from calibrate.cleaning import DEFAULT_PLACEHOLDERS
from calibrate.cli import main
from calibrate.config import ScoringConfig
from calibrate.errors import CalibrateError, CalibrateWarning, DataError, DataQualityWarning
from calibrate.io import read_leads
from calibrate.validation import check_dates, check_duplicate_ids

CORPUS = Path(__file__).resolve().parent / "bad_inputs"


def _load_manifest() -> Any:
    spec = importlib.util.spec_from_file_location("bad_inputs_cases", CORPUS / "cases.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


manifest = _load_manifest()
CASES = manifest.CASES


def _params() -> list[Any]:
    marks = {case.id: [pytest.mark.xfail(strict=True, reason=case.pending)] if case.pending else [] for case in CASES}
    return [pytest.param(case, id=case.id, marks=marks[case.id]) for case in CASES]


# --------------------------------------------------------------------------- #
# Running one case
# --------------------------------------------------------------------------- #
def run_cli(*args: object) -> tuple[int, str, str]:
    """Run the CLI in-process; return (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def _calibrator_options(case: Any) -> dict[str, Any]:
    options = {**manifest.FIT_OPTIONS, **case.options}
    extra = options.pop("extra_placeholders", None)
    if extra:
        options["placeholders"] = [*DEFAULT_PLACEHOLDERS, *extra]
    return options


def _cli_fit_args(case: Any, path: Path, output: Path) -> list[object]:
    args: list[object] = ["fit", path, "--target", case.target, "--holdout", "0", "--output", output, "--quiet"]
    for key, flag in (("sep", "--sep"), ("encoding", "--encoding"), ("sheet", "--sheet")):
        if key in case.read:
            args += [flag, case.read[key]]
    for key, flag in (("positive", "--positive"), ("exclude", "--exclude-outcome"), ("drop", "--drop")):
        for value in case.fit.get(key, ()):
            args += [flag, value]
    for key, flag in (("date_column", "--date-column"), ("id_column", "--id-column"),
                      ("duplicate_ids", "--duplicate-ids")):  # --duplicate-ids: once cli.fit has it
        if key in case.fit:
            args += [flag, case.fit[key]]
    options = {**manifest.FIT_OPTIONS, **case.options}
    for value in options.pop("extra_placeholders", ()):
        args.append(f"--placeholder={value}")  # "=": a value such as -1 is not read as an option
    if "min_support" in options:
        args += ["--min-support", options.pop("min_support")]
    if options.pop("leakage", None) == "keep":
        args.append("--keep-leaky")
    assert not options, f"translate {sorted(options)} to CLI options in _cli_fit_args"
    return args


def _python_run(case: Any, path: Path, ctx: SimpleNamespace) -> tuple[Any, list[warnings.WarningMessage], float]:
    """The Python half: returns (result, warnings, seconds); raises what calibrate raises."""
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.kind == "fit":
            frame = read_leads(path, **case.read)
            if case.prepare is not None:
                frame = case.prepare(frame)
            result = Calibrator(holdout=None, **_calibrator_options(case)).fit(frame, case.target, **case.fit).config_
        elif case.kind == "score":
            ctx.frame = read_leads(path, **case.read)
            result = ScoringConfig.load(ctx.config_path).score(ctx.frame)
        else:
            result = ScoringConfig.load(path)
            result.score(read_leads(CORPUS / "score_base.csv"))
    return result, list(caught), time.perf_counter() - started


def _cli_runs(case: Any, path: Path, workdir: Path, ctx: SimpleNamespace) -> list[tuple[list[object], Path | None]]:
    """The CLI invocations of a case, each with the file its success writes."""
    if case.kind == "fit":
        output = workdir / f"{case.id}.yaml"
        return [(_cli_fit_args(case, path, output), output)]
    if case.kind == "score":
        output = workdir / f"{case.id}.parquet"
        return [(["score", ctx.config_path, path, "--output", output, "--quiet"], output)]
    scored = workdir / f"{case.id}.csv"
    return [(["validate", path], None),
            (["score", path, CORPUS / "score_base.csv", "--output", scored, "--quiet"], scored)]


def _assert_one_error_line(status: int, out: str, err: str) -> str:
    assert status == 2, (status, out, err)
    assert "Traceback" not in out + err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0].removeprefix("error: ")


def _stray(caught: list[warnings.WarningMessage], tolerate: tuple[str, ...]) -> list[str]:
    """Warnings that are not calibrate's own and not a known, reported leak."""
    return [f"{w.category.__name__}: {w.message}" for w in caught
            if not issubclass(w.category, CalibrateWarning)
            and not any(re.search(pattern, str(w.message)) for pattern in tolerate)]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad_inputs")


@pytest.fixture(scope="module")
def scoring(workdir: Path) -> SimpleNamespace:
    """The config the scoring cases use (fitted on score_train.csv) and score_base.csv scored with it."""
    config = Calibrator(holdout=None).fit(CORPUS / "score_train.csv", "converted").config_
    path = config.save(workdir / "score_config.yaml")
    reference = config.score(read_leads(CORPUS / "score_base.csv"))
    return SimpleNamespace(config=config, config_path=path, reference=reference)


@pytest.mark.parametrize("case", _params())
def test_bad_input(case: Any, workdir: Path, scoring: SimpleNamespace, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # anything a payload might write lands here, where it is looked for
    path = case.path(workdir)
    ctx = SimpleNamespace(config=scoring.config, config_path=scoring.config_path, reference=scoring.reference,
                          frame=None)

    # ------------------------------------------------ Python API
    if case.error is not None:
        with pytest.raises(case.error_class) as raised:
            _python_run(case, path, ctx)
        message = str(raised.value)
        assert "\n" not in message, message
        assert re.search(case.error, message), f"{message!r} does not match {case.error!r}"
        python_warnings: list[str] = []
    else:
        result, caught, seconds = _python_run(case, path, ctx)
        assert not _stray(caught, case.tolerate), _stray(caught, case.tolerate)
        ours = [w for w in caught if issubclass(w.category, CalibrateWarning)]
        assert all("\n" not in str(w.message) for w in ours), [str(w.message) for w in ours]
        if case.warning is not None:
            assert any(issubclass(w.category, case.warning) and re.search(case.warning_match, str(w.message))
                       for w in caught), [f"{w.category.__name__}: {w.message}" for w in caught]
        else:
            assert not [w for w in ours if issubclass(w.category, DataQualityWarning)], [str(w.message) for w in ours]
        if case.check is not None:
            case.check(result, ctx)
        if case.max_seconds is not None:
            assert seconds < case.max_seconds, f"took {seconds:.1f} s"
        python_warnings = list(dict.fromkeys(str(w.message) for w in caught))
    assert not (tmp_path / manifest.PWNED_MARKER).exists(), "a config payload was executed"

    # ------------------------------------------------ CLI
    if not case.cli:
        return
    for args, output in _cli_runs(case, path, workdir, ctx):
        status, out, err = run_cli(*args)
        assert "Traceback" not in out + err, err
        assert not (tmp_path / manifest.PWNED_MARKER).exists(), "a config payload was executed"
        if case.error is not None:
            message = _assert_one_error_line(status, out, err)
            assert re.search(case.error, message), f"{message!r} does not match {case.error!r}"
            continue
        assert status == 0, err
        lines = err.splitlines()
        assert all(line.startswith("warning: ") for line in lines), err
        # The CLI prints exactly the warnings the Python API gave, one line each.
        assert [line.removeprefix("warning: ") for line in lines] == python_warnings, (lines, python_warnings)
        if case.kind == "fit":
            assert out == ""
            cli_config = ScoringConfig.load(output)
            assert cli_config == result, "the CLI fit differs from the Python fit"
            if case.check is not None:
                case.check(cli_config, ctx)
            assert run_cli("validate", output)[0] == 0
        elif case.kind == "score":
            scored = pd.read_parquet(output)
            assert scored["score"].tolist() == result["score"].tolist()
            assert list(scored.columns) == list(result.columns)
            if case.check is not None:
                case.check(scored, ctx)


def test_corpus_is_large_and_consistent() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert len(CASES) >= 40
    for case in CASES:
        assert (case.file is None) != (case.make is None), case.id
        assert case.file is None or (CORPUS / case.file).is_file(), case.file
        assert case.error is None or case.warning is None, case.id
    listed = {name for case in CASES if case.file for name in [case.file]}
    support = {"cases.py", "README.md", "score_train.csv", "score_base.csv", "config_valid.yaml"}
    unused = sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name not in listed | support)
    assert not unused, f"files without a case: {unused}"


def test_readme_lists_every_case() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    missing = [case.id for case in CASES if f"`{case.id}`" not in readme]
    assert not missing, f"add these cases to tests/bad_inputs/README.md: {missing}"


def test_the_valid_config_loads_and_scores() -> None:
    """The hand-written config the config cases break is itself valid (so each case fails for its own reason)."""
    assert run_cli("validate", CORPUS / "config_valid.yaml")[0] == 0
    scored = ScoringConfig.load(CORPUS / "config_valid.yaml").score(read_leads(CORPUS / "score_base.csv"))
    assert scored["score"].tolist() == [-46, 0, 68, -18, -16, 68, 0, 22]


# --------------------------------------------------------------------------- #
# calibrate.validation.check_duplicate_ids
# --------------------------------------------------------------------------- #
def _leads_with_duplicates() -> pd.DataFrame:
    return pd.DataFrame({"lead_id": ["A", "B", "A ", "C", "", "", None, "B", "A"],
                         "source": ["x1", "y1", "x2", "z", "e1", "e2", "n", "y2", "x3"]})


def test_check_duplicate_ids_refuses_by_default_naming_count_ids_rows_and_fix() -> None:
    with pytest.raises(DataError) as raised:
        check_duplicate_ids(_leads_with_duplicates(), "lead_id")
    message = str(raised.value)
    assert message == ("id column 'lead_id' has 2 id(s) on more than one row (3 extra row(s); e.g. 'A' at data rows "
                       "1, 3, 9; 'B' at data rows 2 and 8); remove the duplicates from the export, or pass "
                       "--duplicate-ids first|last (Python: keep='first'|'last') to keep one row per id")


@pytest.mark.parametrize(("keep", "sources"), [("first", ["x1", "y1", "z", "e1", "e2", "n"]),
                                               ("last", ["z", "e1", "e2", "n", "y2", "x3"])])
def test_check_duplicate_ids_keeps_one_row_per_id_with_a_warning(keep, sources) -> None:
    frame = _leads_with_duplicates()
    expected = rf"3 row\(s\) repeating 2 id\(s\) were dropped, keeping the {keep} row"
    with pytest.warns(DataQualityWarning, match=expected):
        kept, dropped = check_duplicate_ids(frame, "lead_id", keep=keep)
    assert dropped == 3
    assert kept["source"].tolist() == sources  # blank ids are not duplicates of each other
    assert kept.index.tolist() == [i for i, s in enumerate(frame["source"]) if s in sources]  # file rows kept


def test_check_duplicate_ids_without_duplicates_returns_the_frame_silently() -> None:
    frame = pd.DataFrame({"lead_id": [3, 1, 2], "x": ["a", "b", "c"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept, dropped = check_duplicate_ids(frame, "lead_id")
    assert kept is frame and dropped == 0


def test_check_duplicate_ids_numeric_ids_and_row_numbers_follow_the_index() -> None:
    frame = pd.DataFrame({"lead_id": [7, 8, 7], "x": [1, 2, 3]}, index=[10, 11, 12])  # rows 11-13 of the file
    with pytest.raises(DataError, match=r"'7' at data rows 11 and 13"):
        check_duplicate_ids(frame, "lead_id")


def test_check_duplicate_ids_unknown_column_and_bad_keep() -> None:
    with pytest.raises(DataError, match=r"id column 'leadid' is not in the data; did you mean 'lead_id'\?"):
        check_duplicate_ids(_leads_with_duplicates(), "leadid")
    with pytest.raises(ValueError, match="keep must be 'first', 'last' or 'refuse'"):
        check_duplicate_ids(_leads_with_duplicates(), "lead_id", keep="any")  # type: ignore[arg-type]


def test_check_duplicate_ids_is_vectorised() -> None:
    n = 1_000_000
    frame = pd.DataFrame({"lead_id": np.char.add("L", np.arange(n).astype(str)), "x": np.zeros(n)})
    frame.loc[n - 1, "lead_id"] = "L0"
    started = time.perf_counter()
    with pytest.warns(DataQualityWarning):
        kept, dropped = check_duplicate_ids(frame, "lead_id", keep="first")
    assert dropped == 1 and len(kept) == n - 1
    assert time.perf_counter() - started < 10


# --------------------------------------------------------------------------- #
# calibrate.validation.check_dates (to be wired into Calibrator.fit)
# --------------------------------------------------------------------------- #
def test_check_dates_warns_about_non_dates_and_future_dates() -> None:
    values = pd.Series(["2025-01-02", "not a date", "", "N/A", "2031-01-01", "2025-02-30"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parsed = check_dates(values, "created", today="2026-01-01")
    messages = [str(w.message) for w in caught]
    assert messages == [
        "date column 'created' has 2 value(s) that are not dates ('not a date' at data row 2, '2025-02-30' at data "
        "row 6); they are ignored for the training period: fix them (dates like 2025-01-31) or blank them",
        "date column 'created' has 1 date(s) after today ('2031-01-01' at data row 5); the training period ends at "
        "2031-01-01: check that this is the lead's creation date and the export's clock",
    ]
    assert all(issubclass(w.category, DataQualityWarning) for w in caught)
    assert parsed.notna().tolist() == [True, False, False, False, True, False]


def test_check_dates_refuses_when_the_dates_must_all_parse_or_none_do() -> None:
    with pytest.raises(DataError, match=r"'created' has 1 value\(s\) that are not dates \('soon' at data row 2\); fix"):
        check_dates(pd.Series(["2025-01-02", "soon"]), "created", allow_unparseable=False)
    with pytest.raises(DataError, match=r"date column 'created' has no parseable dates \(e\.g\. 'soon'\); give dates"):
        check_dates(pd.Series(["soon", "later", ""]), "created")


def test_check_dates_converts_time_zones_to_naive_utc() -> None:
    parsed = check_dates(pd.Series(["2025-01-02T23:30:00+02:00", "2025-01-03T00:00:00Z"]), "created",
                         today="2026-01-01")
    assert parsed.dt.tz is None
    assert parsed.tolist() == [pd.Timestamp("2025-01-02 21:30"), pd.Timestamp("2025-01-03 00:00")]


def test_every_corpus_error_is_a_calibrate_error() -> None:
    assert all(issubclass(case.error_class, CalibrateError) for case in CASES)
