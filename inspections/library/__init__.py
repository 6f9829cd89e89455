"""Reusable inspections: an image's `inspect_*.py` imports the ones it declares.

One module per tool; each keeps pure `parse_*` functions apart from the thin inspections
that run a command and hand its output to them:

- `build`: taggers from build facts (git sha, build date).
- `system`: the OS tag from `/etc/os-release`.
- `python`: Python version taggers, the pip "Python Packages" manifest piece and its inventory.
- `distributions`: versions of every installed Python distribution, from one command.
- `conda`: mamba and conda taggers, the conda "Python Packages" manifest piece and its
  inventory.
- `jupyter`: Jupyter Notebook, JupyterLab and JupyterHub taggers.
- `r`: the R tagger, the "R Packages" manifest piece and its inventory.
- `julia`: the Julia tagger, the "Julia Packages" manifest piece and its inventory.
- `tensorflow`, `pytorch`: framework taggers.
- `spark`: the Spark tagger and the "Apache Spark" manifest piece.
- `java`: the Java tagger.
- `apt`: the "Apt Packages" manifest piece and its inventory.
- `protocols`: the types inspections receive: `Host` (`host`), `BuildStamp` (`build_info`).
- `parsing`, `pieces`: helpers shared by the modules above.
"""
