"""Scored leads written a batch at a time: CSV for people (formulas neutralised), Parquet for systems.

``calibrate score`` scores a large Parquet file in batches; :class:`ScoredFileWriter`
appends each scored batch, so that the file is the one the whole frame would
give (the CSV byte for byte, the Parquet with the same columns, types and
values) while memory holds one batch. The file appears at its path only when
complete: it is written beside it under a ``.partial`` name and renamed at the
end, and removed if writing fails.

Examples
--------
>>> import pandas as pd, pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "scored.csv"
>>> with ScoredFileWriter(path) as writer:
...     writer.write(pd.DataFrame({"lead": ["=1+2", "b"], "score": [10, -5]}))
...     writer.write(pd.DataFrame({"lead": ["c"], "score": [120]}))
>>> path.read_bytes()
b"lead,score\\r\\n'=1+2,10\\r\\nb,-5\\r\\nc,120\\r\\n"
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import pandas as pd

from calibrate.errors import DataError
from calibrate.safe_csv import append_csv

__all__ = ["ScoredFileWriter"]

_PARQUET_SUFFIXES = (".parquet", ".pq")


class ScoredFileWriter:
    """Append scored batches to ``path``: ``.parquet``/``.pq`` as Parquet, anything else as CSV.

    The CSV is written by :func:`calibrate.safe_csv.append_csv`, as
    :func:`calibrate.safe_csv.write_csv` writes a frame (UTF-8, CRLF, formulas
    neutralised; one header). The Parquet file takes
    the first batch's schema, text columns as dictionary-encoded strings
    (32-bit indices, as a batch's categories vary); later batches are cast
    to it.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write; its folder is created.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.parquet = self.path.suffix.lower() in _PARQUET_SUFFIXES
        self.rows = 0
        self._partial = self.path.with_name(self.path.name + ".partial")
        self._handle: IO[str] | None = None
        self._writer: Any = None
        self._schema: Any = None

    def __enter__(self) -> ScoredFileWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self

    def write(self, frame: pd.DataFrame) -> None:
        """Append the rows of ``frame`` (the same columns, in the same order, as the first batch's)."""
        if self.parquet:
            self._write_parquet(frame)
        else:
            if self._handle is None:
                self._handle = open(self._partial, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed in close)
            append_csv(frame, self._handle, header=self.rows == 0)
        self.rows += len(frame)

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._writer is None:
            fields = [pa.field(f.name, pa.dictionary(pa.int32(), f.type.value_type), f.nullable, f.metadata)
                      if pa.types.is_dictionary(f.type) else f for f in table.schema]
            self._schema = pa.schema(fields, metadata=table.schema.metadata)
            self._writer = pq.ParquetWriter(self._partial, self._schema)
        elif table.schema.names != self._schema.names:
            raise DataError(f"a batch of scored leads has columns {table.schema.names}, not the first batch's "
                            f"{self._schema.names}; score the file in one batch")
        try:
            table = table.cast(self._schema.remove_metadata()).replace_schema_metadata(self._schema.metadata)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            changed = [f"{name!r} ({table.schema.field(name).type}, first {self._schema.field(name).type})"
                       for name in self._schema.names if not _casts(table.column(name), self._schema.field(name).type)]
            raise DataError(f"column(s) {', '.join(changed)} of rows {self.rows:,} and later cannot be stored with "
                            f"the type of the first rows ({exc}); score to .csv, or give the column one type in the "
                            "data") from None
        self._writer.write_table(table)

    def close(self) -> Path:
        """Finish the file and put it at its path."""
        if self._handle is not None:
            self._handle.close()
        if self._writer is not None:
            self._writer.close()
        if self.rows == 0 and not self._partial.exists():
            raise DataError(f"no leads to write to '{self.path}'")
        os.replace(self._partial, self.path)
        return self.path

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            self.close()
            return
        for closable in (self._handle, self._writer):  # a partial file is never left where the output belongs
            if closable is not None:
                try:
                    closable.close()
                except Exception:  # noqa: BLE001, S110  (the error in flight is the one to report)
                    pass
        self._partial.unlink(missing_ok=True)


def _casts(column: Any, to: Any) -> bool:
    """Whether an Arrow column casts to the type ``to``."""
    import pyarrow as pa

    try:
        column.cast(to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True
