"""Fitting on DuckDB and Spark: counts over every lead, row-level steps on a stratified sample.

The reference is the in-memory (pandas) fit of the same leads: without a holdout and with a
sample holding every lead, an engine fit must give the same attributes, level counts and
points. Known truths are checked on generated data (the sample's outcome share is the data's
exactly; the split does not depend on row order).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibrate import Calibrator, engine_fit
from calibrate.cli import main
from calibrate.engine_fit import EngineTable, choose_engine, draw_engine_sample
from calibrate.errors import DataError, DataQualityWarning

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_leads.csv"
OUTCOME = {"target": "stage", "positive": ["Closed Won"], "exclude": ["Open"]}


def _fit(data, engine=None, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Calibrator(signals=False, created_at=None, **params).fit(data, engine=engine, **OUTCOME)


@pytest.fixture(scope="module")
def in_memory() -> Calibrator:
    return _fit(SAMPLE, holdout=None)


@pytest.fixture(scope="module")
def sample_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engine") / "leads.parquet"
    pd.read_csv(SAMPLE).to_parquet(path, index=False)
    return path


def _same_fit(a: Calibrator, b: Calibrator) -> None:
    assert [s.name for s in a.specs_] == [s.name for s in b.specs_]
    for sa, sb in zip(a.specs_, b.specs_, strict=True):
        assert sa.level_labels == sb.level_labels, sa.name
    pd.testing.assert_frame_equal(a.counts_, b.counts_)
    pd.testing.assert_series_equal(a.points_, b.points_)
    assert a.baseline_ == b.baseline_


def test_duckdb_fit_of_the_csv_equals_the_in_memory_fit(in_memory: Calibrator) -> None:
    _same_fit(in_memory, _fit(SAMPLE, "duckdb", holdout=None))


def test_a_small_sample_still_counts_every_lead(in_memory: Calibrator, sample_parquet: Path) -> None:
    # Lift points come from the counts alone, so a 3,000-lead sample gives the points of all 17,257 leads.
    small = _fit(sample_parquet, "duckdb", holdout=None, sample_size=3000)
    _same_fit(in_memory, small)
    assert len(small.training_y_) == 3000 and small.train_leads_ == 17257
    assert small.config_.to_dict()["training"]["engine"] == {
        "name": "duckdb", "rows_counted": 17257, "sample_leads": 3000, "test_sample_leads": 0}


def test_spark_fit_of_a_spark_dataframe_equals_the_in_memory_fit(spark, in_memory: Calibrator, sample_parquet: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        on_spark = Calibrator(signals=False, holdout=None, sample_size=5000).fit(
            spark.read.parquet(str(sample_parquet)), **OUTCOME)  # a Spark DataFrame picks Spark by itself
    assert on_spark.engine_["name"] == "spark"
    _same_fit(in_memory, on_spark)


def test_the_sample_is_stratified_exactly() -> None:
    rng = np.random.default_rng(4)
    n = 20_000
    won = rng.random(n) < 0.07
    leads = pd.DataFrame({"lead_id": np.arange(n), "source": rng.choice(["web", "event", "ads"], n),
                          "won": won.astype(int)})
    drawn = draw_engine_sample(EngineTable(leads, "duckdb"), "won", holdout=0.25, sample_size=2_000)
    share = drawn.train_customers / drawn.train_leads
    assert len(drawn.train) == 2_000
    assert drawn.train_y.sum() == round(2_000 * share)
    assert drawn.train_leads + drawn.test_leads == n
    # A hash split of 25 %: within 4 standard errors of a quarter.
    assert abs(drawn.test_leads / n - 0.25) < 4 * np.sqrt(0.25 * 0.75 / n)


def _typed_leads(n: int = 6_000, *, categorical: bool = False) -> pd.DataFrame:
    """Leads with the column types whose pandas dtype ``.df()`` decides by the rows it converts."""
    rng = np.random.default_rng(11)
    visits = pd.array(rng.integers(0, 40, n), dtype="Int64")
    visits[rng.random(n) < 0.002] = pd.NA  # a few missing: Int64 where the fetch holds one, int64 elsewhere
    leads = pd.DataFrame({
        "lead_id": [f"L{i:06d}" for i in range(n)],
        "source": pd.Series(rng.choice(["web", "event", None], n), dtype=object),
        "blank": pd.Series([None] * n, dtype=object),
        "visits": visits,
        "amount": rng.normal(1000, 300, n),
        "demo": pd.array(np.where(rng.random(n) < 0.002, None, rng.random(n) < 0.5), dtype="boolean"),
        "created": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        "won": (rng.random(n) < 0.15).astype(int),
    })
    if categorical:  # an ENUM to DuckDB, which Arrow does not carry back: the .df() way
        leads["tier"] = pd.Categorical(rng.choice(["a", "b", "c"], n))
    return leads


@pytest.mark.parametrize("categorical", [False, True])
def test_the_sample_is_typed_as_the_engine_converts_its_side(categorical: bool) -> None:
    # The reference: the side's fetch through DuckDB's .df(), then the chosen rows in the chosen order.
    table = EngineTable(_typed_leads(categorical=categorical), "duckdb")
    outcome_sql = f"CASE {table.text('won')} WHEN '1' THEN 1 WHEN '0' THEN 0 END"
    ranges = [(0, 250_000), (400_000, 1_000_000)]
    fetched, bucket, row_hash, y = engine_fit._fetch(table, outcome_sql, ranges, 3)
    for low, high in ranges:
        among = np.flatnonzero((bucket >= low) & (bucket < high))
        missing = fetched[1].column("visits").is_null().to_numpy(zero_copy_only=False)[among]
        assert missing.any()
        # Rows without a missing visit count: the column must stay Int64 as the side's other rows make it.
        chosen = np.flatnonzero(~missing)[::-2]
        wanted = {0: int((y[among][chosen] == 0).sum()), 1: int((y[among][chosen] == 1).sum())}
        side_sql = engine_fit._fetch_sql(table, outcome_sql, [(low, high)], 3)
        reference = table._con.sql(side_sql).df().iloc[chosen, :len(table.columns)].reset_index(drop=True)
        got = engine_fit._frame_of(table, fetched, among, chosen, fallback_sql=side_sql, wanted=wanted)
        texts = ["lead_id", "source"]
        if categorical:  # the fallback fetches the side again and takes its first rows by hash
            first = engine_fit._first_by_hash(bucket[among], row_hash[among], y[among], wanted)
            reference = table._con.sql(side_sql).df().iloc[first, :len(table.columns)].reset_index(drop=True)
            texts = []
        # Text with values comes as categoricals (codes and each distinct text once), holding the same values.
        assert [c for c in got if str(got[c].dtype) == "category" and c != "tier"] == texts
        as_text = got.astype({c: reference[c].dtype for c in texts})
        pd.testing.assert_frame_equal(as_text, reference, check_exact=True)
        assert as_text.dtypes.astype(str).tolist() == reference.dtypes.astype(str).tolist()
        assert str(got["visits"].dtype) == "Int64" and str(got["blank"].dtype) == "object"


def test_a_side_short_of_rows_fetches_again_and_draws_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    table = EngineTable(_typed_leads(), "duckdb")
    first = draw_engine_sample(table, "won", holdout=0.3, sample_size=1_000, seed=2)
    passes: list[int] = []
    fetch = engine_fit._fetch

    def counted(*args: object, **kwargs: object) -> object:
        passes.append(len(args[2]))
        return fetch(*args, **kwargs)

    monkeypatch.setattr(engine_fit, "_fetch", counted)
    monkeypatch.setattr(engine_fit, "_OVERFETCH", 0.2)
    monkeypatch.setattr(engine_fit, "_OVERFETCH_ROWS", 0)
    again = draw_engine_sample(table, "won", holdout=0.3, sample_size=1_000, seed=2)
    assert passes[0] == 2 and len(passes) > 1  # both sides in one pass, then the short ones again
    for name in ("train", "test"):  # the same rows; a wider fetch may type a column with a missing value wider
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name), check_exact=True, check_dtype=False)
    np.testing.assert_array_equal(first.train_y, again.train_y)
    np.testing.assert_array_equal(first.test_y, again.test_y)


def test_identical_rows_are_warned_about_since_they_share_a_side() -> None:
    leads = pd.DataFrame({"source": ["web", "event", "ads"] * 1000, "won": [1, 0, 0, 0, 0, 0] * 500})
    with pytest.warns(DataQualityWarning, match=r"only 4 distinct rows among 3,000.*add the lead id column"):
        draw_engine_sample(EngineTable(leads, "duckdb"), "won", holdout=0.25)


def test_the_engine_fit_does_not_depend_on_row_order(tmp_path: Path) -> None:
    leads = pd.read_csv(SAMPLE)
    ordered, shuffled = tmp_path / "a.parquet", tmp_path / "b.parquet"
    leads.to_parquet(ordered, index=False)
    leads.sample(frac=1, random_state=7).to_parquet(shuffled, index=False)
    first = _fit(ordered, "duckdb", sample_size=4000)
    assert first.backtest_ is not None and first.backtest_["test_leads"] > 3000
    assert first.config_.to_yaml() == _fit(shuffled, "duckdb", sample_size=4000).config_.to_yaml()
    assert first.config_.to_yaml() == _fit(ordered, "duckdb", sample_size=4000).config_.to_yaml()


def test_numeric_text_outside_the_sample_is_warned_and_counted_unseen(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    n = 5_000
    visits = rng.integers(0, 20, n).astype(object)
    visits[:3] = "lots"
    leads = pd.DataFrame({"visits": visits.astype(str), "won": (rng.random(n) < 0.2).astype(int)})
    path = tmp_path / "leads.csv"
    leads.to_csv(path, index=False)
    table = EngineTable(path, "duckdb")
    # Which rows the sample holds is up to the hash: take the first seed whose sample misses the text rows.
    seed = next(s for s in range(50) if not draw_engine_sample(table, "won", holdout=None, sample_size=500,
                                                               seed=s).train["visits"].isin(["lots"]).any())
    with pytest.warns(DataQualityWarning, match=r"'visits'.*3 row\(s\).*'lots'"):
        cal = Calibrator(holdout=None, sample_size=500, signals=False, random_state=seed).fit(
            path, target="won", engine="duckdb")
    assert cal.counts_.loc[("visits", "(unseen)"), "leads"] == 3


def test_auto_engine_picks_duckdb_for_big_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("a,won\nx,1\n")
    assert choose_engine(path)[0] == "pandas"
    monkeypatch.setattr(engine_fit, "AUTO_DUCKDB_BYTES", 10)
    assert choose_engine(path)[0] == "duckdb"
    assert choose_engine(pd.DataFrame({"a": [1]}))[0] == "pandas"
    with pytest.raises(DataError, match="unknown engine 'polars'"):
        choose_engine(path, "polars")


def test_auto_engine_judges_a_parquet_file_by_its_cells_as_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Parquet compresses: the 10M-row benchmark table is 0.24 GB on disk and 11-14 GiB in pandas, so its footer's
    # rows x columns decide, at CSV_BYTES_PER_CELL bytes a cell (the bytes the same table takes as CSV).
    path = tmp_path / "leads.parquet"
    frame = pd.DataFrame({"a": ["x", "y"] * 500, "b": range(1000), "won": [0, 1] * 500})
    frame.to_parquet(path, index=False)
    as_csv = 1000 * 3 * engine_fit.CSV_BYTES_PER_CELL
    assert path.stat().st_size < as_csv / 2
    monkeypatch.setattr(engine_fit, "AUTO_DUCKDB_BYTES", as_csv + 1)
    assert choose_engine(path)[0] == "pandas"
    monkeypatch.setattr(engine_fit, "AUTO_DUCKDB_BYTES", as_csv)
    chosen, why = choose_engine(path)
    assert chosen == "duckdb"
    assert "1,000 rows x 3 columns" in why
    # The shipped sample, a real lead table: about the assumed bytes a cell as CSV.
    assert abs(Path(SAMPLE).stat().st_size / pd.read_csv(SAMPLE).size - engine_fit.CSV_BYTES_PER_CELL) < 2
    broken = tmp_path / "broken.parquet"
    broken.write_text("a,won\nx,1\n")  # not Parquet: judged by its size, and the read says what is wrong
    monkeypatch.setattr(engine_fit, "AUTO_DUCKDB_BYTES", 10)
    assert choose_engine(broken)[0] == "duckdb"


def test_an_engine_fit_warns_of_email_and_title_columns_it_fits_as_they_are() -> None:
    with pytest.warns(DataQualityWarning, match=r"\['email', 'job_title'\] hold e-mail addresses or job titles"):
        cal = Calibrator(created_at=None).fit(SAMPLE, engine="duckdb", **OUTCOME)
    assert cal.signals_ is None
    assert "job_title" in [s.name for s in cal.specs_]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Calibrator(signals=False, created_at=None).fit(SAMPLE, engine="duckdb", **OUTCOME)
    assert not [w for w in caught if "job titles" in str(w.message)]


def test_signals_that_need_rows_and_duplicate_ids_are_refused_on_an_engine(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    pd.DataFrame({"lead": ["a", "b", "b", "c"] * 30, "won": [1, 0] * 60}).to_csv(path, index=False)
    with pytest.raises(DataError, match="activities need every lead in memory.*engine='pandas'"):
        Calibrator().fit(path, target="won", engine="duckdb", activities=path)
    with pytest.raises(DataError, match=r"lead id column 'lead' has duplicate ids, e.g. 'b' \(60 rows\)"):
        Calibrator().fit(path, target="won", engine="duckdb", id_column="lead")


def test_cli_fit_on_duckdb_writes_the_config(tmp_path: Path, sample_parquet: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "config.yaml"
    code = main(["fit", str(sample_parquet), "--target", "stage", "--positive", "Closed Won", "--exclude-outcome",
                 "Open", "--engine", "duckdb", "--sample-size", "5000", "--output", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "Engine: duckdb" in printed.out and "on 5,000" in printed.out
    assert out.exists()
    assert main(["fit", str(sample_parquet), "--target", "stage", "--engine", "duckdb", "--sep", ";"]) != 0
    assert "error: --sep work(s) with --engine pandas only" in capsys.readouterr().err



def test_cli_auto_engine_says_why_it_chose_duckdb(tmp_path: Path, sample_parquet: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(engine_fit, "AUTO_DUCKDB_BYTES", 1000)
    code = main(["fit", str(sample_parquet), "--target", "stage", "--positive", "Closed Won", "--exclude-outcome",
                 "Open", "--no-signals", "--output", str(tmp_path / "config.yaml")])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "Engine: duckdb (a Parquet file of 20,000 rows x" in printed.out
    assert "chosen by the user" not in printed.out


def test_auto_engine_reads_a_big_file_into_memory_when_the_options_need_it(
        tmp_path: Path, sample_parquet: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(engine_fit, "AUTO_DUCKDB_BYTES", 1000)
    assert choose_engine(sample_parquet)[0] == "duckdb"
    chosen, why = choose_engine(sample_parquet, in_memory_for=["activities"])
    assert chosen == "pandas" and "activities need(s) every lead in memory" in why
    assert choose_engine(sample_parquet, "duckdb", in_memory_for=["activities"])[0] == "duckdb"  # the user's choice
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = Calibrator(signals=False, created_at=None).fit(sample_parquet, id_column="lead_id",
                                                              duplicate_ids="first", **OUTCOME)
    assert cal.engine_["name"] == "pandas" and "duplicate_ids='first'" in cal.engine_["reason"]
    csv = tmp_path / "leads.csv"
    pd.read_parquet(sample_parquet).to_csv(csv, sep=";", index=False)
    # --sep is a pandas reading option: auto reads the file into memory instead of refusing the option.
    code = main(["fit", str(csv), "--sep", ";", "--target", "stage", "--positive", "Closed Won", "--exclude-outcome",
                 "Open", "--no-signals", "--output", str(tmp_path / "config.yaml")])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "Engine: duckdb" not in printed.out
    assert main(["fit", str(csv), "--engine", "duckdb", "--sep", ";", "--target", "stage"]) != 0
    assert "error: --sep work(s) with --engine pandas only" in capsys.readouterr().err
