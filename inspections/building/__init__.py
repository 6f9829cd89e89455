"""Building a stack from its Dockerfiles: `stack-init` reads the hierarchy back from them.

- `dockerfiles`: a Dockerfile's instructions, its `ARG` defaults and what its last `FROM`
  names, with variables resolved.
- `derive`: the stack a folder of Dockerfiles describes (parents, variants, registry, owner).
- `starters`: library inspections picked for what each Dockerfile installs.
- `init`: the `stack-init` command, which writes the declarations or checks them for drift.
"""
