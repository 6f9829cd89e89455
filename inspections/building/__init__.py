"""Building a stack from its declaration and its Dockerfiles: `stack-init` and `stack-build`.

stack-init reads the hierarchy back from the Dockerfiles:

- `dockerfiles`: a Dockerfile's instructions, its `ARG` defaults and what its last `FROM`
  names, with variables resolved.
- `derive`: the stack a folder of Dockerfiles describes (parents, variants, registry, owner).
- `starters`: library inspections picked for what each Dockerfile installs.
- `init`: the `stack-init` command, which writes the declarations or checks them for drift.

stack-build (`build`) builds the declared stack, one module per job:

- `build_plan`: which images, variants, parents, contexts and build arguments a run builds
- `image_inputs`, `dockerignore`, `dockerfile`: the hash of an image's inputs, from what
  `docker build` is given
- `docker_client`, `docker_build`: the client that builds (BuildKit where it can), one build
- `scheduling`, `durations`: parents first, several at once, the longest chain first
- `build_run`: one run: archives loaded, images checked and built, archives saved
- `archives`: `docker save` archives, their names and checks
- `build_report`: progress lines, the closing table, `--json`
"""
