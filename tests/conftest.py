"""Shared fixtures: a local Spark session, started once per test session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """A ``local[2]`` Spark session (needs Java: scripts/install_test_tools.sh installs it)."""
    if shutil.which("java") is None:
        pytest.skip("Java not installed: run scripts/install_test_tools.sh for the local Spark session")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("calibrate-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
               .config("spark.driver.memory", "2g").config("spark.sql.session.timeZone", "UTC").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
