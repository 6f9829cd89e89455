"""Building a stack and its CI from its hierarchy: `stack-init`, `stack-build`, `stack-ci`.

Both read Dockerfiles through one reader, `dockerfile`: its instructions and build stages,
the `ARG` defaults its `FROM` lines see, the images they name (stack-init follows the last
`FROM` to the parent; stack-build hashes every base), and what only BuildKit builds.

stack-init reads the hierarchy back from the Dockerfiles:

- `derive`: the stack a folder of Dockerfiles describes (parents, variants, registry, owner).
- `starters`: library inspections picked for what each Dockerfile installs.
- `init`: the `stack-init` command, which writes the declarations or checks them for drift.

stack-build (`build_command`) builds the declared stack, one module per job:

- `build_plan`: which images, variants, parents, contexts and build arguments a run builds
- `image_inputs`, `dockerignore`: the hash of an image's inputs, from what
  `docker build` is given
- `docker_client`, `docker_build`: the client that builds (BuildKit where it can), one build
- `scheduling`, `durations`: parents first, several at once, the longest chain first
- `build_run`: one run: archives loaded, images checked and built, archives saved
- `archives`: `docker save` archives, their names and checks
- `build_report`: progress lines, the closing table, `--json`

stack-ci (`ci_command`) writes a GitHub Actions workflow with one job per image build:

- `ci_github`: the jobs, their `needs:` and steps, from the stack
- `yaml_text`: the workflow as YAML text, every scalar quoted where YAML needs it
- `ci_drift`: what differs between a committed workflow and the stack's
"""
