"""The Spark tagger and the "Apache Spark" manifest piece."""

from __future__ import annotations

import re

from inspections import manifest, tagger
from inspections.library.parsing import search_version
from inspections.library.pieces import combined_output, quoted_combined
from inspections.library.protocols import Host

# spark-submit prints its banner on stderr, which the piece folds in, as the Jupyter one does.
SPARK_SUBMIT_VERSION_COMMAND = "/usr/local/spark/bin/spark-submit --version"
# Inspection containers have no network and a hostname resolving to loopback: Spark would warn
# about that on every start, with the wall-clock time. Binding it to loopback silences that.
QUIET_SPARK_SUBMIT_VERSION_COMMAND = f"SPARK_LOCAL_IP=127.0.0.1 {SPARK_SUBMIT_VERSION_COMMAND}"

# The banner's last art line ends with the version: "   /___/ .__/\_,_/_/ /_/\_\   version 3.5.3".
_SPARK_VERSION = re.compile(r"^\s*/__.*\bversion (?P<version>\d+\.\d+\.\d+\S*)\s*$", re.MULTILINE)


def parse_spark_version(output: str) -> str:
    """The Spark version from the `spark-submit --version` banner, e.g. `3.5.3`."""
    return search_version(
        _SPARK_VERSION,
        output,
        SPARK_SUBMIT_VERSION_COMMAND,
        "the 'Welcome to' banner ending in a line like '/___/ .__/... version 3.5.3'",
    )


@tagger
def spark_tag(host: Host) -> str:
    """The Apache Spark version, e.g. `spark-3.5.3`."""
    return "spark-" + parse_spark_version(combined_output(host, QUIET_SPARK_SUBMIT_VERSION_COMMAND))


@manifest("Apache Spark")
def spark_info_manifest(host: Host) -> str:
    """Spark's version banner: Spark, Scala and Java versions and the build revision."""
    return quoted_combined(
        host, QUIET_SPARK_SUBMIT_VERSION_COMMAND, shown_as=SPARK_SUBMIT_VERSION_COMMAND
    )
