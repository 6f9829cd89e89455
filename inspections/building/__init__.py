"""Building a stack from its declaration: `stack-build` (`build`), one module per job.

- `build_plan`: which images, variants, parents, contexts and build arguments a run builds
- `image_inputs`, `dockerignore`, `dockerfile`: the hash of an image's inputs, from what
  `docker build` is given
- `docker_client`, `docker_build`: the client that builds (BuildKit where it can), one build
- `scheduling`, `durations`: parents first, several at once, the longest chain first
- `build_run`: one run: archives loaded, images checked and built, archives saved
- `archives`: `docker save` archives, their names and checks
- `build_report`: progress lines, the closing table, `--json`
"""
