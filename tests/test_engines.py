"""The counting pass on pandas, DuckDB and Spark: identical counts, and the fit's level counts from them."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibrate import Calibrator
from calibrate.datasets import make_leads
from calibrate.engines import level_counts, value_counts
from calibrate.errors import DataError

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_leads.csv"
COLUMNS = ["job_title", "industry", "country", "employees", "lead_source", "pricing_page_visits", "requested_demo",
           "email_opens", "email_clicks", "webinar_attended", "careers_page_visits", "unsubscribed",
           "days_since_last_activity"]


@pytest.fixture(scope="module")
def pandas_counts() -> pd.DataFrame:
    return value_counts(SAMPLE, COLUMNS, "stage", engine="pandas")


def test_duckdb_counts_the_csv_file_exactly_as_pandas(pandas_counts: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(value_counts(SAMPLE, COLUMNS, "stage", engine="duckdb"), pandas_counts)


def test_spark_counts_the_csv_file_exactly_as_pandas(spark, pandas_counts: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(value_counts(SAMPLE, COLUMNS, "stage", engine="spark", spark=spark), pandas_counts)


def test_counts_of_a_parquet_file_agree_between_pandas_and_duckdb(tmp_path: Path) -> None:
    leads = make_leads(3_000, seed=5)
    path = tmp_path / "leads.parquet"
    leads.to_parquet(path, index=False)
    columns = ["industry", "employees", "pricing_page_visits"]
    pd.testing.assert_frame_equal(value_counts(path, columns, "stage", engine="duckdb"),
                                  value_counts(path, columns, "stage", engine="pandas"))


def test_duckdb_counts_filtered_rows_and_given_values_as_pandas_counts_them(tmp_path: Path) -> None:
    # Awkward names, missing values everywhere, a filter and a column counted through an expression.
    leads = make_leads(2_000, seed=9).rename(columns={"industry": 'in"dustry', "country": "country name"})
    leads.loc[leads.index[::7], "country name"] = None
    path = tmp_path / "leads.parquet"
    leads.to_parquet(path, index=False)
    columns = ['in"dustry', "country name", "employees", "email_opens", "pricing_page_visits"]
    bins = {"email_opens": "CASE WHEN email_opens < 5 THEN 'few' ELSE 'many' END"}
    counted = value_counts(path, columns, "stage", engine="duckdb", where="pricing_page_visits > 1", values=bins)
    kept = leads[leads["pricing_page_visits"] > 1].copy()
    kept["email_opens"] = np.where(kept["email_opens"] < 5, "few", "many")
    pd.testing.assert_frame_equal(counted, value_counts(kept, columns, "stage", engine="pandas"))
    assert value_counts(path, [], "stage", engine="duckdb").empty


def test_level_counts_from_value_counts_equal_the_fit(pandas_counts: pd.DataFrame) -> None:
    """The fit counts levels over rows; the same specs over the (value, outcome) table give the same counts."""
    leads = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = Calibrator(holdout=None, signals=False).fit(leads, target="stage", positive=["Closed Won"],
                                                          exclude=["Open"])
    # Outcome per distinct stage text, resolved by the fit's own rules (case and space variants included).
    from calibrate.cleaning import normalize_value

    positive = {normalize_value(v) for v in cal.outcome_.positive}
    negative = {normalize_value(v) for v in cal.outcome_.negative}
    stages = pandas_counts["target"].dropna().unique()
    outcome_of = {s: 1 if normalize_value(s) in positive else 0 for s in stages
                  if normalize_value(s) in positive | negative}
    counts = level_counts(cal.specs_, pandas_counts, outcome_of)
    pd.testing.assert_frame_equal(counts, cal.counts_.loc[counts.index, counts.columns], check_dtype=False)
    assert counts.groupby(level="attribute")["leads"].sum().eq(cal.outcome_.leads).all()


def test_unknown_engine_and_spark_without_session_are_refused() -> None:
    with pytest.raises(DataError, match="unknown engine 'polars'"):
        value_counts(SAMPLE, ["industry"], "stage", engine="polars")
    with pytest.raises(DataError, match="Spark session"):
        value_counts(SAMPLE, ["industry"], "stage", engine="spark")
