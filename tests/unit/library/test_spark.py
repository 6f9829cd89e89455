"""The Spark tagger and the Apache Spark manifest piece."""

from __future__ import annotations

import pytest

from inspections import InspectionError
from inspections.library import spark

from .support import FakeHost, assert_quoted, recorded


def test_parse_spark_version() -> None:
    assert spark.parse_spark_version(recorded("spark-submit-version.txt")) == "4.3.0"


def test_parse_spark_version_past_the_loopback_warnings() -> None:
    output = recorded("spark-submit-version-loopback-warnings.txt")
    assert spark.parse_spark_version(output) == "4.3.0"


def test_the_scala_version_line_is_not_the_spark_version() -> None:
    with pytest.raises(InspectionError, match="expected the 'Welcome to' banner"):
        spark.parse_spark_version("Using Scala version 2.13.18, OpenJDK 64-Bit Server VM, 17\n")


def test_garbage_is_a_clear_error() -> None:
    with pytest.raises(InspectionError, match=r"`/usr/local/spark/bin/spark-submit --version"):
        spark.parse_spark_version("Error: Could not find or load main class")


def test_tag_and_manifest_share_one_quiet_command_shown_as_the_jupyter_one() -> None:
    output = recorded("spark-submit-version.txt")
    quiet = f"SPARK_LOCAL_IP=127.0.0.1 {spark.SPARK_SUBMIT_VERSION_COMMAND} 2>&1"
    host = FakeHost.printing({quiet: output})
    assert spark.spark_tag(host) == "spark-4.3.0"
    markdown = spark.spark_info_manifest(host)
    assert_quoted(markdown, "/usr/local/spark/bin/spark-submit --version", output)
    assert "SPARK_LOCAL_IP" not in markdown and "2>&1" not in markdown
    assert "WARN" not in output.replace("WARNING: Using incubator modules", "")
    assert set(host.commands) == {quiet}
