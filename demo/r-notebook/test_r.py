"""R runs a script in r-notebook."""

from typing import Any


def test_r_runs_a_script(host: Any) -> None:
    assert host.check_output("Rscript -e 'cat(sum(1:10))'") == "55"
