"""The ``calibrate`` command line: a thin layer over the library.

Every verb maps to one library call. Errors print one line, ``error: ...``,
and exit with status 2; warnings print as ``warning: ...``; no traceback
reaches the terminal.

Examples
--------
Run from a shell::

    calibrate fit data/sample_leads.csv --target stage --positive "Closed Won" \\
        --exclude-outcome Open --output reports/sample_config.yaml
    calibrate score reports/sample_config.yaml data/sample_leads.csv --output reports/scored.csv
    calibrate validate reports/sample_config.yaml
    calibrate export reports/sample_config.yaml --to sql --dialect snowflake --table crm.leads
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from calibrate import __version__
from calibrate.errors import CalibrateError

__all__ = ["app", "main"]

app = typer.Typer(
    name="calibrate",
    help="Lead-scoring points justified by close rates: fit a scoring config, score leads, validate configs.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


# Options shared by the commands that read a lead file or print a summary.
Sep = Annotated[str | None, typer.Option(help="CSV delimiter (detected when omitted).")]
Encoding = Annotated[str | None, typer.Option(help="Text encoding (detected when omitted).")]
Sheet = Annotated[str | None, typer.Option(help="Excel sheet name (the first when omitted).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors and warnings.")]

# Options of the derived signals (activity log, accounts).
Activities = Annotated[Path | None, typer.Option("--activities", help="Activity log (CSV/Parquet): lead id, activity "
                                                 "type, timestamp; columns found by name.")]
ActivityId = Annotated[str | None, typer.Option(help="Lead id column of the activity log (found by name when omitted).")]
ActivityType = Annotated[str | None, typer.Option(help="Activity type column of the log (found by name when omitted).")]
ActivityTime = Annotated[str | None, typer.Option(help="Timestamp column of the log (found by name when omitted).")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Reference date of derived signals: a date column (the "
                                          "outcome date) or YYYY-MM-DD; default a decided/closed date column, else "
                                          "the log's latest activity.")]


def _read_log(path: Path | None, lead_id: str | None, activity: str | None, timestamp: str | None) -> Any:
    if path is None:
        if lead_id or activity or timestamp:
            raise _Failure("--activity-id-column/--activity-type-column/--activity-time-column need --activities LOG")
        return None
    from calibrate.activity import read_activities

    return read_activities(path, lead_id=lead_id, activity=activity, timestamp=timestamp)


# click's UsageError, whether typer vendors click (0.29+) or depends on it: the base of BadParameter.
_UsageError: type[Exception] = typer.BadParameter.__mro__[1]


class _Failure(Exception):
    """An expected failure: printed as one ``error:`` line."""


@contextmanager
def _reported_warnings() -> Iterator[None]:
    """Print warnings as ``warning: ...`` lines on stderr instead of Python's format."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    seen = set()
    for warning in caught:
        text = str(warning.message)
        if text not in seen:
            seen.add(text)
            typer.echo(f"warning: {text}", err=True)


def _parse_bins(specs: Sequence[str]) -> dict[str, list[float]]:
    bins: dict[str, list[float]] = {}
    for spec in specs:
        column, sep, edges = spec.rpartition("=")
        if not sep or not column:
            raise _Failure(f"--bins {spec!r}: write COLUMN=EDGE,EDGE,... (e.g. employees=10,21,51)")
        try:
            bins[column] = [float(e) for e in edges.split(",") if e.strip()]
        except ValueError:
            raise _Failure(f"--bins {spec!r}: edges must be numbers separated by commas (e.g. employees=10,21,51)") from None
    return bins


def _pairs(items: Sequence[str] | None, option: str, example: str) -> dict[str, str] | None:
    if not items:
        return None
    pairs = {}
    for item in items:
        key, sep, value = item.rpartition("=")
        if not sep or not key or not value:
            raise _Failure(f"{option} {item!r}: write KEY=VALUE (e.g. {example})")
        pairs[key] = value
    return pairs


@app.command()
def fit(
    data: Annotated[Path, typer.Argument(metavar="DATA", help="Lead export: CSV, Parquet or Excel.")],
    target: Annotated[str, typer.Option("--target", "-t", help="The outcome column.")],
    positive: Annotated[list[str] | None, typer.Option("--positive", "-p", help="Outcome value meaning customer (repeatable).")] = None,
    exclude_outcome: Annotated[list[str] | None, typer.Option("--exclude-outcome", "-x", help="Outcome value of undecided leads to leave out (repeatable).")] = None,
    drop: Annotated[list[str] | None, typer.Option("--drop", "-d", help="Column not to use (repeatable).")] = None,
    method: Annotated[str, typer.Option(help="Point method: lift, log_odds, logistic, or compare (fit all on one "
                                        "split, print held-out AUC beside a reference logistic regression).")] = "lift",
    alpha: Annotated[float, typer.Option(help="False-discovery rate for giving a level points.")] = 0.05,
    min_support: Annotated[int, typer.Option(help="Leads a value needs before it is pooled into (other).")] = 30,
    n_bins: Annotated[int, typer.Option(help="Quantile bins per numeric column.")] = 5,
    bins: Annotated[list[str] | None, typer.Option("--bins", help="Explicit edges, COLUMN=10,21,51 (repeatable).")] = None,
    points_per_lift: Annotated[float, typer.Option(help="Points per unit of lift above the baseline.")] = 50.0,
    points_to_double_odds: Annotated[float, typer.Option(help="Points that double the odds (log_odds, logistic).")] = 40.0,
    C: Annotated[float, typer.Option("--C", help="Inverse regularisation strength (logistic).")] = 1.0,
    shrinkage: Annotated[str, typer.Option(help="auto, none, beta_binomial or pseudo_count.")] = "auto",
    monotone: Annotated[list[str] | None, typer.Option("--monotone", help="Numeric column with steadily rising/falling points (repeatable).")] = None,
    attribute_cap: Annotated[int | None, typer.Option(help="Largest points one attribute may give.")] = None,
    total_cap: Annotated[int | None, typer.Option(help="Cap on the total score (CRMs cap at 100 or 500).")] = None,
    threshold: Annotated[int, typer.Option(help="Sales-ready score.")] = 100,
    threshold_rule: Annotated[str, typer.Option(help="fixed, share, target_rate or capacity.")] = "fixed",
    threshold_value: Annotated[float | None, typer.Option(help="The rule's value: 0.1 (share), 0.3 (close rate), 50 (leads per period).")] = None,
    leads_per_period: Annotated[float | None, typer.Option(help="Leads arriving per period (capacity rule).")] = None,
    band_style: Annotated[str, typer.Option(help="heat, letters, rag or yes_no.")] = "heat",
    group: Annotated[list[str] | None, typer.Option("--group", help="COLUMN=fit or COLUMN=engagement (repeatable).")] = None,
    sla: Annotated[list[str] | None, typer.Option("--sla", help="CELL=TEXT, e.g. A1=4h (repeatable).")] = None,
    no_grades: Annotated[bool, typer.Option("--no-grades", help="No fit x engagement grades.")] = False,
    max_attributes: Annotated[int | None, typer.Option(help="Keep at most this many attributes.")] = None,
    redundancy_bound: Annotated[float, typer.Option(help="Drop attributes with Cramer's V above this with a stronger one.")] = 0.9,
    keep_leaky: Annotated[bool, typer.Option("--keep-leaky", help="Keep leakage suspects instead of leaving them out.")] = False,
    holdout: Annotated[float, typer.Option(help="Share of leads held out for the backtest (0 for none).")] = 0.25,
    date_column: Annotated[str | None, typer.Option(help="Date column recording the training period.")] = None,
    placeholder: Annotated[list[str] | None, typer.Option("--placeholder", help="Another value meaning blank (repeatable).")] = None,
    no_default_placeholders: Annotated[bool, typer.Option("--no-default-placeholders", help="Use only the --placeholder values.")] = False,
    sep: Sep = None,
    encoding: Encoding = None,
    sheet: Sheet = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the config (.yaml or .json).")] = Path("calibrate_config.yaml"),
    summary: Annotated[Path | None, typer.Option(help="Also write the printed summary to this file.")] = None,
    evidence: Annotated[Path | None, typer.Option(help="Also write the per-level evidence table to this CSV.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Also write the diagnostic report (HTML, Markdown, JSON, PNG) to this folder.")] = None,
    id_column: Annotated[str | None, typer.Option(help="Lead id column (joins the activity log; duplicate ids are refused).")] = None,
    duplicate_ids: Annotated[str, typer.Option("--duplicate-ids", help="With --id-column: refuse (default) duplicate lead ids, or keep the first or last row of each.")] = "refuse",
    activities: Activities = None,
    activity_id_column: ActivityId = None,
    activity_type_column: ActivityType = None,
    activity_time_column: ActivityTime = None,
    account_column: Annotated[str | None, typer.Option(help="Company domain column keying leads to accounts (default: a domain column found by name, else corporate e-mail domains).")] = None,
    target_accounts: Annotated[Path | None, typer.Option(help="File of target account domains or company names (one per line, or a CSV column named domain/company).")] = None,
    account_status: Annotated[Path | None, typer.Option(help="Table of account statuses: an account (domain or company) column, a status column (customer, open opportunity, ...) and optionally the date it holds from (since).")] = None,
    as_of: AsOf = None,
    no_signals: Annotated[bool, typer.Option("--no-signals", help="Do not recognise e-mail, job-title, name and company columns by content to derive signals.")] = False,
    drop_junk: Annotated[bool, typer.Option("--drop-junk", help="Set junk leads (form junk, disposable or invalid e-mail) aside before calibration.")] = False,
    no_decay: Annotated[bool, typer.Option("--no-decay", help="Do not estimate the engagement half-life from the activity log.")] = False,
    engine: Annotated[str, typer.Option(help="Where the pass over the rows runs: auto (pandas; DuckDB for CSV files of 512 MiB or more and Parquet files as big as CSV, unless an option needs the leads in memory), pandas, duckdb (out of core) or spark (a local Spark session).")] = "auto",
    sample_size: Annotated[int, typer.Option(help="On duckdb/spark: training leads sampled for the row-level steps (counts use every lead).")] = 250_000,
    quiet: Quiet = False,
) -> None:
    """Fit points from historical leads and write a scoring config."""
    from calibrate.calibrator import Calibrator
    from calibrate.cleaning import DEFAULT_PLACEHOLDERS
    from calibrate.io import read_leads_coded
    from calibrate.safe_csv import write_csv
    from calibrate.summary import format_comparison, format_fit_summary

    if duplicate_ids not in ("refuse", "first", "last"):
        raise _Failure(f"--duplicate-ids {duplicate_ids!r}: choose refuse, first or last")
    if duplicate_ids != "refuse" and id_column is None:
        raise _Failure("--duplicate-ids needs --id-column COL (the lead id column whose duplicates to resolve)")
    from calibrate.engine_fit import choose_engine

    in_memory_for = [flag for flag, value in (
        ("--sep", sep), ("--encoding", encoding), ("--sheet", sheet), ("--method compare", method == "compare"),
        ("--activities", activities), ("--target-accounts", target_accounts), ("--account-status", account_status),
        ("--duplicate-ids " + duplicate_ids, duplicate_ids != "refuse")) if value]
    chosen, _ = choose_engine(data, engine, in_memory_for=in_memory_for)
    if chosen != "pandas":
        given = [flag for flag, value in (("--sep", sep), ("--encoding", encoding), ("--sheet", sheet),
                                          ("--method compare", method == "compare")) if value]
        if given:
            raise _Failure(f"{', '.join(given)} work(s) with --engine pandas only: on {chosen} the file is read by "
                           "the engine (CSV dialect detected, UTF-8), so convert it to Parquet or UTF-8 CSV first")
    with _reported_warnings():
        # In memory, read as Calibrator.fit reads a path (a Parquet file's text as categoricals).
        frame = read_leads_coded(data, sep=sep, encoding=encoding, sheet=sheet) if chosen == "pandas" else str(data)
        spark_session = None
        if chosen == "spark":
            from pyspark.sql import SparkSession

            spark_session = SparkSession.builder.appName("calibrate").getOrCreate()
        placeholders = [*([] if no_default_placeholders else DEFAULT_PLACEHOLDERS), *(placeholder or [])]
        cal = Calibrator(
            "lift" if method == "compare" else method, alpha=alpha, min_support=min_support, n_bins=n_bins,
            bins=_parse_bins(bins or []), points_per_lift=points_per_lift, points_to_double_odds=points_to_double_odds,
            C=C, shrinkage=shrinkage, monotone=monotone or (), attribute_cap=attribute_cap, total_cap=total_cap,
            threshold=threshold, threshold_rule=threshold_rule, threshold_value=threshold_value,
            leads_per_period=leads_per_period, band_style=band_style, groups=_pairs(group, "--group", "COLUMN=fit"),
            sla=_pairs(sla, "--sla", "A1=4h"), grades=not no_grades, max_attributes=max_attributes,
            redundancy_bound=redundancy_bound, leakage="keep" if keep_leaky else "exclude",
            holdout=holdout or None, placeholders=placeholders, signals=not no_signals, drop_junk=drop_junk,
            decay=not no_decay, sample_size=sample_size, progress=False if quiet else None)
        options = {"positive": positive or None, "exclude": exclude_outcome or (), "drop": drop or (),
                   "date_column": date_column}
        log = _read_log(activities, activity_id_column, activity_type_column, activity_time_column)
        signal_options = {"id_column": id_column, "duplicate_ids": duplicate_ids, "activities": log,
                          "account_column": account_column,
                          "target_accounts": target_accounts, "account_status": account_status, "as_of": as_of}
        if method == "compare":
            if log is not None or target_accounts is not None or account_status is not None:
                raise _Failure("--method compare does not take --activities, --target-accounts or --account-status yet; "
                               "compare on the lead table alone, then fit the chosen method with them")
            table = cal.compare(frame, target, **options)
        else:
            # On an engine the file goes as it is, with the engine as given: fit chooses the same one again and
            # says why (a file of that size, or the user's choice); in memory the frame read here goes.
            cal.fit(frame, target, **options, **signal_options, engine=chosen if chosen == "pandas" else engine,
                    spark=spark_session)
    if method == "compare":
        text = format_comparison(table)
        if summary is not None:
            summary.parent.mkdir(parents=True, exist_ok=True)
            summary.write_text(text + "\n", encoding="utf-8")
        if not quiet:
            typer.echo(text)
        return
    written = cal.config_.save(output)
    text = format_fit_summary(cal) + f"\nConfig written to {written}"
    if evidence is not None:
        write_csv(cal.summary(), evidence)
        text += f"\nEvidence table written to {evidence}"
    if report is not None:
        cal.report().write(report)
        text += f"\nReport written to {report / 'report.html'}"
    if summary is not None:
        summary.parent.mkdir(parents=True, exist_ok=True)
        summary.write_text(text + "\n", encoding="utf-8")
        text += f"\nSummary written to {summary}"
    if not quiet:
        typer.echo(text)


@app.command()
def score(
    config: Annotated[Path, typer.Argument(metavar="CONFIG", help="A scoring config written by 'calibrate fit'.")],
    data: Annotated[Path, typer.Argument(metavar="DATA", help="Leads to score: CSV, Parquet or Excel.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the scored leads: .csv (for people: "
                                         "formulas neutralised) or .parquet (for systems: values as they are).")],
    score_column: Annotated[str, typer.Option(help="Name of the score column added.")] = "score",
    band_column: Annotated[str, typer.Option(help="Name of the band column added.")] = "band",
    activities: Activities = None,
    activity_id_column: ActivityId = None,
    activity_type_column: ActivityType = None,
    activity_time_column: ActivityTime = None,
    as_of: AsOf = None,
    sep: Sep = None,
    encoding: Encoding = None,
    sheet: Sheet = None,
    batch_rows: Annotated[int, typer.Option(min=1, help="A Parquet file is scored this many leads at a time, so a "
                                            "file larger than memory can be scored (a config with account "
                                            "signals reads the whole file: they count colleagues in it).")
                          ] = 1_000_000,
    quiet: Quiet = False,
) -> None:
    """Score leads with a config: every row kept in order, plus score and band."""
    from collections import Counter

    from calibrate.config import ScoringConfig
    from calibrate.errors import UnseenLevelWarning
    from calibrate.io import iter_leads_coded, read_leads_coded
    from calibrate.progress import progress_wanted
    from calibrate.scored_file import ScoredFileWriter
    from calibrate.scoring import unseen_warning_text

    scoring = ScoringConfig.load(config)
    whole = scoring.signals is not None and scoring.signals.has_accounts
    bands: Counter[str] = Counter()
    unseen: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    with _reported_warnings():
        log = _read_log(activities, activity_id_column, activity_type_column, activity_time_column)
        # A Parquet file's text read as codes: a fifth of the reading time, and the scorer looks up each
        # column's distinct values instead of hashing every cell. The scores are those of read_leads' text.
        batches = [read_leads_coded(data, sep=sep, encoding=encoding, sheet=sheet)] if whole else \
            iter_leads_coded(data, batch_rows=batch_rows, sep=sep, encoding=encoding, sheet=sheet)
        bar = _batch_progress(enabled=progress_wanted(False if quiet else None))
        with ScoredFileWriter(output) as writer, bar, warnings.catch_warnings():
            warnings.simplefilter("ignore", UnseenLevelWarning)  # one warning for the whole file, below
            for frame in batches:
                scored = scoring.score(frame, activities=log, as_of=as_of, score_column=score_column,
                                       band_column=band_column)
                writer.write(scored)
                bands.update(scored[band_column].value_counts().to_dict())
                unseen.update(scored.attrs.get("unseen", {}))
                for name, values in scored.attrs.get("unseen_examples", {}).items():
                    examples[name] = list(dict.fromkeys([*examples.get(name, []), *values]))[:3]
                bar.update(len(frame))
        if unseen:
            warnings.warn(unseen_warning_text(dict(unseen), examples), UnseenLevelWarning, stacklevel=1)
    if not quiet:
        shown = ", ".join(f"{b['name']} {bands.get(b['name'], 0):,}" for b in scoring.bands)
        typer.echo(f"Scored {writer.rows:,} leads ({shown}); written to {output}")


class _NoProgress:
    """Stands in for the progress bar when there is none."""

    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def update(self, _: int) -> None:
        return None


def _batch_progress(*, enabled: bool) -> Any:
    """A bar counting the leads scored (on standard error), or a stand-in doing nothing."""
    if not enabled:
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(unit=" leads", unit_scale=True, desc="scoring", file=sys.stderr, leave=False)


@app.command("report")
def report_command(
    config: Annotated[Path, typer.Argument(metavar="CONFIG", help="A scoring config written by 'calibrate fit'.")],
    data: Annotated[Path, typer.Argument(metavar="DATA", help="Leads with their outcome: CSV, Parquet or Excel.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for report.html, report.md, summary.json and charts.")] = Path("reports/report"),
    title: Annotated[str | None, typer.Option(help="Report title.")] = None,
    activities: Activities = None,
    activity_id_column: ActivityId = None,
    activity_type_column: ActivityType = None,
    activity_time_column: ActivityTime = None,
    as_of: AsOf = None,
    sep: Sep = None,
    encoding: Encoding = None,
    sheet: Sheet = None,
    quiet: Quiet = False,
) -> None:
    """Diagnostic report of a config measured on leads with known outcomes (for the quarterly review)."""
    from calibrate.config import ScoringConfig
    from calibrate.io import read_leads
    from calibrate.report import build_report
    from calibrate.target import resolve_target

    scoring = ScoringConfig.load(config)
    target = scoring.to_dict()["target"]
    with _reported_warnings():
        frame = read_leads(data, sep=sep, encoding=encoding, sheet=sheet)
        column = target["column"]
        present = set(frame[column].astype(str).str.strip().str.casefold()) if column in frame else set()
        excluded = [v for v in target.get("excluded", []) if v.strip().casefold() in present]
        outcome = resolve_target(frame, column, positive=target["positive"], exclude=excluded,
                                 placeholders=scoring.to_dict()["cleaning"]["placeholders"])
        log = _read_log(activities, activity_id_column, activity_type_column, activity_time_column)
        # Scored whole, then the decided leads kept: account signals count every colleague in the file.
        scored = scoring.score(frame, activities=log, as_of=as_of).loc[outcome.keep]
    grades = scored["grade"].to_numpy() if "grade" in scored else None
    built = build_report(scoring, y=outcome.y, scores=scored["score"].to_numpy(), grades=grades,
                         unseen=scored.attrs.get("unseen"), evaluation_label=f"the {outcome.leads:,} leads of {data.name}",
                         title=title)
    built.write(output)
    if not quiet:
        typer.echo(f"Report on {outcome.leads:,} leads written to {output / 'report.html'} "
                   f"(also report.md, summary.json, charts/)")


@app.command()
def review(
    config: Annotated[Path, typer.Argument(metavar="CONFIG", help="The scoring config in force.")],
    data: Annotated[Path, typer.Argument(metavar="DATA", help="Leads of the new period (or of several periods) with outcomes.")],
    target: Annotated[str | None, typer.Option("--target", "-t", help="Outcome column, when renamed since the config.")] = None,
    date_column: Annotated[str | None, typer.Option(help="Date (or increasing order) column splitting the periods.")] = None,
    since: Annotated[str | None, typer.Option(help="First date (or order value) of the new period; default: after the config's period.")] = None,
    acceptance_column: Annotated[str | None, typer.Option(help="Column saying whether sales accepted the lead.")] = None,
    alpha: Annotated[float, typer.Option(help="Significance level of the review's tests.")] = 0.05,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for review.html, review.md, review.json and the re-calibrated config.")] = Path("reports/review"),
    activities: Activities = None,
    activity_id_column: ActivityId = None,
    activity_type_column: ActivityType = None,
    activity_time_column: ActivityTime = None,
    sep: Sep = None,
    encoding: Encoding = None,
    sheet: Sheet = None,
    quiet: Quiet = False,
) -> None:
    """Quarterly review: how the config did on new leads, what changed, and whether to keep, adjust or re-calibrate."""
    from calibrate.config import ScoringConfig
    from calibrate.io import read_leads
    from calibrate.review import review_config

    scoring = ScoringConfig.load(config)
    with _reported_warnings():
        frame = read_leads(data, sep=sep, encoding=encoding, sheet=sheet)
        if target is not None and target != scoring.to_dict()["target"]["column"]:
            frame = frame.rename(columns={target: scoring.to_dict()["target"]["column"]})
        log = _read_log(activities, activity_id_column, activity_type_column, activity_time_column)
        result = review_config(scoring, frame, date_column=date_column,
                               since=float(since) if since is not None and _is_number(since) else since,
                               alpha=alpha, acceptance_column=acceptance_column, activities=log)
    result.write(output)
    if not quiet:
        typer.echo(result.summary() + f"\nReview written to {output / 'review.html'}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The config in force.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The config that would replace it.")],
) -> None:
    """Rule-by-rule difference of two configs' points."""
    from calibrate.config import ScoringConfig
    from calibrate.review import diff_configs
    from calibrate.summary import format_diff

    old_config, new_config = ScoringConfig.load(old), ScoringConfig.load(new)
    lineage = new_config.to_dict().get("lineage", {}).get("replaces")
    text = format_diff(diff_configs(old_config, new_config))
    if lineage:
        text += "\n" + ("The new config names the old one as the config it replaces." if lineage == old_config.fingerprint
                        else f"The new config replaces {lineage}, not this old config.")
    typer.echo(text)


@app.command("export")
def export_command(
    config: Annotated[Path, typer.Argument(metavar="CONFIG", help="A scoring config written by 'calibrate fit'.")],
    to: Annotated[str, typer.Option("--to", help="sql (one SELECT scoring a table), rules-csv (a CRM rule sheet) or json (for scoring APIs).")],
    dialect: Annotated[str, typer.Option(help="SQL dialect: duckdb, postgres, snowflake, bigquery or spark.")] = "duckdb",
    table: Annotated[str, typer.Option(help="The lead table the SQL reads (catalog.schema.table allowed).")] = "leads",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write; standard output when omitted (sql, json).")] = None,
) -> None:
    """Export a config for other systems: SQL for a warehouse, a rule sheet for a CRM, JSON for an API."""
    from calibrate.config import ScoringConfig

    scoring = ScoringConfig.load(config)
    if to == "sql":
        from calibrate.export.sql import scoring_sql

        text = scoring_sql(scoring, dialect=dialect, table=table)
    elif to == "json":
        from calibrate.export.rules import config_json

        text = config_json(scoring)
    elif to == "rules-csv":
        if output is None:
            raise _Failure("--to rules-csv writes a spreadsheet file: pass --output RULES.csv")
        from calibrate.export.rules import write_rules_csv

        write_rules_csv(scoring, output)
        typer.echo(f"Rule sheet written to {output}")
        return
    else:
        raise _Failure(f"--to {to!r}: choose sql, rules-csv or json")
    if output is None:
        typer.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(text.encode("utf-8"))
    typer.echo(f"{'SQL' if to == 'sql' else 'JSON'} written to {output}")


@app.command()
def validate(config: Annotated[Path, typer.Argument(metavar="CONFIG", help="A scoring config file.")]) -> None:
    """Check a config against the schema and its own consistency."""
    from calibrate.config import ScoringConfig

    loaded = ScoringConfig.load(config)
    version = loaded.to_dict()["schema_version"]
    typer.echo(f"ok: {config} is a valid calibrate config (schema version {version}): {len(loaded.attributes)} "
               f"attributes, threshold {loaded.threshold}")


@app.command()
def version() -> None:
    """Print the calibrate version."""
    typer.echo(f"calibrate {__version__}")


def _error(message: str) -> int:
    typer.echo(f"error: {message}", err=True)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns (and, as a script, exits with) the status code."""
    command = typer.main.get_command(app)
    try:
        status = command.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="calibrate", standalone_mode=False)
    except _UsageError as exc:
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            typer.echo(ctx.get_usage(), err=True)
        return _error(exc.format_message())  # type: ignore[attr-defined]
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        return _error("interrupted")
    except (CalibrateError, _Failure, ValueError) as exc:
        return _error(str(exc))
    except FileNotFoundError as exc:
        return _error(f"file not found: '{exc.filename}'; check the path")
    except PermissionError as exc:
        return _error(f"permission denied: '{exc.filename}'; choose a path you can read and write")
    except IsADirectoryError as exc:
        return _error(f"'{exc.filename}' is a directory; give a file path")
    except OSError as exc:
        return _error(f"{exc.strerror or exc}: '{exc.filename}'")
    except MemoryError:
        return _error("out of memory; the data is too large for this machine's memory")
    return status if isinstance(status, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
