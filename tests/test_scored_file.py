"""Tests of calibrate.scored_file (scored batches appended to one file) and calibrate.io.iter_leads_coded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from calibrate.errors import DataError
from calibrate.io import iter_leads_coded, read_leads_coded
from calibrate.safe_csv import write_csv
from calibrate.scored_file import ScoredFileWriter


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "source": pd.Series(rng.choice(["Google", "=1+2", "Ads", None], n), dtype="str"),
        "industry": pd.Categorical(rng.choice([f"industry {k}" for k in range(rng.integers(2, 300))], n)),
        "employees": rng.integers(1, 5000, n),
        "revenue": np.where(rng.random(n) < 0.2, np.nan, rng.lognormal(10, 2, n)),
        "score": rng.integers(-50, 150, n),
    })


def test_csv_in_batches_is_write_csv_of_the_whole_frame(tmp_path):
    # Reference: calibrate.safe_csv.write_csv of the concatenated frame.
    frame = _frame(1000, 1)
    with ScoredFileWriter(tmp_path / "out.csv") as writer:
        for start in range(0, 1000, 300):
            writer.write(frame.iloc[start:start + 300])
    assert writer.rows == 1000
    assert (tmp_path / "out.csv").read_bytes() == write_csv(frame, tmp_path / "whole.csv").read_bytes()


def test_parquet_in_batches_holds_the_values_and_types_of_the_whole_frame(tmp_path):
    # Batches whose categoricals have 2 to 299 categories (int8 and int16 codes) go into one schema.
    batches = [_frame(400, seed) for seed in (2, 3, 4)]
    with ScoredFileWriter(tmp_path / "out.parquet") as writer:
        for batch in batches:
            writer.write(batch)
    back = pd.read_parquet(tmp_path / "out.parquet")
    whole = pd.concat(batches, ignore_index=True)
    assert len(back) == 1200 and list(back.columns) == list(whole.columns)
    for name in whole.columns:
        assert back[name].astype(object).where(back[name].notna(), None).tolist() == \
            whole[name].astype(object).where(whole[name].notna(), None).tolist(), name
    schema = pq.read_schema(tmp_path / "out.parquet")
    assert pa.types.is_dictionary(schema.field("industry").type)
    assert schema.field("employees").type == pa.int64() and schema.field("revenue").type == pa.float64()


def test_a_failed_write_leaves_no_file(tmp_path):
    target = tmp_path / "out.parquet"
    with pytest.raises(DataError, match=r"column\(s\) 'employees' .* rows 400 and later .*score to .csv"):
        with ScoredFileWriter(target) as writer:
            writer.write(_frame(400, 5))
            writer.write(_frame(400, 6).assign(employees="many"))
    assert not target.exists() and not list(tmp_path.iterdir())
    with pytest.raises(RuntimeError):
        with ScoredFileWriter(tmp_path / "out.csv") as writer:
            writer.write(_frame(10, 7))
            raise RuntimeError("scoring failed")
    assert not list(tmp_path.iterdir())


def test_batches_put_together_are_the_frame_read_leads_coded_reads(tmp_path):
    frame = _frame(2500, 8).set_index(pd.Index([f"lead-{k}" for k in range(2500)], name="Lead ID"))
    path = tmp_path / "leads.parquet"
    pq.write_table(pa.Table.from_pandas(frame), path, row_group_size=1000)
    batches = list(iter_leads_coded(path, batch_rows=700))
    sizes = [len(b) for b in batches]
    assert sum(sizes) == 2500 and max(sizes) <= 700 and len(batches) >= 4
    assert [b.index[0] for b in batches] == np.cumsum([0, *sizes[:-1]]).tolist()
    whole = read_leads_coded(path)
    together = pd.concat(batches)
    assert list(together.columns) == list(whole.columns) == ["Lead ID", *frame.columns]
    for name in whole.columns:
        assert together[name].astype(object).where(together[name].notna(), None).tolist() == \
            whole[name].astype(object).where(whole[name].notna(), None).tolist(), name
    assert isinstance(batches[0]["source"].dtype, pd.CategoricalDtype)
    assert [len(b) for b in iter_leads_coded(path, batch_rows=2500)] == [2500]  # no more rows than a batch: whole


def test_iter_leads_coded_reads_other_files_whole_and_refuses_bad_batches(tmp_path):
    path = tmp_path / "leads.csv"
    _frame(50, 9).to_csv(path, index=False)
    assert [len(b) for b in iter_leads_coded(path, batch_rows=10)] == [50]
    with pytest.raises(DataError, match="batch_rows must be a whole number of at least 1"):
        next(iter_leads_coded(path, batch_rows=0))
    empty = tmp_path / "empty.parquet"
    pd.DataFrame({"a": pd.Series([], dtype="int64")}).to_parquet(empty)
    with pytest.raises(DataError, match="has columns but no rows"):
        list(iter_leads_coded(empty, batch_rows=10))
