"""pyspark imports, and spark-submit is where Jupyter's images keep it."""

from typing import Any


def test_pyspark_imports(host: Any) -> None:
    assert host.check_output("python -c 'import pyspark; print(pyspark.__name__)'") == "pyspark"


def test_spark_submit_is_under_usr_local_spark(host: Any) -> None:
    assert host.file("/usr/local/spark/bin/spark-submit").exists
