"""Fuzz calibrate's readers of untrusted input with hypothesis: the lead reader and the config loader.

Usage::

    python scripts/fuzz.py --minutes 3                  # both targets, the time split evenly
    python scripts/fuzz.py --minutes 1 --target csv     # only calibrate.io.read_leads
    python scripts/fuzz.py --target config --seed 7     # only ScoringConfig.loads, another seed
    python scripts/fuzz.py --save-crashes crashes/      # also write each crash's minimal input there

Targets
-------
``csv``
    :func:`calibrate.io.read_leads` on generated files written to a temporary folder: tables with
    random delimiters (``,`` ``;`` tab ``|`` and odd ones), quoting styles, line ends, ragged rows,
    blank lines, trailing delimiters, duplicated or empty headers, in UTF-8 (with or without BOM),
    UTF-16/32, cp1252, Latin-1, Shift-JIS, ..., with NUL bytes, huge fields (up to 300,000
    characters), binary junk spliced in, truncation, gzip (sound or corrupt), raw random bytes,
    and junk behind ``.parquet``/``.xlsx`` names; sometimes with ``sep=``/``encoding=`` options.
``config``
    :meth:`calibrate.config.ScoringConfig.loads` on generated YAML/JSON text: mutations of real
    configs (keys deleted, values of the wrong type, NaN and huge numbers, odd schema versions,
    list items duplicated or swapped), text mutations, YAML tags (Python object tags included),
    anchors/aliases "billion laughs" bombs kept small, deep nesting, random text and bytes.

Outcomes
--------
Clean: success, or a :class:`calibrate.errors.CalibrateError` (``DataError``/``ConfigError``) whose
message is one line. After a success the result must also keep the documented promises
(invariants): ``read_leads`` gives a non-empty frame with a fresh ``RangeIndex``, unique column
names and, for text files, text in every cell; a loaded config serialises to YAML and JSON, loads
back from its YAML to the same YAML, and scores a small frame (a one-line ``CalibrateError`` from
scoring is clean too).

Crash: any other exception, a ``CalibrateError`` message over several lines, a broken invariant,
or an example running longer than ``--timeout`` seconds (10; an example stuck in C code for three
times that ends the run). Each distinct crash (exception type and the innermost calibrate line)
is shrunk by hypothesis and printed with its smallest input; the run then exits with status 1.

The summary gives the examples run per target, the clean errors by message prefix (top 10) and
the crashes. Hypothesis's example database is off; ``--seed`` makes a run repeatable as far as
timing allows.
"""

from __future__ import annotations

import argparse
import codecs
import copy
import csv
import faulthandler
import gzip
import io
import json
import math
import os
import re
import signal
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning

from calibrate.errors import CalibrateError

PACKAGE = str(Path(__file__).resolve().parents[1] / "calibrate")


# =============================================================================================== #
# Bookkeeping
# =============================================================================================== #
class Hang(BaseException):
    """An example ran past the time limit (a BaseException, so no ``except Exception`` swallows it)."""


class OutOfTime(KeyboardInterrupt):
    """The target's time budget is spent: stops hypothesis at once (it re-raises KeyboardInterrupt)."""


class InvariantBroken(AssertionError):
    """A successful call broke a documented promise."""


@dataclass
class Crash:
    signature: str
    kind: str
    message: str
    where: str
    trace: str
    smallest: Any
    size: int
    count: int = 1


@dataclass
class Tally:
    name: str
    examples: int = 0
    successes: int = 0
    clean_errors: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    crashes: dict[str, Crash] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)  # shrunk in an earlier batch: counted, not raised again
    seconds: float = 0.0


def _innermost(exc: BaseException) -> str:
    """``file:line`` of the innermost frame in calibrate (else the innermost frame) of a traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(PACKAGE)]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    path = frame.filename
    if path.startswith(PACKAGE):
        path = os.path.relpath(path, Path(PACKAGE).parent)
    return f"{path}:{frame.lineno}"


def _prefix(message: str, path: str | None) -> str:
    """A clean error's message reduced to its kind: file name and numbers blanked, cut at its first clause."""
    text = message.replace(path, "<file>") if path else message
    text = re.sub(r"\d+", "N", text)
    cut = min([i for i in (text.find(": "), text.find("; "), text.find(" (")) if i >= 12] or [len(text)])
    return text[: min(cut, 90)]


class Runner:
    """Calls one target on one input with a time limit and sorts the outcome."""

    def __init__(self, tally: Tally, deadline: float, timeout: float, size: Callable[[Any], int]) -> None:
        self.tally, self.deadline, self.timeout, self.size = tally, deadline, timeout, size
        self.current: Any = None
        self.started: float | None = None

    def __call__(self, call: Callable[[], Any], case: Any) -> None:
        if time.monotonic() > self.deadline:
            raise OutOfTime
        tally = self.tally
        tally.examples += 1
        self.current, self.started = case, time.monotonic()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                signal.setitimer(signal.ITIMER_REAL, self.timeout)
                try:
                    call()
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            for warning in caught:
                tally.warnings[warning.category.__name__] += 1
            tally.successes += 1
        except CalibrateError as exc:
            message = str(exc)
            if "\n" not in message and "\r" not in message:
                tally.clean_errors[_prefix(message, getattr(case, "path", None))] += 1
                return
            self._crash("multi-line message", exc, case)
        except Hang as exc:
            self._crash("hang", exc, case, where=f"over {self.timeout:g} s")
        except InvariantBroken as exc:  # one crash per kind of broken promise
            self._crash("invariant", exc, case, where=" + ".join(re.findall(r"(?:^|; )\[([^\]]+)\]", str(exc))))
        except (OutOfTime, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - sorting every exception is the point
            self._crash("exception", exc, case)
        finally:
            self.started = None

    def _crash(self, kind: str, exc: BaseException, case: Any, where: str | None = None) -> None:
        where = where or _innermost(exc)
        name = type(exc).__name__
        signature = f"{kind}: {name} at {where}"
        size = self.size(case)
        known = self.tally.crashes.get(signature)
        if known is None:
            trace = "".join(traceback.format_exception(exc)[-6:])
            self.tally.crashes[signature] = Crash(signature, kind, " ".join(str(exc).split())[:500] or name, where,
                                                  trace, case, size)
        else:
            known.count += 1
            if size < known.size:
                known.smallest, known.size = case, size
                known.message = " ".join(str(exc).split())[:500] or name
        if signature in self.tally.known:
            return  # already shrunk: keep looking for new crashes
        raise exc


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang()


def _watchdog(runners: list[Runner], timeout: float, report: Callable[[], None]) -> None:
    """Ends the run when an example is stuck where the alarm cannot reach (C code holding the GIL less)."""
    while True:
        time.sleep(1.0)
        for runner in runners:
            started = runner.started
            if started is not None and time.monotonic() - started > 3 * timeout:
                print(f"\nCRASH (hang in native code, over {3 * timeout:g} s) on {runner.tally.name}: input\n"
                      f"{runner.current!r}", flush=True)
                faulthandler.dump_traceback(all_threads=True)
                report()
                os._exit(1)


# =============================================================================================== #
# Target 1: read_leads on generated files
# =============================================================================================== #
@dataclass
class LeadFile:
    suffix: str
    data: bytes
    sep: str | None = None
    encoding: str | None = None
    path: str | None = None  # set while the file exists

    def __repr__(self) -> str:
        shown = self.data if len(self.data) <= 1500 else self.data[:700] + b"<...>" + self.data[-300:]
        return (f"LeadFile(suffix={self.suffix!r}, sep={self.sep!r}, encoding={self.encoding!r}, "
                f"{len(self.data)} bytes: {shown!r})")


CELLS = ("Google", "google ", " N/A ", "", "Select", "Closed Won", "Closed Lost", "Open", "1", "0", "3.5", "-4",
         "1e5", "=SUM(A1)", "Zürich", "São Paulo", "naïve café", "日本語", "Ελληνικά", "emoji 😀", "a,b", "a;b",
         'say "hi"', '"', '""', "line\nbreak", "cr\rhere", "tab\there", "|pipe|", "\x00", "nul\x00inside",
         "\ufeff", "\u2028", "\\", "'", "#", "  spaced  ", "TRUE", "null", "NaN", "-", "2024-01-31")
HEADERS = ("Lead Source", "stage", "Converted", "email", "", " ", "Unnamed: 1", "lead_id", "Country", "\ufeffid",
           "a,b", 'q"uote', "dup", "dup", "名前", "x\ny")
DELIMITERS = (",", ",", ",", ";", ";", "\t", "\t", "|", " ", ":", "\x00", "§", "\x1f")
ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252",
             "latin-1", "shift_jis", "cp437", "koi8-r", "mac_roman")
BOMS = (b"", b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, b"\xef\xbb")
SUFFIXES = (".csv",) * 16 + (".tsv", ".txt", ".CSV", ".csv.gz", ".txt.gz", ".parquet", ".xlsx", ".xls", ".gz",
                            ".json")
JUNK_BYTES = (b"\x00", b"\x00" * 64, b"\xff\xfe", b"\xef\xbb\xbf", b"\x1f\x8b", b"PK\x03\x04", b"PAR1", b"\x80",
              b"\xc3", b"\xed\xa0\x80", b"\r", b"\n", b'"', b"\x1a", bytes(range(256)))


def _cell() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(CELLS), st.text(max_size=12),
                     st.text(alphabet=st.sampled_from(',;\t|"\r\n \x00\\\''), max_size=6))


@st.composite
def huge_field(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from([1_000, 70_000, 140_000, 300_000]))
    char = draw(st.sampled_from(["x", "é", '"', ",", "\n", "😀"]))
    return draw(st.sampled_from(['"{}"', "{}", '"{}'])).format(char * length)


@st.composite
def table_text(draw: st.DrawFn) -> str:
    width = draw(st.integers(1, 6))
    header = [draw(st.one_of(st.sampled_from(HEADERS), st.text(max_size=8))) for _ in range(width)]
    rows = [[draw(_cell()) for _ in range(width)] for _ in range(draw(st.integers(0, 12)))]
    if rows and draw(st.integers(0, 9)) == 0:
        rows[draw(st.integers(0, len(rows) - 1))][0] = draw(huge_field())
    for row in rows:  # ragged rows
        change = draw(st.sampled_from([0, 0, 0, 0, -1, 1, 2]))
        if change < 0:
            del row[change:]
        else:
            row.extend(draw(_cell()) for _ in range(change))
    delimiter = draw(st.sampled_from(DELIMITERS))
    terminator = draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"]))
    style = draw(st.sampled_from(["minimal", "all", "none", "raw", "nonnumeric"]))
    trailing = draw(st.booleans()) and draw(st.booleans())
    buffer = io.StringIO()
    lines = [header, *rows]
    if style == "raw":  # no quoting at all: delimiters and line breaks inside cells break the layout
        buffer.write(terminator.join(delimiter.join(line) + (delimiter if trailing else "") for line in lines))
    else:
        quoting = {"minimal": csv.QUOTE_MINIMAL, "all": csv.QUOTE_ALL, "none": csv.QUOTE_NONE,
                   "nonnumeric": csv.QUOTE_NONNUMERIC}[style]
        try:
            writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=terminator,
                                escapechar="\\")
            for line in lines:
                writer.writerow([*line, ""] if trailing else line)
        except (csv.Error, ValueError, TypeError):
            buffer = io.StringIO(terminator.join(",".join(line) for line in lines))
    text = buffer.getvalue()
    if draw(st.booleans()) and draw(st.booleans()):
        text = terminator * draw(st.integers(1, 3)) + text  # blank lines first
    return text


@st.composite
def mutate_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            data = draw(st.binary(max_size=64))
            continue
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "insert", "delete", "truncate", "duplicate", "flip"]))
        if action == "insert":
            junk = draw(st.one_of(st.sampled_from(JUNK_BYTES), st.binary(min_size=1, max_size=16)))
            data = data[:at] + junk + data[at:]
        elif action == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 32)):]
        elif action == "truncate":
            data = data[:at]
        elif action == "duplicate":
            data = data[:at] + data[at: at + 200] * draw(st.integers(2, 5)) + data[at:]
        elif at < len(data):
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
    return data


@st.composite
def lead_files(draw: st.DrawFn) -> LeadFile:
    suffix = draw(st.sampled_from(SUFFIXES))
    mode = draw(st.sampled_from(["table", "table", "table", "mutated", "mutated", "raw"]))
    if mode == "raw":
        data = draw(st.binary(max_size=3000))
    else:
        encoding = draw(st.sampled_from(ENCODINGS))
        data = draw(st.sampled_from(BOMS)) + draw(table_text()).encode(encoding, errors="replace")
        if mode == "mutated":
            data = draw(mutate_bytes(data))
    if suffix.endswith(".gz") or (draw(st.integers(0, 19)) == 0):
        data = gzip.compress(data, mtime=0)
        if draw(st.integers(0, 4)) == 0:
            data = draw(mutate_bytes(data))
    sep = draw(st.sampled_from([None] * 40 + [",", ";", "\\t", "tab", "|", "", "ab", '"', "\n", "é"]))
    encoding = draw(st.sampled_from([None] * 40 + ["utf-8", "cp1252", "latin-1", "utf-16", "ascii", "utf-8-sig",
                                                    "no-such-codec", "rot13", "base64"]))
    return LeadFile(suffix, data, sep, encoding)


def check_read_leads(case: LeadFile) -> None:
    from calibrate.io import read_leads

    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        path = Path(folder) / f"leads{case.suffix}"
        path.write_bytes(case.data)
        case.path = str(path)  # blanked out of clean error messages when they are tallied
        frame = read_leads(path, sep=case.sep, encoding=case.encoding)
        text = case.suffix.lower().removesuffix(".gz") in (".csv", ".tsv", ".txt")
        problems = []
        if not isinstance(frame, pd.DataFrame):
            problems.append(f"[not a frame] returned {type(frame).__name__}")
        else:
            if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0:
                problems.append(f"[index] {type(frame.index).__name__}, not a fresh RangeIndex")
            if len(frame) == 0:
                problems.append("[no rows] read_leads promises a DataError instead")
            names = [str(c) for c in frame.columns]
            if len(set(names)) != len(names):
                problems.append(f"[duplicated names] {names[:8]}")
            if text:
                if any(not isinstance(c, str) or c != c.strip() for c in frame.columns):
                    problems.append(f"[names not stripped text] {list(frame.columns)[:8]!r}")
                bad = [(c, type(v).__name__) for c in frame.columns for v in frame[c].head(10_000).tolist()
                       if not isinstance(v, str)][:3]
                if bad:
                    problems.append(f"[cells not text] (column, type): {bad}")
        if problems:
            raise InvariantBroken("; ".join(problems))


# =============================================================================================== #
# Target 2: ScoringConfig.loads on generated YAML / JSON
# =============================================================================================== #
@dataclass
class ConfigText:
    text: str
    how: str

    def __repr__(self) -> str:
        shown = self.text if len(self.text) <= 2500 else self.text[:1500] + "<...>" + self.text[-500:]
        return f"ConfigText(how={self.how!r}, {len(self.text)} chars: {shown!r})"


def real_configs() -> list[dict[str, Any]]:
    """Documents of real configs: a plain fit, and one with a holdout, derived signals and grades."""
    from calibrate import Calibrator, make_leads

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = Calibrator(holdout=None, signals=False, min_support=20).fit(
            make_leads(800, seed=1), target="stage", positive=["Closed Won"], exclude=["Open"]).config_
        rich = Calibrator(total_cap=150, band_style="letters").fit(
            make_leads(2000, seed=2), target="stage", positive=["Closed Won"], exclude=["Open"]).config_
    return [plain.to_dict(), rich.to_dict()]


ODD_VALUES = (None, True, False, 0, -1, 3, 2**70, -(2**70), 1e308, float("inf"), float("-inf"), float("nan"), "",
              "3", "x" * 300, [], {}, [None], {"": None}, [[[]]], "!!python/object:os.system", "null", "~")
TAGS = ("!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!!python/object:object {}",
        "!!binary aGVsbG8=", "!!timestamp 2024-01-31", "!!set {a, b}", "!!omap [a: 1]", "!custom x", "!!float nan",
        "!!float .inf", "!!int 0x1F", "!!int 0b101", "!!int 1_000", "!<tag:yaml.org,2002:str> 3", "!!str",
        "!!null ''", "!!bool yes", "!!merge <<", "!!map {}", "!!seq []", "&anchor value", "*undefined",
        "!!pairs [a: 1]", "2001-12-14t21:59:43.10-05:00", "0o17", "1_000", ".NaN", "-.inf", "yes", "off", "~")
TEXT_PIECES = (":", "-", "- ", "[", "]", "{", "}", "&a ", "*a", "!!", "\t", "\x00", "\ufeff", '"', "'", "\n", "#", "? ",
               "|", ">", "%YAML 1.1\n", "---\n", "...\n", "<<: *a\n")
SCHEMA_VERSIONS = (1, 2, 3, 4, 0, -1, 3.0, 2.0, "3", True, None, [3], {"v": 3}, 2**64, float("nan"))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


@st.composite
def mutated_document(draw: st.DrawFn, documents: list[dict[str, Any]]) -> tuple[Any, list[str]]:
    """A real config's document with 1-4 mutations, and what they were (``path: change``)."""
    document = copy.deepcopy(draw(st.sampled_from(documents)))
    done: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(document) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _get(document, path[:-1]), path[-1]
        where = "/".join(map(str, path))
        action = draw(st.sampled_from(["delete", "replace", "replace", "duplicate", "swap", "version", "wrap"]))
        if action == "version":
            document["schema_version"] = draw(st.sampled_from(SCHEMA_VERSIONS))
            done.append(f"schema_version = {document['schema_version']!r}")
        elif action == "delete":
            del parent[key]
            done.append(f"{where}: deleted")
        elif action == "replace":
            parent[key] = draw(st.one_of(st.sampled_from(ODD_VALUES), st.integers(), st.floats(), st.text(max_size=20)))
            done.append(f"{where} = {parent[key]!r:.60}")
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
            done.append(f"{where}: duplicated")
        elif action == "swap" and isinstance(parent, list) and len(parent) > 1:
            other = draw(st.integers(0, len(parent) - 1))
            parent[key], parent[other] = parent[other], parent[key]
            done.append(f"{where}: swapped with item {other}")
        elif action == "wrap":
            parent[key] = draw(st.sampled_from([[parent[key]], {"value": parent[key]}]))
            done.append(f"{where}: wrapped in a {type(parent[key]).__name__}")
    return document, done


def _dump(document: Any, style: str) -> str:
    if style == "json":
        return json.dumps(document, allow_nan=True)
    if style == "json-pretty":
        return json.dumps(document, allow_nan=True, indent=2)
    return yaml.safe_dump(document, sort_keys=style == "yaml-sorted", allow_unicode=True)


def _billion_laughs(width: int, depth: int) -> str:
    lines = ["a0: &a0 [lol]"]
    for level in range(1, depth + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@st.composite
def config_texts(draw: st.DrawFn, documents: list[dict[str, Any]], texts: list[str]) -> ConfigText:
    mode = draw(st.sampled_from(["document", "document", "document", "text", "text", "tag", "bomb", "nesting",
                                 "random", "bytes"]))
    if mode == "document":
        style = draw(st.sampled_from(["yaml", "yaml-sorted", "json", "json-pretty"]))
        document, done = draw(mutated_document(documents))
        return ConfigText(_dump(document, style), f"real config as {style}, mutated: {'; '.join(done)}")
    if mode == "text":
        text = draw(st.sampled_from(texts))
        for _ in range(draw(st.integers(1, 5))):
            at = draw(st.integers(0, len(text)))
            action = draw(st.sampled_from(["insert", "delete", "truncate", "duplicate line"]))
            if action == "insert":
                piece = draw(st.one_of(st.sampled_from(TEXT_PIECES), st.text(max_size=8)))
                text = text[:at] + piece + text[at:]
            elif action == "delete":
                text = text[:at] + text[at + draw(st.integers(1, 40)):]
            elif action == "truncate":
                text = text[:at]
            else:
                lines = text.splitlines(keepends=True)
                if lines:
                    i = draw(st.integers(0, len(lines) - 1))
                    lines.insert(i, lines[i])
                    text = "".join(lines)
        return ConfigText(text, "text mutation")
    if mode == "tag":
        text = draw(st.sampled_from([t for t in texts if not t.lstrip().startswith("{")]))
        lines = text.splitlines()
        candidates = [i for i, line in enumerate(lines) if re.match(r"^\s*[\w.]+: \S", line)]
        for _ in range(draw(st.integers(1, 3))):
            if not candidates:
                break
            i = draw(st.sampled_from(candidates))
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(TAGS))}"
        return ConfigText("\n".join(lines) + "\n", "YAML tags")
    if mode == "bomb":
        width, depth = draw(st.integers(2, 6)), draw(st.integers(1, 6))
        bomb = _billion_laughs(width, depth)
        where = draw(st.sampled_from(["alone", "attributes", "levels", "placeholders"]))
        if where == "alone":
            return ConfigText(bomb, f"billion laughs {width}^{depth}")
        text = draw(st.sampled_from([t for t in texts if not t.lstrip().startswith("{")]))
        reference = f"*a{depth}"
        if where == "attributes":
            text = re.sub(r"(?m)^attributes:\n(- .*\n(  .*\n)*)+", f"attributes: {reference}\n", text, count=1)
        elif where == "placeholders":
            text = re.sub(r"(?m)^  placeholders:\n(  - .*\n)+", f"  placeholders: {reference}\n", text, count=1)
        else:
            text = re.sub(r"(?m)^  levels:\n(  - .*\n)+", f"  levels: {reference}\n", text, count=1)
        return ConfigText(bomb + text, f"billion laughs {width}^{depth} in {where}")
    if mode == "nesting":
        depth = draw(st.sampled_from([10, 100, 500, 1_000, 5_000, 20_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}"), ('{"a": ', "}"), ("- ", ""), ("[{", "}]")]))
        closed = draw(st.booleans())
        body = opener * depth + ("1" + closer * depth if closed else "")  # "- - - 1" nests block sequences
        prefix = draw(st.sampled_from(["", "schema_version: 3\nattributes: ", '{"schema_version": 3, "attributes": ']))
        return ConfigText(prefix + body + ("}" if prefix.startswith("{") and closed else ""),
                          f"nesting {depth} x {opener!r}")
    if mode == "random":
        return ConfigText(draw(st.text(max_size=400)), "random text")
    raw = draw(st.binary(max_size=400))
    return ConfigText(raw.decode(draw(st.sampled_from(["utf-8", "latin-1", "utf-16-le"])), errors="replace"),
                      "random bytes decoded")


def check_config(case: ConfigText) -> None:
    from calibrate.config import ScoringConfig

    config = ScoringConfig.loads(case.text)
    problems = []
    try:
        text = config.to_yaml()
        again = ScoringConfig.loads(text)
        if again.to_yaml() != text:
            problems.append("[yaml round trip] loads(to_yaml()).to_yaml() differs from to_yaml()")
    except CalibrateError as exc:
        problems.append(f"[yaml does not load back] {' '.join(str(exc).split())[:300]}")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"[to yaml raises] {type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
    try:
        config.to_json()
    except Exception as exc:  # noqa: BLE001
        problems.append(f"[to json raises] {type(exc).__name__}: {' '.join(str(exc).split())[:200]}")
    try:
        columns = config.input_columns
        frame = pd.DataFrame({c: ["x", None, "1", "N/A"] for c in columns})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scored = config.score(frame)
        if len(scored) != len(frame):
            problems.append(f"[score rows] scoring 4 rows gave {len(scored)}")
    except CalibrateError as exc:
        if "\n" in str(exc):
            problems.append(f"[score multi-line error] {type(exc).__name__}")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"[score raises {type(exc).__name__} at {_innermost(exc)}] "
                        f"{' '.join(str(exc).split())[:200]}")
    if problems:
        raise InvariantBroken("; ".join(problems))


# =============================================================================================== #
# Driver
# =============================================================================================== #
def fuzz(tally: Tally, runner: Runner, strategy: st.SearchStrategy[Any], check: Callable[[Any], Any],
         seconds: float, seed: int) -> None:
    """Batches of hypothesis runs until the budget is spent; a new crash is shrunk, then only counted."""
    end = time.monotonic() + seconds
    runner.deadline = end
    batch = 0
    started = time.monotonic()
    while time.monotonic() < end:
        @settings(max_examples=150, deadline=None, database=None, derandomize=False, verbosity=Verbosity.quiet,
                  phases=(Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck),
                  report_multiple_bugs=True, print_blob=False)
        @hypothesis_seed(seed * 100_003 + batch)
        @given(case=strategy)
        def run(case: Any) -> None:
            runner(lambda: check(case), case)

        try:
            run()
        except KeyboardInterrupt as exc:
            if not isinstance(exc, OutOfTime):
                raise  # Ctrl-C ends the run; OutOfTime only this target's batches
        except BaseException:  # noqa: BLE001, S110 - hypothesis re-raises the crashes the runner recorded
            pass
        tally.known.update(tally.crashes)
        batch += 1
    tally.seconds = time.monotonic() - started


def report(tallies: list[Tally]) -> int:
    print("\n" + "=" * 100)
    print("calibrate fuzz summary")
    print("=" * 100)
    crashes = 0
    for tally in tallies:
        errors = sum(tally.clean_errors.values())
        print(f"\n[{tally.name}] {tally.examples:,} examples in {tally.seconds:.0f} s: {tally.successes:,} succeeded, "
              f"{errors:,} clean errors, {sum(c.count for c in tally.crashes.values()):,} crashing "
              f"({len(tally.crashes)} distinct)")
        if tally.clean_errors:
            print("  clean errors by message prefix (top 10):")
            for prefix, count in tally.clean_errors.most_common(10):
                print(f"    {count:7,}  {prefix}")
        if tally.warnings:
            print("  warnings: " + ", ".join(f"{name} {count:,}" for name, count in tally.warnings.most_common()))
        for i, crash in enumerate(sorted(tally.crashes.values(), key=lambda c: -c.count), 1):
            crashes += 1
            print(f"\n  CRASH {tally.name}-{i}: {crash.signature} ({crash.count:,} examples)")
            print(f"    message: {crash.message}")
            print(f"    smallest input ({crash.size:,} bytes/chars): {crash.smallest!r}")
            print("    traceback (last frames):")
            print("      " + crash.trace.rstrip().replace("\n", "\n      "))
    examples = sum(t.examples for t in tallies)
    crashing = sum(c.count for t in tallies for c in t.crashes.values())
    minutes = sum(t.seconds for t in tallies) / 60
    print(f"\ntotal: {examples:,} examples in {minutes:.1f} min, {crashing:,} crashing, {crashes} distinct crash "
          "signature(s)" + (": exit status 1" if crashes else ": all clean"))
    return 1 if crashes else 0


def save_crashes(tallies: list[Tally], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for tally in tallies:
        for i, crash in enumerate(sorted(tally.crashes.values(), key=lambda c: -c.count), 1):
            case = crash.smallest
            if isinstance(case, LeadFile):
                (folder / f"{tally.name}-{i}{case.suffix}").write_bytes(case.data)
                (folder / f"{tally.name}-{i}.options.json").write_text(json.dumps({"sep": case.sep,
                                                                                    "encoding": case.encoding}))
            else:
                (folder / f"{tally.name}-{i}.txt").write_text(case.text, encoding="utf-8", errors="surrogatepass")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=3.0, help="total time, split between the targets (3)")
    parser.add_argument("--target", choices=("all", "csv", "config"), default="all")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed of the first batch (0)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds one example may take (10)")
    parser.add_argument("--save-crashes", type=Path, default=None, help="write each crash's smallest input here")
    args = parser.parse_args(argv)

    warnings.filterwarnings("ignore", category=HypothesisWarning)  # "overly large repr" of big inputs
    signal.signal(signal.SIGALRM, _on_alarm)
    targets = ["csv", "config"] if args.target == "all" else [args.target]
    seconds = args.minutes * 60 / len(targets)
    tallies: list[Tally] = []
    runners: list[Runner] = []
    threading.Thread(target=_watchdog, args=(runners, args.timeout, lambda: report(tallies)), daemon=True).start()
    print(f"fuzzing {', '.join(targets)} for {args.minutes:g} min (seed {args.seed}, {args.timeout:g} s per example)",
          flush=True)
    for name in targets:
        tally = Tally(name)
        tallies.append(tally)
        if name == "csv":
            runner = Runner(tally, math.inf, args.timeout, lambda case: len(case.data))
            runners.append(runner)
            fuzz(tally, runner, lead_files(), check_read_leads, seconds, args.seed)
        else:
            from calibrate.config import ScoringConfig

            documents = real_configs()
            texts = [ScoringConfig(d).to_yaml() for d in documents] + [ScoringConfig(d).to_json() for d in documents]
            runner = Runner(tally, math.inf, args.timeout, lambda case: len(case.text))
            runners.append(runner)
            fuzz(tally, runner, config_texts(documents, texts), check_config, seconds, args.seed)
        print(f"  {name}: {tally.examples:,} examples, {len(tally.crashes)} distinct crash(es)", flush=True)
    if args.save_crashes:
        save_crashes(tallies, args.save_crashes)
    return report(tallies)


if __name__ == "__main__":
    sys.exit(main())
