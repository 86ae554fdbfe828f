"""Scoring as SQL: the statement scores every row as the Python scorer does (DuckDB), other dialects parse."""

from __future__ import annotations

import warnings

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlglot

from calibrate import Calibrator, ScoringConfig, load_sample_leads
from calibrate.datasets import make_leads
from calibrate.errors import ConfigError
from calibrate.export.sql import DIALECTS, scoring_sql

STAGE = {"target": "stage", "positive": ["Closed Won"], "exclude": ["Open"]}
OUTPUTS = ["score", "band", "fit_score", "engagement_score", "grade", "sla"]


def _fit(leads: pd.DataFrame, **params: object) -> Calibrator:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Calibrator(**params).fit(leads, **STAGE)


def _python(config: ScoringConfig, frame: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return config.score(frame)


def _duckdb(config: ScoringConfig, frame: pd.DataFrame, table: str = "leads") -> pd.DataFrame:
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute(f"CREATE TABLE {sqlglot.exp.to_identifier(table, quoted=True).sql('duckdb')} AS SELECT * FROM frame")
    return con.execute(scoring_sql(config, dialect="duckdb", table=table)).df()


def _assert_same(python: pd.DataFrame, sql: pd.DataFrame, columns: list[str] = OUTPUTS) -> None:
    assert len(sql) == len(python)
    for column in columns:
        if column in python:
            np.testing.assert_array_equal(sql[column].to_numpy(), python[column].to_numpy(), err_msg=column)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return load_sample_leads()


def test_sample_scores_equal_python_on_every_row(sample: pd.DataFrame) -> None:
    config = _fit(sample, signals=False).config_
    _assert_same(_python(config, sample), _duckdb(config, sample))


def test_derived_signals_are_expected_as_columns(sample: pd.DataFrame) -> None:
    """With derived signals the SQL reads them as columns (written by calibrate score) and says so."""
    config = _fit(sample).config_
    python = _python(config, sample)
    derived = list(config.signals.outputs)
    sql = scoring_sql(config)
    assert "derived signals expected as columns" in sql and "email.domain_type" in sql.split("SELECT")[0]
    _assert_same(python, _duckdb(config, python[[*sample.columns, *derived]]))


def _messy(frame: pd.DataFrame, config: ScoringConfig, seed: int) -> pd.DataFrame:
    """Random spellings of the config's values: case, spaces, placeholders, numbers as text, unseen text, NULL."""
    rng = np.random.default_rng(seed)
    out = frame.astype(object).copy()
    n = len(out)
    for attribute in config.to_dict()["attributes"]:
        name = attribute["name"]
        if attribute["kind"] == "numeric":
            edges = [b["upper"] for b in attribute["bins"][:-1]]
            pool = [*edges, *(e - 1 for e in edges), *(e + 0.5 for e in edges)]
            pool = [f" {v:g} " for v in pool] + [f"{v:g}" for v in pool] + [f"{float(v)}" for v in edges]
            pool += ["1e3", "-3", "+2", ".5", "N/A", "", "  ", "lots", "12abc", None, "inf", "-inf"]
        else:
            values = [level["value"] for level in attribute["levels"]] + attribute.get("other", {}).get("values", [])
            pool = [v for v in values for v in (v, v.upper(), f"  {v.lower()}  ", v.replace(" ", "   "))]
            pool += ["N/A", "Select", "", "unknown", "-", "NULL", None, "zzz never seen", "#N/A"]
        picks = rng.random(n) < 0.5
        choice = np.asarray(pool, dtype=object)[rng.integers(len(pool), size=n)]
        out[name] = np.where(picks, choice, out[name].to_numpy(dtype=object))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_messy_data_scores_equal_python(seed: int) -> None:
    leads = make_leads(3_000, seed=seed + 20)
    config = _fit(leads, signals=False, holdout=None, total_cap=150 if seed == 2 else None).config_
    frame = _messy(make_leads(2_000, seed=seed + 40), config, seed)
    _assert_same(_python(config, frame), _duckdb(config, frame))


def test_hostile_names_and_values_are_quoted_and_scored() -> None:
    """Column names and values with quotes, semicolons, comments and unicode: quoted, scored right."""
    rng = np.random.default_rng(3)
    n = 3_000
    hostile = {'say "hi"': "x", "a;b": "y", "c -- d": "z", "naïve ünï": "u", "it's": "q"}
    frame = pd.DataFrame({name: rng.choice([f"{v}1", f"{v}'; DROP TABLE leads; --", f'{v}"2'], size=n)
                          for name, v in hostile.items()})
    frame["visits; --"] = rng.integers(0, 6, size=n).astype(str)
    logit = -1.5 + 1.2 * (frame['say "hi"'] == "x1") - 1.0 * (frame["it's"] == "q'; DROP TABLE leads; --") \
        + 0.4 * frame["visits; --"].astype(int)
    frame["stage"] = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "Closed Won", "Closed Lost")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = Calibrator(signals=False, holdout=None, min_support=20).fit(
            frame, target="stage", positive=["Closed Won"]).config_
    assert any(p != 0 for p in config.points_table()["points"])
    table = 'crm leads; "x"'
    _assert_same(_python(config, frame), _duckdb(config, frame, table=table))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_parses_and_quotes(sample: pd.DataFrame, dialect: str) -> None:
    config = _fit(sample.head(6_000), signals=False, holdout=None).config_
    sql = scoring_sql(config, dialect=dialect, table="crm.public.leads")
    statement = sqlglot.parse_one(sql, read=dialect)
    columns = {c.name for c in statement.find_all(sqlglot.exp.Column)}
    assert set(config.attributes) <= columns
    assert all(i.quoted for i in statement.find_all(sqlglot.exp.Identifier))
    # And it transpiles back to DuckDB, where it still scores like Python.
    back = sqlglot.transpile(sql, read=dialect, write="duckdb")[0]
    if dialect in ("postgres", "snowflake"):
        con = duckdb.connect()
        # DuckDB has PG_TYPEOF but not Snowflake's SYSTEM$TYPEOF: a macro stands in (names differ, numbers match).
        con.execute('CREATE MACRO "system$typeof"(x) AS typeof(x)')
        con.execute("CREATE SCHEMA crm_public")
        con.register("frame", sample.head(500))
        con.execute("CREATE TABLE leads AS SELECT * FROM frame")
        rows = con.execute(back.replace('"crm"."public"."leads"', "leads")).df()
        _assert_same(_python(config, sample.head(500)), rows)


def test_unknown_dialect_and_empty_table_are_refused(sample: pd.DataFrame) -> None:
    config = _fit(sample.head(3_000), signals=False, holdout=None).config_
    with pytest.raises(ConfigError, match="unknown SQL dialect 'oracle'"):
        scoring_sql(config, dialect="oracle")
    with pytest.raises(ConfigError, match="--table"):
        scoring_sql(config, table="  ")


def test_cli_export_sql_writes_and_errors_cleanly(sample: pd.DataFrame, tmp_path) -> None:
    import contextlib
    import io

    from calibrate.cli import main

    config = _fit(sample.head(4_000), signals=False, holdout=None).config_
    path = config.save(tmp_path / "config.yaml")

    def run(*args: object) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main([str(a) for a in args])
        return status, out.getvalue(), err.getvalue()

    status, out, err = run("export", path, "--to", "sql", "--dialect", "bigquery", "--table", "crm.leads",
                           "--output", tmp_path / "score.sql")
    assert status == 0, err
    assert (tmp_path / "score.sql").read_text(encoding="utf-8") == scoring_sql(config, dialect="bigquery",
                                                                               table="crm.leads")
    status, out, err = run("export", path, "--to", "sql")
    assert status == 0 and out == scoring_sql(config)
    for bad in (["--to", "xml"], ["--to", "sql", "--dialect", "oracle"], ["--to", "rules-csv"]):
        status, out, err = run("export", path, *bad)
        assert status == 2 and err.startswith("error: ") and "Traceback" not in err, (bad, err)


def _spark_scores(spark, config: ScoringConfig, frame: pd.DataFrame, table: str) -> pd.DataFrame:
    view = frame.astype(object).where(frame.notna(), None)
    spark.createDataFrame(view).createOrReplaceTempView(table)
    rows = spark.sql(scoring_sql(config, dialect="spark", table=table)).toPandas()
    # Spark keeps no row order: line the rows up on the lead id.
    return rows.set_index("lead_id").loc[frame["lead_id"]].reset_index()


def test_spark_scores_equal_python_on_every_row(spark, sample: pd.DataFrame) -> None:
    config = _fit(sample, signals=False).config_
    _assert_same(_python(config, sample), _spark_scores(spark, config, sample, "leads"))


def test_spark_scores_random_messy_data_like_python(spark) -> None:
    leads = make_leads(3_000, seed=21)
    config = _fit(leads, signals=False, holdout=None, total_cap=150).config_
    frame = _messy(make_leads(2_000, seed=41), config, 7)
    _assert_same(_python(config, frame), _spark_scores(spark, config, frame, "messy_leads"))


def test_a_group_without_points_gets_the_first_grade_in_sql() -> None:
    """Found by the property tests: a config whose engagement group has no edges made sqlglot fail."""
    leads = make_leads(3_000, seed=12)[["industry", "stage"]]
    config = _fit(leads, signals=False, holdout=None).config_
    assert config.to_dict()["grades"]["engagement"]["edges"] == []
    _assert_same(_python(config, leads), _duckdb(config, leads))


def _plans(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """A categorical attribute whose levels look like numbers ("1", "2", "3") and a numeric one."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(["1", "2", "3", "x"], n)
    visits = rng.integers(0, 30, n).astype(float)
    blank = rng.random(n) < 0.2  # blank visits close well: missing earns points, unlike unseen text
    visits[blank] = np.nan
    logit = -2.0 + 1.5 * (plan == "3") - 1.0 * (plan == "x") + 0.08 * np.nan_to_num(visits) + 2.0 * blank
    stage = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "Closed Won", "Closed Lost")
    stage[:10] = "Open"
    return pd.DataFrame({"plan": plan, "visits": visits, "stage": stage})


def test_text_3_0_is_not_the_number_3_in_sql_as_in_python() -> None:
    """Python keys the number 3.0 as "3" but the text "3.0" as "3.0"; the SQL read the text as "3" too."""
    config = _fit(_plans(), signals=False, holdout=None, min_support=5).config_
    levels = {level["value"]: level["points"] for level in config.to_dict()["attributes"][0]["levels"]}
    assert levels["3"] != config.to_dict()["attributes"][0]["unseen"]["points"]
    text = pd.DataFrame({"plan": ["3", "3.0", " 3 ", "3.00", "03", "3.5", "1.0", None, "x"],
                         "visits": ["1", "2.0", "nan", "", "1e1", "x", "-0.0", None, "29"]})
    numbers = pd.DataFrame({"plan": [3.0, 1.0, 2.5, np.nan, -0.0, 1e15, 1e16, 3.0000001, np.inf],
                            "visits": [1.0, 2.0, np.nan, 0.0, 10.0, 5.5, -1.0, 1e20, np.inf]})
    integers = pd.DataFrame({"plan": pd.array([3, 1, None, 10**15, -3, 2, 0, 1, 3], dtype="Int64"),
                             "visits": pd.array([1, 2, None, 0, 10, 5, -1, 3, 29], dtype="Int64")})
    for frame in (text, numbers, integers):
        python = _python(config, frame)
        _assert_same(python, _duckdb(config, frame), ["score"])
    assert _python(config, text)["score"].nunique() > 1
    # The text "3.0" is not the level "3"; the number 3.0 is.
    assert _python(config, text.head(2))["score"].tolist()[1] != _python(config, numbers.head(1))["score"].iloc[0]


def test_nan_in_a_number_column_is_missing_in_sql_without_the_nan_placeholder() -> None:
    """NaN is missing in Python whatever the placeholders; the text "nan" is then just text (not a number)."""
    config = _fit(_plans(), signals=False, holdout=None, min_support=5, placeholders=("", "n/a")).config_
    visits = config.to_dict()["attributes"][1]
    assert visits["name"] == "visits" and visits["missing"]["points"] != visits["unseen"]["points"]
    text = pd.DataFrame({"plan": ["nan", "3"], "visits": ["nan", "4"]})
    _assert_same(_python(config, text), _duckdb(config, text), ["score"])
    # DuckDB reads pandas' NaN as NULL: a table holding real NaN doubles is made in SQL.
    con = duckdb.connect()
    con.execute("CREATE TABLE leads AS SELECT * FROM (VALUES ('NaN'::DOUBLE, 'NaN'::DOUBLE), (3.0, 4.0)) t(plan, visits)")
    sql = con.execute(scoring_sql(config, dialect="duckdb", table="leads")).df()
    assert np.isnan(sql["plan"].iloc[0]) and np.isnan(sql["visits"].iloc[0])
    python = _python(config, pd.DataFrame({"plan": [np.nan, 3.0], "visits": [np.nan, 4.0]}))
    _assert_same(python, sql, ["score"])


def test_spark_keys_numbers_and_text_like_python(spark) -> None:
    config = _fit(_plans(), signals=False, holdout=None, min_support=5).config_
    frames = [pd.DataFrame({"lead_id": range(5), "plan": ["3", "3.0", " 3 ", None, "1.0"],
                            "visits": ["1", "2.0", "nan", None, "1e1"]}),
              pd.DataFrame({"lead_id": range(5), "plan": [3.0, 1.0, 2.5, 1e7, -0.0],
                            "visits": [1.0, 2.0, 0.5, 10.0, 1e7]})]
    for i, frame in enumerate(frames):
        _assert_same(_python(config, frame), _spark_scores(spark, config, frame, f"plans_{i}"), ["score"])
