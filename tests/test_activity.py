"""Tests of calibrate.activity: reading activity logs and aggregating them per lead as of a date."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from calibrate.activity import (
    ActivityLog,
    aggregate_activities,
    detect_activity_columns,
    normalize_activity_type,
    ordinal,
    read_activities,
)
from calibrate.errors import DataError, DataQualityWarning

DAY = pd.Timedelta(days=1)
TYPES = ["Page View", "pricing_page", "Demo Request", "Email Open", "email-open", "Webinar"]


# --------------------------------------------------------------------------- #
# A random log with a known truth, and a slow pandas reference
# --------------------------------------------------------------------------- #
def make_case(seed: int = 0, n_leads: int = 400, n_rows: int = 3000):
    """Lead table, activity log (as text, as a CSV export has it) and the true event times."""
    rng = np.random.default_rng(seed)
    lead_ids = [f"L{i:04d}" for i in range(n_leads)]
    base = pd.Timestamp("2024-01-01", tz="UTC")
    as_of = pd.Series(base + pd.to_timedelta(rng.integers(60, 300, n_leads), unit="D")
                      + pd.to_timedelta(rng.integers(0, 86_400, n_leads), unit="s"))
    as_of[rng.random(n_leads) < 0.1] = pd.NaT  # these take the log's cut-off
    leads = pd.DataFrame({"Lead ID": lead_ids, "closed_at": as_of})

    # Event ids: mostly known leads, some unknown (unmatched), some with spaces around.
    which = rng.integers(0, n_leads + 20, n_rows)
    ids = np.array([f"L{i:04d}" for i in which], dtype=object)
    padded = rng.random(n_rows) < 0.1
    ids[padded] = np.char.add(" ", ids[padded].astype(str)).astype(object)
    times = base + pd.to_timedelta(rng.integers(0, 330 * 86_400, n_rows), unit="s")
    types = np.array(TYPES, dtype=object)[rng.integers(0, len(TYPES), n_rows)]
    log = pd.DataFrame({"Lead ID": ids, "Activity Type": types, "Activity Date": times})

    # Events exactly on the boundaries that matter, for known leads with an as-of date.
    known = np.flatnonzero(as_of.notna().to_numpy())[:6]
    edges = []
    for lead, offset in zip(known, [pd.Timedelta(0), pd.Timedelta(seconds=1), -7 * DAY, -28 * DAY,
                                    -28 * DAY + pd.Timedelta(seconds=1), -3 * DAY], strict=True):
        edges.append({"Lead ID": lead_ids[lead], "Activity Type": "Webinar", "Activity Date": as_of[lead] + offset})
    log = pd.concat([log, pd.DataFrame(edges)], ignore_index=True)
    truth = log.copy()
    truth["Lead ID"] = truth["Lead ID"].str.strip()
    truth["type"] = truth["Activity Type"].map({t: normalize_activity_type(t) for t in TYPES})

    # As text: ISO with "Z", some with a +02:00 offset, some naive; some unparseable and missing.
    text = log["Activity Date"].dt.strftime("%Y-%m-%dT%H:%M:%SZ").astype(object)
    offset = rng.random(len(log)) < 0.2
    text[offset] = (log["Activity Date"][offset] + 2 * pd.Timedelta(hours=1)).dt.strftime("%Y-%m-%dT%H:%M:%S+02:00")
    naive = ~offset & (rng.random(len(log)) < 0.2)
    text[naive] = log["Activity Date"][naive].dt.strftime("%Y-%m-%d %H:%M:%S")
    bad = rng.choice(len(log) - len(edges), 25, replace=False)
    text[bad[:20]] = "last tuesday"
    text[bad[20:]] = ""
    log["Activity Date"] = text
    truth = truth.drop(index=bad)
    return leads, log, truth


def reference(leads: pd.DataFrame, truth: pd.DataFrame, types: list[str], nth: int = 3) -> pd.DataFrame:
    """Slow pandas groupby reference of the aggregation."""
    cut_off = truth["Activity Date"].max()
    table = leads.assign(pos=np.arange(len(leads)), as_of=leads["closed_at"].fillna(cut_off))
    events = truth.merge(table, on="Lead ID", how="inner")
    events = events[events["type"].isin(types) & (events["Activity Date"] <= events["as_of"])]
    age = events["as_of"] - events["Activity Date"]
    out = pd.DataFrame(index=pd.RangeIndex(len(leads)))
    for t in types:
        out[f"activity.{t}.count"] = events[events["type"] == t].groupby("pos").size().reindex(out.index, fill_value=0)
    out["activity.total.count"] = events.groupby("pos").size().reindex(out.index, fill_value=0)
    out["activity.days_since_last"] = (age // DAY).groupby(events["pos"]).min().reindex(out.index).astype(float)
    ordered = events.sort_values(["pos", "Activity Date"])
    rank = ordered.groupby("pos").cumcount()
    first = ordered[rank == 0].set_index("pos")["Activity Date"]
    nth_time = ordered[rank == nth - 1].set_index("pos")["Activity Date"]
    days_to_nth = (nth_time - first.reindex(nth_time.index)) // DAY
    out[f"activity.days_to_{ordinal(nth)}"] = days_to_nth.reindex(out.index).astype(float)
    recent = events[age < 28 * DAY]
    out["activity.per_week"] = recent.groupby("pos").size().reindex(out.index, fill_value=0) / 4.0
    return out


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return func(*args, **kwargs)


# --------------------------------------------------------------------------- #
# Aggregation against the reference
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("seed", [0, 1])
def test_aggregation_matches_pandas_reference(seed):
    leads, log, truth = make_case(seed)
    activities = quiet(read_activities, log)
    features = aggregate_activities(activities, leads["Lead ID"], leads["closed_at"])
    types = sorted(truth["type"].unique())
    assert features.types == tuple(types)
    expected = reference(leads, truth, types)
    assert list(features.frame.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(features.frame, expected, check_dtype=False)
    for column in features.frame.columns:
        assert features.frame[column].dtype == (np.int64 if column.endswith(".count") else np.float64)

    # Bookkeeping.
    matched = truth[truth["Lead ID"].isin(leads["Lead ID"])]
    assert features.unmatched_rows == len(truth) - len(matched)
    cut_off = truth["Activity Date"].max()
    as_of = matched["Lead ID"].map(leads.set_index("Lead ID")["closed_at"].fillna(cut_off))
    assert features.ignored_after_as_of == int((matched["Activity Date"] > as_of).sum())
    assert features.other_types_ignored == 0
    assert features.as_of_fallback == int(leads["closed_at"].isna().sum())
    assert features.leads_without_activity == int((expected["activity.total.count"] == 0).sum())
    assert features.cut_off == cut_off
    # The counted events agree with the counts.
    events = features.events
    assert len(events) == expected["activity.total.count"].sum()
    assert (np.bincount(events.lead, minlength=len(leads)) == expected["activity.total.count"]).all()
    assert (events.age_days >= 0).all()
    per_type = np.bincount(events.lead * len(types) + events.type_code, minlength=len(leads) * len(types))
    assert (per_type.reshape(len(leads), -1) == features.frame.iloc[:, : len(types)].to_numpy()).all()


def test_whole_day_boundaries_are_exact():
    """Exactly 7 or 28 days before the as-of date, at any time of day, is 7 or 28 whole days."""
    rng = np.random.default_rng(7)
    n = 500
    as_of = pd.Series(pd.Timestamp("2024-01-01", tz="UTC")
                      + pd.to_timedelta(rng.integers(0, 400 * 86_400_000_000, n), unit="us"))
    ids = [f"L{i}" for i in range(n)]
    offsets = {"a": 7 * DAY, "b": 28 * DAY, "c": 28 * DAY - pd.Timedelta(microseconds=1), "d": pd.Timedelta(0),
               "e": -pd.Timedelta(microseconds=1)}
    log = pd.concat([pd.DataFrame({"lead_id": ids, "type": name, "timestamp": as_of - offset})
                     for name, offset in offsets.items()], ignore_index=True)
    features = aggregate_activities(read_activities(log), ids, as_of, types=["a", "b", "d"], nth=2)
    assert features.ignored_after_as_of == 0 and features.other_types_ignored == 2 * n
    types = ["a", "b", "c", "d", "e"]
    one_each = {t: aggregate_activities(read_activities(log), ids, as_of, types=[t]) for t in types}
    assert (one_each["a"].frame["activity.days_since_last"] == 7).all()
    assert (one_each["b"].frame["activity.days_since_last"] == 28).all()
    assert (one_each["b"].frame["activity.per_week"] == 0).all()
    assert (one_each["c"].frame["activity.days_since_last"] == 27).all()
    assert (one_each["c"].frame["activity.per_week"] == 0.25).all()
    assert (one_each["d"].frame["activity.days_since_last"] == 0).all()
    assert one_each["e"].ignored_after_as_of == n  # a microsecond after the as-of date is after it
    assert (features.frame["activity.days_to_2nd"] == 21).all()  # 28 days before, then 7 days before


@pytest.mark.parametrize("nth", [1, 2, 4, 11])
def test_nth_and_ordinal_column_names(nth):
    leads, log, truth = make_case(2, n_leads=60, n_rows=1500)
    features = aggregate_activities(quiet(read_activities, log), leads["Lead ID"], leads["closed_at"], nth=nth)
    types = sorted(truth["type"].unique())
    expected = reference(leads, truth, types, nth=nth)
    name = f"activity.days_to_{ordinal(nth)}"
    assert name in features.frame.columns
    pd.testing.assert_series_equal(features.frame[name], expected[name], check_dtype=False)


def test_ties_count_as_several_events():
    log = read_activities(pd.DataFrame({"lead_id": ["A"] * 4, "type": ["x"] * 4,
                                        "timestamp": ["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-09"]}))
    frame = aggregate_activities(log, ["A"], "2024-02-01", nth=2).frame
    assert frame.loc[0, "activity.days_to_2nd"] == 0
    frame = aggregate_activities(log, ["A"], "2024-02-01", nth=3).frame
    assert frame.loc[0, "activity.days_to_3rd"] == 4


def test_leakage_guard_activity_after_as_of_changes_nothing():
    leads, log, _ = make_case(3)
    before = aggregate_activities(quiet(read_activities, log), leads["Lead ID"], leads["closed_at"])
    with_as_of = leads[leads["closed_at"].notna()].iloc[:5]
    late = pd.DataFrame({
        "Lead ID": with_as_of["Lead ID"].to_numpy(),
        "Activity Type": ["Demo Request"] * 5,
        "Activity Date": (with_as_of["closed_at"] + pd.Timedelta(minutes=1)).dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(),
    })
    after = aggregate_activities(quiet(read_activities, pd.concat([log, late], ignore_index=True)),
                                 leads["Lead ID"], leads["closed_at"])
    pd.testing.assert_frame_equal(before.frame, after.frame)
    assert after.ignored_after_as_of == before.ignored_after_as_of + 5


def test_only_listed_types_count_anywhere():
    leads, log, truth = make_case(4)
    activities = quiet(read_activities, log)
    listed = ["Page View", "demo_request"]
    features = aggregate_activities(activities, leads["Lead ID"], leads["closed_at"], types=listed)
    assert features.types == ("page_view", "demo_request")
    expected = reference(leads, truth, ["page_view", "demo_request"])
    pd.testing.assert_frame_equal(features.frame, expected, check_dtype=False)
    matched = truth["Lead ID"].isin(leads["Lead ID"])
    assert features.other_types_ignored == int((matched & ~truth["type"].isin(["page_view", "demo_request"])).sum())
    # A log with a new type scores the same; a listed type the log lacks is a column of zeros.
    extra = pd.DataFrame({"Lead ID": leads["Lead ID"][:10], "Activity Type": "Chat Started",
                          "Activity Date": "2024-02-01T00:00:00Z"})
    grown = quiet(read_activities, pd.concat([log, extra], ignore_index=True))
    again = aggregate_activities(grown, leads["Lead ID"], leads["closed_at"], types=listed)
    pd.testing.assert_frame_equal(features.frame, again.frame)
    zero = aggregate_activities(activities, leads["Lead ID"], leads["closed_at"], types=["page_view", "trial_signup"])
    assert (zero.frame["activity.trial_signup.count"] == 0).all()


def test_as_of_forms():
    log = read_activities(pd.DataFrame({"id": ["A", "A", "B"], "event": ["x", "x", "x"],
                                        "date": ["2024-01-01", "2024-01-20", "2024-01-10"]}))
    one = aggregate_activities(log, ["A", "B"], "2024-01-15").frame
    assert one["activity.total.count"].tolist() == [1, 1]
    stamp = aggregate_activities(log, ["A", "B"], pd.Timestamp("2024-01-15T00:00:00+01:00")).frame
    assert stamp["activity.days_since_last"].tolist() == [13.0, 4.0]  # 2024-01-14 23:00 UTC
    per_lead = aggregate_activities(log, np.array(["A", "B"]), np.array(["2024-01-25", None], dtype=object))
    assert per_lead.as_of_fallback == 1
    assert per_lead.frame["activity.total.count"].tolist() == [2, 1]
    assert str(per_lead.cut_off) == "2024-01-20 00:00:00+00:00"
    everyone = aggregate_activities(log, ["A", "B"], None)
    assert everyone.as_of_fallback == 2
    with pytest.raises(DataError, match="not dates"):
        aggregate_activities(log, ["A", "B"], pd.Series(["2024-01-25", "soon"]))
    with pytest.raises(DataError, match="one as-of date per lead"):
        aggregate_activities(log, ["A", "B"], pd.Series(["2024-01-25"]))
    with pytest.raises(DataError, match="not a date"):
        aggregate_activities(log, ["A", "B"], "someday")


def test_duplicate_lead_ids_are_refused():
    log = read_activities(pd.DataFrame({"lead_id": ["A"], "type": ["x"], "timestamp": ["2024-01-01"]}))
    with pytest.raises(DataError, match=r"'Prospect ID' has 1 duplicated ids \(e.g. 'A' appears 2 times\)"):
        aggregate_activities(log, pd.Series(["A", "B", " A"], name="Prospect ID"), "2024-02-01")


def test_ids_are_stripped_text_and_whole_numbers_match():
    with pytest.warns(DataQualityWarning, match="missing lead id: 1"):
        log = read_activities(pd.DataFrame({"Lead Number": [660737.0, 660738.0, np.nan], "type": ["x", "x", "x"],
                                            "timestamp": ["2024-01-01"] * 3}), lead_id="Lead Number")
    assert log.lead_id.tolist() == ["660737", "660738"]
    assert log.dropped["missing lead id"] == 1
    features = aggregate_activities(log, pd.Series([660737, 1]), "2024-02-01")
    assert features.frame["activity.total.count"].tolist() == [1, 0]
    assert features.unmatched_rows == 1
    # Missing ids in the lead table get no activity (several of them are not duplicates).
    features = aggregate_activities(log, pd.Series(["660738", None, ""]), "2024-02-01")
    assert features.frame["activity.total.count"].tolist() == [1, 0, 0]


def test_bad_arguments():
    log = read_activities(pd.DataFrame({"lead_id": ["A"], "type": ["total"], "timestamp": ["2024-01-01"]}))
    with pytest.raises(DataError, match="clash"):
        aggregate_activities(log, ["A"], "2024-02-01")
    with pytest.raises(DataError, match="nth=0"):
        aggregate_activities(log, ["A"], "2024-02-01", types=["x"], nth=0)
    with pytest.raises(DataError, match="types= is empty"):
        aggregate_activities(log, ["A"], "2024-02-01", types=[])


# --------------------------------------------------------------------------- #
# Column detection
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["Lead ID", "Activity Type", "Activity Date"], ("Lead ID", "Activity Type", "Activity Date")),
        (["lead_id", "type", "timestamp"], ("lead_id", "type", "timestamp")),
        (["id", "prospect_id", "event", "occurred_at", "notes"], ("prospect_id", "event", "occurred_at")),
        (["ContactId", "ACTION", "created_at"], ("ContactId", "ACTION", "created_at")),
        (["Lead Number", "Activity Name", "Event Time", "Owner"], ("Lead Number", "Activity Name", "Event Time")),
        (["person-id", "event_type", "datetime"], ("person-id", "event_type", "datetime")),
        (["LEAD", "activity", "date"], ("LEAD", "activity", "date")),
    ],
)
def test_detect_columns_naming_styles(columns, expected):
    found = detect_activity_columns(pd.DataFrame(columns=columns))
    assert (found["lead_id"], found["activity"], found["timestamp"]) == expected


def test_detect_columns_ambiguous_or_missing_names_the_flag():
    with pytest.raises(DataError, match=r"several columns.*'created_at' and 'occurred_at'.*--activity-time-column.*timestamp="):
        detect_activity_columns(pd.DataFrame(columns=["lead_id", "activity_type", "created_at", "occurred_at"]))
    with pytest.raises(DataError, match=r"several columns.*--activity-id-column.*lead_id="):
        detect_activity_columns(pd.DataFrame(columns=["lead_id", "contact_id", "type", "timestamp"]))
    with pytest.raises(DataError, match=r"no column looks like the activity type.*--activity-type-column.*activity="):
        detect_activity_columns(pd.DataFrame(columns=["lead_id", "timestamp", "value"]))
    with pytest.raises(DataError, match=r"no column looks like the activity time.*--activity-time-column"):
        detect_activity_columns(pd.DataFrame(columns=["lead_id", "type"]))
    # Explicit names settle it.
    found = detect_activity_columns(pd.DataFrame(columns=["lead_id", "activity_type", "created_at", "occurred_at"]),
                                    timestamp="occurred_at")
    assert found["timestamp"] == "occurred_at"


def test_detect_columns_unknown_explicit_name():
    with pytest.raises(DataError, match=r"no column 'lead id'.*--activity-id-column.*did you mean 'Lead ID'"):
        detect_activity_columns(pd.DataFrame(columns=["Lead ID", "type", "time"]), lead_id="lead id")


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #
def assert_same_log(a: ActivityLog, b: ActivityLog) -> None:
    assert a.types == b.types
    assert a.rows_read == b.rows_read
    assert a.dropped == b.dropped
    assert a.columns == b.columns
    assert a.lead_id.tolist() == b.lead_id.tolist()
    assert a.activity.tolist() == b.activity.tolist()
    np.testing.assert_array_equal(a.day, b.day)


def test_csv_and_parquet_give_the_same_log(tmp_path):
    _, log, _ = make_case(5, n_rows=800)
    log["Notes"] = "called, left a message; will retry"  # delimiters inside quoted fields
    from_frame = quiet(read_activities, log)
    paths = {
        "utf8.csv": lambda p: log.to_csv(p, index=False),  # pyarrow fast path
        "semicolon_cp1252.csv": lambda p: log.assign(Notes="Zürich; Café").to_csv(p, index=False, sep=";",
                                                                                  encoding="cp1252"),
        "gzip.csv.gz": lambda p: log.to_csv(p, index=False, compression="gzip"),
        "tab.tsv": lambda p: log.to_csv(p, index=False, sep="\t"),
        "text.parquet": lambda p: log.to_parquet(p, index=False),
    }
    for name, write in paths.items():
        path = tmp_path / name
        write(path)
        with pytest.warns(DataQualityWarning, match=r"unparseable timestamp: 20 \(e.g. 'last tuesday'\)"):
            read = read_activities(path)
        assert_same_log(read, from_frame)


def test_parquet_with_typed_timestamps(tmp_path):
    frame = pd.DataFrame({
        "lead_id": ["A", "B", "A"],
        "type": ["Email Open", "Email Click", "Email Open"],
        "ts": pd.to_datetime(["2024-01-01 10:00", "2024-01-02 00:00", "2024-01-03 12:00"]).tz_localize("Europe/Paris"),
        "unused": [1, 2, 3],
    })
    path = tmp_path / "typed.parquet"
    frame.to_parquet(path)
    log = read_activities(path, timestamp="ts")
    expected = (frame["ts"].dt.tz_convert("UTC") - pd.Timestamp("1970-01-01", tz="UTC")) / DAY
    np.testing.assert_allclose(log.day, expected.to_numpy(), rtol=0, atol=1e-9)
    assert log.columns == {"lead_id": "lead_id", "activity": "type", "timestamp": "ts"}
    naive = frame.assign(ts=frame["ts"].dt.tz_localize(None))  # naive: taken as UTC
    naive.to_parquet(path)
    expected = (naive["ts"] - pd.Timestamp("1970-01-01")) / DAY
    np.testing.assert_allclose(read_activities(path, timestamp="ts").day, expected.to_numpy(), rtol=0, atol=1e-9)


def test_time_zones_and_formats():
    log = read_activities(pd.DataFrame({
        "lead_id": ["A"] * 5,
        "type": ["x"] * 5,
        "timestamp": ["2024-03-01T12:00:00+02:00", "2024-03-01T10:00:00Z", "2024-03-01 10:00",
                      "2024-03-01T05:00:00-05:00", "2024-03-01T10:00:00.000000"],
    }))
    assert np.allclose(log.day, log.day[0], rtol=0, atol=1e-9)
    us = read_activities(pd.DataFrame({"lead_id": ["A", "B"], "type": ["x", "x"],
                                       "timestamp": ["03/05/2024 14:00", "12/31/2024 00:00"]}))
    assert [str(t.date()) for t in pd.to_datetime(us.day, unit="D", utc=True)] == ["2024-03-05", "2024-12-31"]
    epoch = read_activities(pd.DataFrame({"lead_id": ["A"], "type": ["x"], "timestamp": [1_709_294_400]}))
    assert epoch.day[0] == pytest.approx(19783.5)  # 2024-03-01 12:00 UTC
    millis = read_activities(pd.DataFrame({"lead_id": ["A"], "type": ["x"], "timestamp": [1_709_294_400_000]}))
    assert millis.day[0] == pytest.approx(19783.5)


def test_type_normalisation_and_drops():
    frame = pd.DataFrame({
        "lead_id": ["A", "A", "", "B", "B", "C"],
        "activity": ["Pricing Page", "pricing-page", "Webinar", "N/A", "Webinar", "Webinar"],
        "time": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "", "not a date"],
    })
    with pytest.warns(DataQualityWarning, match=r"dropped 4 of 6 .*missing lead id: 1.*missing activity type: 1.*"
                                                r"missing timestamp: 1.*unparseable timestamp: 1 \(e.g. 'not a date'\)"):
        log = read_activities(frame)
    assert log.types == ("pricing_page",)
    assert log.rows_read == 6 and len(log) == 2
    assert log.dropped == {"missing lead id": 1, "missing activity type": 1, "missing timestamp": 1,
                           "unparseable timestamp": 1}


def test_mostly_unparseable_timestamps_mean_the_wrong_column():
    frame = pd.DataFrame({"lead_id": ["A", "B", "C"], "type": ["x"] * 3, "when": ["2024-01-01", "soon", "later"]})
    with pytest.raises(DataError, match=r"2 of 3 values of timestamp column 'when' are not dates \(e.g. 'soon'\).*"
                                        r"--activity-time-column"):
        read_activities(frame)


def test_empty_logs_are_refused(tmp_path):
    with pytest.raises(DataError, match="no rows"):
        read_activities(pd.DataFrame({"lead_id": [], "type": [], "timestamp": []}))
    with pytest.raises(DataError, match="no usable rows"):
        quiet(read_activities, pd.DataFrame({"lead_id": ["", ""], "type": ["x", "y"], "timestamp": ["2024-01-01"] * 2}))
    path = tmp_path / "header.csv"
    path.write_text("lead_id,type,timestamp\n", encoding="utf-8")
    with pytest.raises(DataError, match="no rows"):
        read_activities(path)
    with pytest.raises(DataError, match="file not found"):
        read_activities(tmp_path / "missing.csv")


def test_hand_built_log_without_codes_aggregates_the_same():
    leads, log, _ = make_case(6, n_rows=600)
    read = quiet(read_activities, log)
    plain = ActivityLog(lead_id=read.lead_id, activity=read.activity, types=read.types, day=read.day,
                        columns=read.columns, rows_read=read.rows_read, dropped=read.dropped)
    a = aggregate_activities(read, leads["Lead ID"], leads["closed_at"])
    b = aggregate_activities(plain, leads["Lead ID"], leads["closed_at"])
    pd.testing.assert_frame_equal(a.frame, b.frame)
    with pytest.raises(DataError, match="differ in length"):
        ActivityLog(lead_id=read.lead_id[:-1], activity=read.activity, types=read.types, day=read.day,
                    columns=read.columns, rows_read=1, dropped={})
