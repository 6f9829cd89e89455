"""The scientific Python packages import and compute in scipy-notebook and below."""

from typing import Any


def test_pandas_computes_with_numpy(host: Any) -> None:
    script = "import numpy, pandas; print(pandas.Series(numpy.arange(5)).sum())"
    assert host.check_output(f'python -c "{script}"') == "10"


def test_matplotlib_renders_headless(host: Any) -> None:
    script = (
        "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; "
        "plt.plot([1, 2]); plt.savefig('/tmp/plot.png'); print('ok')"
    )
    assert host.check_output(f'python -c "{script}"') == "ok"
    assert host.file("/tmp/plot.png").size > 0
