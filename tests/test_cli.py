"""Tests of the ``calibrate`` command line (in-process through ``main`` and once as ``python -m``)."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibrate.cli import main
from calibrate.config import ScoringConfig
from calibrate.datasets import make_leads

REPO = Path(__file__).resolve().parents[1]
FIT = ["--target", "stage", "--positive", "Closed Won", "--exclude-outcome", "Open"]
HYPERLINK = '=HYPERLINK("http://x","y")'


def run(*args: object) -> tuple[int, str, str]:
    """Run the CLI in-process; return (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def read_raw_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def leads_csv(workdir: Path) -> Path:
    path = workdir / "leads.csv"
    make_leads(3000, seed=2).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def fitted(workdir: Path, leads_csv: Path) -> dict:
    config = workdir / "out" / "config.yaml"
    summary = workdir / "out" / "summary.txt"
    evidence = workdir / "out" / "evidence.csv"
    status, out, err = run("fit", leads_csv, *FIT, "--output", config, "--summary", summary, "--evidence", evidence)
    return {"status": status, "out": out, "err": err, "config": config, "summary": summary, "evidence": evidence}


def assert_one_error_line(status: int, out: str, err: str, usage: bool = False) -> str:
    """Status 2, nothing on stdout, exactly one ``error: `` line on stderr, no traceback."""
    assert status == 2, (status, out, err)
    assert "Traceback" not in out + err
    assert out == ""
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, err
    assert lines[-1] == errors[0], err
    others = lines[:-1]
    if usage:
        assert all(line.startswith(("Usage:", "Try ")) or not line.strip() for line in others), err
    else:
        assert others == [], err
    return errors[0]


# --------------------------------------------------------------------------- #
# fit
# --------------------------------------------------------------------------- #


def test_fit_writes_a_loadable_config(fitted, leads_csv):
    assert fitted["status"] == 0, fitted["err"]
    assert "Traceback" not in fitted["err"]
    config = ScoringConfig.load(fitted["config"])
    assert config.to_dict()["target"]["column"] == "stage"
    assert config.to_dict()["target"]["positive"] == ["Closed Won"]
    assert config.to_dict()["training"]["rows"] == len(pd.read_csv(leads_csv))
    assert f"Config written to {fitted['config']}" in fitted["out"]


def test_fit_stdout_reports_baseline_left_out_columns_and_rules(fitted):
    out = fitted["out"]
    config = ScoringConfig.load(fitted["config"])
    baseline = f"{100 * config.baseline_rate:.1f}%"
    baseline_lines = [line for line in out.splitlines() if "baseline" in line.lower()]
    assert any(baseline in line for line in baseline_lines), baseline_lines
    assert "Columns left out" in out
    lead_id_lines = [line for line in out.splitlines() if "lead_id" in line]
    assert any("identifier-like" in line for line in lead_id_lines), lead_id_lines
    # The strongest rule of the config is listed among the top rules.
    table = config.points_table()
    best = table.loc[table["points"].idxmax()]
    worst = table.loc[table["points"].idxmin()]
    assert best["points"] > 0 and worst["points"] < 0
    assert "Top positive rules" in out and "Top negative rules" in out
    assert any(f"{best['attribute']} = {best['level']}" in line and f"+{best['points']}" in line
               for line in out.splitlines())
    assert any(f"{worst['attribute']} = {worst['level']}" in line and f"{worst['points']}" in line
               for line in out.splitlines())


def test_fit_summary_and_evidence_files(fitted):
    summary = fitted["summary"].read_text(encoding="utf-8")
    assert "Columns left out" in summary and "Baseline" in summary
    assert summary.strip() in fitted["out"]
    evidence = pd.read_csv(fitted["evidence"], dtype={"level": str}, keep_default_na=False)
    assert {"attribute", "level", "leads", "customers", "close_rate", "points"} <= set(evidence.columns)
    config = ScoringConfig.load(fitted["config"])
    assert set(evidence["attribute"]) == set(config.attributes)
    # Every rule with points in the config is in the evidence table with the same points.
    table = config.points_table()
    ruled = table[table["points"] != 0]
    merged = ruled.merge(evidence, on=["attribute", "level"], suffixes=("_config", "_evidence"), how="left")
    assert len(merged) == len(ruled) > 0
    assert (merged["points_config"].astype(int) == merged["points_evidence"].astype(int)).all()


def test_fit_with_bins_and_quiet(workdir, leads_csv):
    config_path = workdir / "binned.json"
    status, out, err = run("fit", leads_csv, *FIT, "--bins", "employees=10,50,250", "--quiet", "-o", config_path)
    assert status == 0, err
    assert out == ""
    assert "Traceback" not in err
    config = ScoringConfig.load(config_path)
    employees = next(a for a in config.to_dict()["attributes"] if a["name"] == "employees")
    assert [b["lower"] for b in employees["bins"]] == [None, 10, 50, 250]
    assert [b["upper"] for b in employees["bins"]] == [10, 50, 250, None]
    assert config_path.read_text(encoding="utf-8").lstrip().startswith("{")  # .json gives JSON


# --------------------------------------------------------------------------- #
# score and validate
# --------------------------------------------------------------------------- #


def test_score_writes_every_row_with_score_and_band(fitted, leads_csv, workdir):
    output = workdir / "scored.csv"
    status, out, err = run("score", fitted["config"], leads_csv, "--output", output)
    assert status == 0, err
    assert "Traceback" not in err
    source = pd.read_csv(leads_csv, dtype=str, keep_default_na=False)
    scored = pd.read_csv(output, dtype=str, keep_default_na=False)
    assert len(scored) == len(source)
    derived = list(ScoringConfig.load(fitted["config"]).signals.outputs)
    assert list(scored.columns) == [*source.columns, *derived, "score", "band", "fit_score", "engagement_score",
                                    "grade", "sla"]
    # Original cells are kept, except that formula-like text gains a leading quote.
    for column in source.columns:
        same = scored[column] == source[column]
        quoted = (scored[column] == "'" + source[column]) & source[column].str.match(r"^[=+\-@\t\r]")
        assert (same | quoted).all(), column
    assert (scored["lead_id"] == source["lead_id"]).all()
    # Scores agree with the library applied to the same rows.
    config = ScoringConfig.load(fitted["config"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = config.score(source)
    np.testing.assert_array_equal(scored["score"].astype(int).to_numpy(), expected["score"].to_numpy())
    assert scored["band"].tolist() == expected["band"].tolist()
    assert f"Scored {len(source):,} leads" in out


def test_score_custom_column_names(fitted, leads_csv, workdir):
    output = workdir / "scored_custom.csv"
    status, out, err = run("score", fitted["config"], leads_csv, "-o", output, "--score-column", "lead_score",
                           "--band-column", "lead_band", "--quiet")
    assert status == 0, err
    assert out == ""
    header = read_raw_csv(output)[0]
    assert header[-6:-4] == ["lead_score", "lead_band"]


def test_validate_ok(fitted):
    status, out, err = run("validate", fitted["config"])
    assert status == 0, err
    assert out.startswith("ok")
    assert err == ""


def test_validate_broken_config(fitted, workdir):
    broken = workdir / "broken.yaml"
    broken.write_text(fitted["config"].read_text(encoding="utf-8").replace("schema_version: 3", "schema_version: 4"),
                      encoding="utf-8")
    line = assert_one_error_line(*run("validate", broken))
    assert "schema_version 4" in line


def test_version():
    status, out, err = run("version")
    assert status == 0
    assert out.startswith("calibrate ")


# --------------------------------------------------------------------------- #
# Error paths: one line, status 2, no traceback
# --------------------------------------------------------------------------- #


@pytest.fixture(scope="module")
def small_csvs(workdir: Path) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    n = 200
    paths = {}
    only_id = pd.DataFrame({"lead_id": [f"L{i:04d}" for i in range(n)], "stage": rng.choice(["Closed Won", "Closed Lost"], n)})
    paths["only_id"] = workdir / "only_id.csv"
    only_id.to_csv(paths["only_id"], index=False)
    one_class = pd.DataFrame({"industry": rng.choice(["Software", "Retail"], n), "won": ["yes"] * n})
    paths["one_class"] = workdir / "one_class.csv"
    one_class.to_csv(paths["one_class"], index=False)
    return paths


@pytest.mark.parametrize(
    "case, args, expected",
    [
        ("missing file", ["fit", "{dir}/nope.csv", *FIT], r"not found.*nope\.csv"),
        ("target missing", ["fit", "{leads}", "--target", "Stage", "--positive", "Closed Won"], r"did you mean 'stage'"),
        ("three values, no positive", ["fit", "{leads}", "--target", "stage"], r"--positive"),
        ("single class", ["fit", "{one_class}", "--target", "won"], r"only customers"),
        ("no usable attribute", ["fit", "{only_id}", "--target", "stage", "--positive", "Closed Won"], r"no usable attribute"),
        ("bad bins syntax", ["fit", "{leads}", *FIT, "--bins", "employees"], r"--bins 'employees'"),
        ("bad bins numbers", ["fit", "{leads}", *FIT, "--bins", "employees=10,lots"], r"edges must be numbers"),
        ("unknown method", ["fit", "{leads}", *FIT, "--method", "magic"], r"method.*'magic'"),
        ("positive not in target", ["fit", "{leads}", "--target", "stage", "--positive", "Won"], r"not found"),
        ("score: config not found", ["score", "{dir}/none.yaml", "{leads}", "-o", "{dir}/x.csv"], r"not found"),
        ("validate: not found", ["validate", "{dir}/none.yaml"], r"not found"),
    ],
)
def test_error_paths(case, args, expected, leads_csv, small_csvs, workdir):
    values = {"leads": leads_csv, "dir": workdir, **small_csvs}
    line = assert_one_error_line(*run(*[a.format(**values) for a in args]))
    assert re.search(expected, line), line


@pytest.mark.parametrize(
    "args, expected",
    [
        (["fit", "{leads}", *FIT, "--frobnicate"], r"No such option"),
        (["fit", "{leads}"], r"Missing option '--target'"),
        (["score", "{leads}"], r"Missing"),
        (["fit", "{leads}", *FIT, "--min-support", "many"], r"--min-support"),
        (["explode"], r"No such command"),
    ],
)
def test_usage_errors(args, expected, leads_csv):
    line = assert_one_error_line(*run(*[a.format(leads=leads_csv) for a in args]), usage=True)
    assert re.search(expected, line), line


def test_score_with_missing_column(fitted, workdir):
    data = workdir / "no_industry.csv"
    make_leads(100, seed=4).drop(columns=["industry"]).to_csv(data, index=False)
    line = assert_one_error_line(*run("score", fitted["config"], data, "-o", workdir / "y.csv"))
    assert "industry" in line


def test_score_refuses_existing_score_column(fitted, workdir):
    data = workdir / "has_score.csv"
    make_leads(100, seed=4).assign(score=1).to_csv(data, index=False)
    line = assert_one_error_line(*run("score", fitted["config"], data, "-o", workdir / "z.csv"))
    assert "'score'" in line and "--score-column" in line


# --------------------------------------------------------------------------- #
# Hostile values
# --------------------------------------------------------------------------- #


def test_formulas_are_neutralised_and_negative_numbers_kept(fitted, workdir):
    leads = make_leads(300, seed=3)
    leads["notes"] = "fine"
    leads.loc[0, "notes"] = HYPERLINK
    leads.loc[1, "notes"] = "-5"
    leads.loc[2, "notes"] = "@SUM(A1:A2)"
    leads.loc[3, "industry"] = HYPERLINK
    data = workdir / "hostile.csv"
    leads.to_csv(data, index=False)
    output = workdir / "hostile_scored.csv"
    status, out, err = run("score", fitted["config"], data, "-o", output)
    assert status == 0, err
    assert "warning:" in err and "industry" in err  # the formula is an unseen industry
    rows = read_raw_csv(output)
    header, body = rows[0], rows[1:]
    assert len(body) == len(leads)
    notes, industry, score = header.index("notes"), header.index("industry"), header.index("score")
    assert body[0][notes] == "'" + HYPERLINK
    assert body[0][notes].startswith("'=")
    assert body[1][notes] == "-5"
    assert body[2][notes] == "'@SUM(A1:A2)"
    assert body[4][notes] == "fine"
    assert body[3][industry].startswith("'=")
    assert all(re.fullmatch(r"-?\d+", r[score]) for r in body)  # scores stay plain integers, negatives too


def test_formula_in_a_categorical_parquet_column_is_neutralised(fitted, workdir):
    """Parquet keeps stored types: a text column stored as a category must be neutralised too."""
    pytest.importorskip("pyarrow")
    leads = make_leads(100, seed=3)
    leads["notes"] = pd.Categorical([HYPERLINK] + ["fine"] * (len(leads) - 1))
    data = workdir / "hostile.parquet"
    leads.to_parquet(data, index=False)
    output = workdir / "hostile_parquet_scored.csv"
    status, out, err = run("score", fitted["config"], data, "-o", output, "--quiet")
    assert status == 0, err
    rows = read_raw_csv(output)
    notes = rows[0].index("notes")
    assert rows[1][notes] == "'" + HYPERLINK
    assert rows[2][notes] == "fine"


def test_json_config_with_small_alpha_validates(leads_csv, workdir):
    """``fit --alpha 0.00001 -o x.json`` writes alpha as 1e-05; validate and score must read it back."""
    config = workdir / "small_alpha.json"
    status, out, err = run("fit", leads_csv, *FIT, "--alpha", "0.00001", "-o", config, "--quiet")
    assert status == 0, err
    status, out, err = run("validate", config)
    assert status == 0, err
    assert out.startswith("ok")


# --------------------------------------------------------------------------- #
# The module entry point, as a real process
# --------------------------------------------------------------------------- #


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def test_module_entry_point_exit_status(fitted, workdir):
    ok = subprocess.run([sys.executable, "-m", "calibrate.cli", "validate", str(fitted["config"])],
                        capture_output=True, text=True, env=_env(), cwd=workdir, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ok")

    bad = subprocess.run([sys.executable, "-m", "calibrate.cli", "validate", str(workdir / "absent.yaml")],
                         capture_output=True, text=True, env=_env(), cwd=workdir, timeout=120)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert bad.stderr.splitlines() == [line for line in bad.stderr.splitlines() if line.startswith("error: ")]
    assert len(bad.stderr.splitlines()) == 1
    assert bad.stdout == ""


def test_placeholder_options_change_what_counts_as_blank(workdir):
    import pandas as pd

    from calibrate import ScoringConfig
    from calibrate.cli import main

    frame = pd.DataFrame({"budget": (["none"] * 60) + (["high"] * 60) + (["low"] * 60), "won": [0, 1, 0] * 60})
    data = workdir / "placeholders.csv"
    frame.to_csv(data, index=False)
    for extra, missing_leads in (([], 0), (["--placeholder", "None"], 60)):
        config = workdir / f"placeholders{len(extra)}.yaml"
        assert main(["fit", str(data), "--target", "won", "--output", str(config), "--quiet", *extra]) == 0
        attribute = ScoringConfig.load(config).to_dict()["attributes"][0]
        assert attribute["missing"]["leads"] == missing_leads
    config = workdir / "no_defaults.yaml"
    frame.loc[:5, "budget"] = "Select"
    frame.to_csv(data, index=False)
    assert main(["fit", str(data), "--target", "won", "--output", str(config), "--quiet", "--no-default-placeholders",
                 "--min-support", "5"]) == 0
    values = [level["value"] for level in ScoringConfig.load(config).to_dict()["attributes"][0]["levels"]]
    assert "Select" in values


def test_score_to_parquet_keeps_values_as_they_are(fitted, leads_csv, workdir):
    import pandas as pd

    from calibrate.cli import main

    frame = pd.read_csv(leads_csv, dtype=str, keep_default_na=False).head(50)
    frame.loc[0, "job_title"] = '=HYPERLINK("http://x","y")'
    data = workdir / "formula.csv"
    frame.to_csv(data, index=False)
    out = workdir / "scored.parquet"
    assert main(["score", str(fitted["config"]), str(data), "--output", str(out), "--quiet"]) == 0
    scored = pd.read_parquet(out)
    assert len(scored) == 50 and scored.loc[0, "job_title"] == '=HYPERLINK("http://x","y")'
    assert list(scored.columns[-6:-4]) == ["score", "band"]


def test_score_of_a_parquet_file_reads_its_text_as_codes_with_the_same_output(fitted, workdir, monkeypatch):
    # Reference: what `calibrate score` wrote before it read text as codes, i.e. the config's score of
    # read_leads' frame (text as text) through write_csv. The CSV must be byte for byte that file, and the
    # Parquet file must hold the same values, the text columns still strings for any reader.
    import pyarrow as pa
    import pyarrow.parquet as pq

    import calibrate.io as io_module
    from calibrate.io import read_leads
    from calibrate.safe_csv import write_csv

    frame = make_leads(3000, seed=5)
    frame.loc[[0, 7], "industry"] = ['=HYPERLINK("http://x","y")', "@SUM(A1)"]  # neutralised in the CSV only
    path = workdir / "to_score.parquet"
    frame.to_parquet(path, index=False)
    read_as_text = []
    monkeypatch.setattr(io_module, "read_leads", lambda *a, **k: read_as_text.append(a) or read_leads(*a, **k))
    out_csv, out_parquet = workdir / "coded_scored.csv", workdir / "coded_scored.parquet"
    for out in (out_csv, out_parquet):
        assert main(["score", str(fitted["config"]), str(path), "--output", str(out), "--quiet"]) == 0
    assert read_as_text == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = ScoringConfig.load(fitted["config"]).score(read_leads(path))
    assert out_csv.read_bytes() == write_csv(reference, workdir / "text_scored.csv").read_bytes()
    back = pd.read_parquet(out_parquet)
    assert list(back.columns) == list(reference.columns)
    for name in reference.columns:
        assert back[name].astype(object).where(back[name].notna(), None).tolist() == \
            reference[name].astype(object).where(reference[name].notna(), None).tolist(), name
    schema = pq.read_schema(out_parquet)
    texts = [name for name in frame.columns if pd.api.types.is_string_dtype(frame[name])]
    assert len(texts) >= 10
    for name in texts:
        field_type = schema.field(name).type
        assert pa.types.is_dictionary(field_type) and pa.types.is_string(field_type.value_type), name
    assert back.loc[0, "industry"] == '=HYPERLINK("http://x","y")'


def test_cli_and_python_api_write_the_same_config(workdir, leads_csv):
    from calibrate import Calibrator, read_leads
    from calibrate.cli import main

    config = workdir / "same.yaml"
    assert main(["fit", str(leads_csv), "--target", "stage", "--positive", "Closed Won", "--exclude-outcome", "Open",
                 "--output", str(config), "--quiet"]) == 0
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        api = Calibrator().fit(read_leads(leads_csv), target="stage", positive=["Closed Won"], exclude=["Open"])
    # Same defaults on both sides, the holdout and grades included.
    assert config.read_text(encoding="utf-8") == api.config_.to_yaml()


def test_fit_of_a_parquet_file_reads_its_text_as_the_library_does(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Reference: Calibrator().fit of the same path (the library reads a Parquet file's text as categoricals).
    # The CLI reads it the same way, not as text (a copy per lead of every text column), and writes the same
    # config as the library and as the text frame would give.
    import calibrate.io as io_module
    from calibrate import Calibrator

    path = workdir / "leads_cli.parquet"
    make_leads(3000, seed=4).to_parquet(path, index=False)
    read_as_text = []
    real_read_leads = io_module.read_leads
    monkeypatch.setattr(io_module, "read_leads", lambda *a, **k: read_as_text.append(a) or real_read_leads(*a, **k))
    config = workdir / "parquet_config.yaml"
    status, _, err = run("fit", path, *FIT, "--output", config, "--quiet")
    assert status == 0, err
    assert read_as_text == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        library = Calibrator().fit(path, target="stage", positive=["Closed Won"], exclude=["Open"]).config_
        from_text = Calibrator().fit(real_read_leads(path), target="stage", positive=["Closed Won"],
                                     exclude=["Open"]).config_
    assert config.read_text(encoding="utf-8") == library.to_yaml() == from_text.to_yaml()


def test_score_in_batches_writes_the_file_one_batch_writes(fitted, workdir):
    # Reference: the same command with one batch (the whole file). Five batches of 700 leads, the file in
    # row groups of 500, must give the same CSV byte for byte, the same Parquet values, and one warning
    # for the values never seen in training, their counts summed over the batches.
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = make_leads(3000, seed=6)
    frame.loc[[5, 1500, 2900], "industry"] = ["Asteroid mining", "Asteroid mining", "Time travel"]
    frame.loc[100, "lead_source"] = "=cmd|' /C calc'!A0"
    path = workdir / "batches.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=500)
    outputs = {}
    for batch_rows in ("700", "1000000"):
        for suffix in ("csv", "parquet"):
            out = workdir / f"batches_{batch_rows}.{suffix}"
            status, stdout, err = run("score", fitted["config"], path, "--output", out, "--batch-rows", batch_rows)
            assert status == 0, err
            outputs[batch_rows, suffix] = (out, stdout, err)
    assert outputs["700", "csv"][0].read_bytes() == outputs["1000000", "csv"][0].read_bytes()
    assert outputs["700", "csv"][1] == outputs["1000000", "csv"][1].replace("1000000", "700")
    assert "Scored 3,000 leads" in outputs["700", "csv"][1]
    warned = [line for line in outputs["700", "csv"][2].splitlines() if "never seen in training" in line]
    assert warned == [line for line in outputs["1000000", "csv"][2].splitlines() if "never seen in training" in line]
    assert len(warned) == 1 and "industry: 3 ('Asteroid mining', 'Time travel')" in warned[0]
    batched, whole = (pd.read_parquet(outputs[b, "parquet"][0]) for b in ("700", "1000000"))
    assert list(batched.columns) == list(whole.columns)
    for name in whole.columns:
        assert batched[name].astype(object).where(batched[name].notna(), None).tolist() == \
            whole[name].astype(object).where(whole[name].notna(), None).tolist(), name
    assert not list(workdir.glob("*.partial"))


def test_score_refuses_a_batch_size_below_one(fitted, leads_csv, workdir):
    status, out, err = run("score", fitted["config"], leads_csv, "-o", workdir / "never.csv", "--batch-rows", "0")
    assert status == 2 and "Traceback" not in err and "--batch-rows" in err
    assert "greater than or equal to 1" in err  # the option exists and refuses 0 (not an unknown option)
    assert not (workdir / "never.csv").exists()
