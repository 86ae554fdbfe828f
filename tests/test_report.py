"""The diagnostic report: contents, rendering, hostile values, and a real browser."""

from __future__ import annotations

import json
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibrate import Calibrator, ScoringConfig, load_sample_leads, make_leads
from calibrate.cli import main
from calibrate.evaluate import auc_with_ci
from calibrate.report import Report, build_report

sys.path.insert(0, str(Path(__file__).parent))
from browser import assert_report_renders, find_chromium  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "build" / "test-artifacts"
STAGE = {"target": "stage", "positive": ["Closed Won"], "exclude": ["Open"]}
SECTIONS = ["headline", "data_quality", "attribute_evidence", "points", "score_quality", "grades", "signals", "caveats"]


def _fit(data: pd.DataFrame, **params: object) -> Calibrator:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Calibrator(**params).fit(data, **STAGE)


@pytest.fixture(scope="module")
def cal() -> Calibrator:
    return _fit(load_sample_leads())


@pytest.fixture(scope="module")
def report(cal: Calibrator) -> Report:
    return cal.report()


@pytest.fixture(scope="module")
def written(report: Report, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return report.write(tmp_path_factory.mktemp("report"))


def _section(report: Report, key: str) -> dict:
    return next(s for s in report.data["sections"] if s["key"] == key)


def test_sections_come_in_meeting_order(report: Report) -> None:
    assert [s["key"] for s in report.data["sections"]] == SECTIONS


def test_headline_numbers_are_the_configs(cal: Calibrator, report: Report) -> None:
    headline = _section(report, "headline")
    training = cal.config_.to_dict()["training"]
    assert headline["baseline_rate"] == training["baseline_rate"] and headline["leads"] == training["leads"]
    meaning = headline["threshold_meaning"]
    above = cal._test_scores >= 100
    assert meaning["share_above"] == pytest.approx(above.mean())
    assert meaning["close_rate_above"] == pytest.approx(cal._test_y[above].mean())


def test_score_quality_is_measured_on_held_out_leads(cal: Calibrator, report: Report) -> None:
    quality = _section(report, "score_quality")
    # Independent: the DeLong AUC of the held-out scores, and sklearn's AUC.
    from sklearn.metrics import roc_auc_score

    assert quality["auc"]["auc"] == pytest.approx(roc_auc_score(cal._test_y, cal._test_scores))
    assert quality["auc"]["ci_low"] == pytest.approx(auc_with_ci(cal._test_y, cal._test_scores)["ci_low"])
    assert sum(band["leads"] for band in quality["calibration"]) == len(cal._test_y)
    gains = quality["gains"]
    assert gains[-1]["cumulative_share_of_customers"] == pytest.approx(1.0)


def test_attribute_evidence_sorted_by_strength_with_a_chart_each(report: Report) -> None:
    evidence = _section(report, "attribute_evidence")["attributes"]
    values = [a["information_value"] for a in evidence]
    assert values == sorted(values, reverse=True)
    assert all(a["chart"] in report.charts for a in evidence)


def test_grade_matrix_counts_the_held_out_leads(cal: Calibrator, report: Report) -> None:
    cells = _section(report, "grades")["cells"]
    assert len(cells) == 16 and sum(c["leads"] for c in cells) == len(cal._test_y)
    assert {c["cell"]: c["sla"] for c in cells}["A1"] == "24h"


def test_summary_json_holds_the_numbers(report: Report, written: dict[str, Path]) -> None:
    summary = json.loads(written["summary.json"].read_text(encoding="utf-8"))
    assert summary == report.to_dict()
    assert [s["key"] for s in summary["sections"]] == SECTIONS


def test_files_written(report: Report, written: dict[str, Path]) -> None:
    assert {"report.html", "report.md", "summary.json"} <= set(written)
    pngs = [p for name, p in written.items() if name.startswith("charts/")]
    assert len(pngs) == len(report.charts) >= 6
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    markdown = written["report.md"].read_text(encoding="utf-8")
    for name in report.charts:
        assert f"charts/{name}.png" in markdown


def test_html_is_self_contained(report: Report, written: dict[str, Path]) -> None:
    page = written["report.html"].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page, flags=re.I)
    assert "@import" not in page and "<script" not in page.lower() and "<link" not in page.lower()
    images = re.findall(r'<img[^>]+src="([^"]+)"', page)
    assert len(images) == len(report.charts) and all(src.startswith("data:image/png;base64,") for src in images)


HOSTILE_LEVEL = "<script>alert('level')</script>"
HOSTILE_COLUMN = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    leads = make_leads(4000, seed=31)
    rng = np.random.default_rng(0)
    leads[HOSTILE_COLUMN] = rng.choice([HOSTILE_LEVEL, "<b>bold</b> & co", "=HYPERLINK(\"x\")", "a|b"], len(leads))
    cal = _fit(leads, redundancy_bound=1.0)
    assert HOSTILE_COLUMN in cal.config_.attributes
    return cal.report(title="<i>Q4</i> review").write(tmp_path_factory.mktemp("hostile"))


def test_hostile_values_are_escaped_in_html(hostile_report: dict[str, Path]) -> None:
    page = hostile_report["report.html"].read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>bold</b>" not in page and "<i>Q4</i>" not in page
    assert "<img src=x" not in page  # the column name is text, not a tag
    assert "&lt;img src=x onerror=" in page and "&lt;script&gt;alert(" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page and "&lt;i&gt;Q4&lt;/i&gt; review" in page


def test_hostile_values_are_escaped_in_markdown(hostile_report: dict[str, Path]) -> None:
    markdown = hostile_report["report.md"].read_text(encoding="utf-8")
    assert "<script>" not in markdown and "<b>" not in markdown and "<img" not in markdown
    assert "&lt;script&gt;" in markdown and "a\\|b" in markdown


@pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed: run scripts/install_test_tools.sh")
def test_report_renders_in_headless_chromium(report: Report, written: dict[str, Path]) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    facts = assert_report_renders(written["report.html"], ARTEFACTS)
    assert len(facts["images"]) == len(report.charts)
    assert all(image["natural_width"] > 200 for image in facts["images"])
    assert facts["network_requests"] == []
    assert (ARTEFACTS / "report.png").stat().st_size > 10_000


@pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed: run scripts/install_test_tools.sh")
def test_hostile_report_renders_without_running_anything(hostile_report: dict[str, Path]) -> None:
    facts = assert_report_renders(hostile_report["report.html"], ARTEFACTS / "hostile")
    # The only images are the charts: the hostile <img> in a column name stayed text.
    assert all(image["src_prefix"].startswith("data:image/png") for image in facts["images"])


def test_report_without_leads_uses_the_stored_evaluation(cal: Calibrator) -> None:
    report = build_report(cal.config_)
    quality = _section(report, "score_quality")
    assert quality["measured"] is False
    assert quality["auc"]["auc"] == cal.config_.to_dict()["evaluation"]["auc"]
    assert any("No leads were given" in note for note in _section(report, "caveats")["notes"])
    assert "report" in report.to_html()


def test_in_sample_report_says_so() -> None:
    cal = _fit(make_leads(3000, seed=32), holdout=None)
    notes = _section(cal.report(), "caveats")["notes"]
    assert any("no holdout" in note for note in notes)


def test_repr_html_in_notebooks(cal: Calibrator, report: Report) -> None:
    assert "<table" in cal.config_._repr_html_() and "requested_demo" in cal.config_._repr_html_()
    fragment = report._repr_html_()
    assert fragment.lstrip().startswith("<div") and "<html" not in fragment
    assert "Attribute evidence" in cal._repr_html_()
    assert "not fitted" not in Calibrator()._repr_html_() and "Calibrator(" in Calibrator()._repr_html_()


def test_cli_report_and_fit_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "leads.csv"
    make_leads(4000, seed=33).to_csv(data, index=False)
    config, fit_report, review = tmp_path / "config.yaml", tmp_path / "fit_report", tmp_path / "review"
    assert main(["fit", str(data), "--target", "stage", "--positive", "Closed Won", "--exclude-outcome", "Open",
                 "--output", str(config), "--report", str(fit_report), "--quiet"]) == 0
    assert (fit_report / "report.html").exists() and (fit_report / "summary.json").exists()
    later = tmp_path / "later.csv"
    make_leads(3000, seed=34).to_csv(later, index=False)
    assert main(["report", str(config), str(later), "--output", str(review)]) == 0
    assert "Report on" in capsys.readouterr().out
    summary = json.loads((review / "summary.json").read_text(encoding="utf-8"))
    quality = next(s for s in summary["sections"] if s["key"] == "score_quality")
    assert quality["measured"] and quality["source"].startswith("the ") and quality["auc"]["auc"] > 0.6
    assert ScoringConfig.load(config)  # the fit still wrote a valid config


def test_cli_report_needs_the_outcome_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "leads.csv"
    make_leads(2000, seed=35).to_csv(data, index=False)
    config = tmp_path / "config.yaml"
    assert main(["fit", str(data), "--target", "stage", "--positive", "Closed Won", "--exclude-outcome", "Open",
                 "--output", str(config), "--quiet", "--holdout", "0"]) == 0
    capsys.readouterr()
    no_outcome = tmp_path / "no_outcome.csv"
    make_leads(500, seed=36).drop(columns=["stage"]).to_csv(no_outcome, index=False)
    assert main(["report", str(config), str(no_outcome), "--output", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: target column 'stage' is not in the data") and "Traceback" not in err
