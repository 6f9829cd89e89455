"""A GitHub Actions workflow generated from the stack: one job per image build, then publishing.

Each image is built, tested and inspected on each platform and in each of its variants by a
job of its own, which needs the job of its parent build on the same platform and loads that
parent from the artifact the parent's job uploaded. A `timestamp` job gives the whole run one
build timestamp (so an image's platforms get the same date tag and merge); a `merge` job
merges the platforms' tags and a `wiki` job adds the builds to the build history wiki, both on
the default branch only. Run scripts take every value from environment variables: GitHub
expressions appear only in `if:`, `env:` and `with:`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from inspections.building.archives import archive_name
from inspections.stack import DEFAULT_VARIANT, Stack, build_stem

# The current major version of each action the workflow uses.
CHECKOUT = "actions/checkout@v7"
SETUP_PYTHON = "actions/setup-python@v7"
UPLOAD_ARTIFACT = "actions/upload-artifact@v7"
DOWNLOAD_ARTIFACT = "actions/download-artifact@v8"

DEFAULT_RUNNERS = {"x86_64": ("ubuntu-24.04",), "aarch64": ("ubuntu-24.04-arm",)}
DEFAULT_INSTALL = "pip install stack-inspections"
DEFAULT_PYTHON = "3.12"
DEFAULT_BRANCH = "main"
DEFAULT_USER_SECRET = "REGISTRY_USER"
DEFAULT_TOKEN_SECRET = "REGISTRY_TOKEN"

TIMESTAMP_JOB = "timestamp"
MERGE_JOB = "merge"
WIKI_JOB = "wiki"
# Job ids join their parts with `--`, which no image, variant or platform name contains.
JOB_ID_SEPARATOR = "--"
IMAGE_ARTIFACT_PREFIX = "image-"
RUN_ARTIFACT_PREFIX = "run-"
BUILD_LOG_ARTIFACT_PREFIX = "build-log-"
IMAGE_ARCHIVE_RETENTION_DAYS = 1  # only the run's own child jobs load it
WIKI_FOLDER = "build-history-wiki"  # actions/checkout places it below the workspace
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"

NOT_CANCELLED = "!cancelled()"


@dataclass(frozen=True)
class WorkflowSettings:
    """What the workflow is built from besides the stack; the defaults suit github.com."""

    stack_folder: str  # relative to the repository root, with `/`
    runners: Mapping[str, tuple[str, ...]]  # platform -> runner labels, in job order
    install: str = DEFAULT_INSTALL
    python: str = DEFAULT_PYTHON
    branch: str = DEFAULT_BRANCH
    user_secret: str = DEFAULT_USER_SECRET
    token_secret: str = DEFAULT_TOKEN_SECRET
    insecure_registry: bool = False
    schedule: str = ""  # a cron line, or no scheduled runs

    @property
    def on_default_branch(self) -> str:
        return f"github.ref == 'refs/heads/{self.branch}'"


@dataclass(frozen=True)
class ImageBuild:
    """One image built in one variant on one platform: a job of the workflow."""

    image: str
    variant: str
    platform: str
    parent: ImageBuild | None
    has_children: bool = False

    @property
    def stem(self) -> str:
        return build_stem(self.platform, self.variant, self.image)

    @property
    def job_id(self) -> str:
        names = [self.image] + ([self.variant] if self.variant != DEFAULT_VARIANT else [])
        return JOB_ID_SEPARATOR.join([self.platform, *(_id_part(name) for name in names)])

    @property
    def title(self) -> str:
        variant = "" if self.variant == DEFAULT_VARIANT else f" {self.variant}"
        return f"{self.image}{variant} ({self.platform})"


def _id_part(name: str) -> str:
    """A name in a job id, which allows no `.`: `.` becomes `_` and `_` becomes `__`, so that
    no two names give the same id (names never hold two separators in a row)."""
    return name.replace("_", "__").replace(".", "_")


def image_builds(stack: Stack, platforms: list[str]) -> list[ImageBuild]:
    """Every build of the stack, parents first: per image, per variant, per platform."""
    builds: dict[tuple[str, str, str], ImageBuild] = {}
    parents_needed: set[tuple[str, str, str]] = set()
    for spec in stack.images.values():
        for variant in (DEFAULT_VARIANT, *spec.variants):
            for platform in platforms:
                parent = None
                if spec.parent:
                    key = (spec.parent, stack.parent_variant(spec.name, variant), platform)
                    parent = builds[key]
                    parents_needed.add(key)
                builds[(spec.name, variant, platform)] = ImageBuild(
                    spec.name, variant, platform, parent
                )
    return [
        ImageBuild(b.image, b.variant, b.platform, b.parent, key in parents_needed)
        for key, b in builds.items()
    ]


def workflow_name(stack_folder: str) -> str:
    """The workflow's name, from the stack folder relative to the repository (never from the
    folder a clone happens to be in: the same repository gives the same workflow anywhere)."""
    return "Stack" if stack_folder == "." else f"Stack {stack_folder}"


def github_workflow(stack: Stack, settings: WorkflowSettings) -> dict[str, Any]:
    """The workflow as YAML-ready data, in the order it is written."""
    builds = image_builds(stack, list(settings.runners))
    jobs: dict[str, Any] = {TIMESTAMP_JOB: _timestamp_job(settings)}
    for build in builds:
        jobs[build.job_id] = _build_job(build, settings)
    jobs[MERGE_JOB] = _merge_job([build.job_id for build in builds], settings)
    jobs[WIKI_JOB] = _wiki_job(settings)
    return {
        "name": workflow_name(settings.stack_folder),
        "on": _triggers(settings),
        "concurrency": {
            "group": "${{ github.workflow }}-${{ github.ref }}",
            "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
        },
        "permissions": {},
        "defaults": {"run": {"shell": "bash"}},
        "env": {"STACK_FOLDER": settings.stack_folder, "STACK_REGISTRY": stack.settings.registry},
        "jobs": jobs,
    }


def _triggers(settings: WorkflowSettings) -> dict[str, Any]:
    triggers: dict[str, Any] = {
        "push": {"branches": [settings.branch]},
        "pull_request": {},
        "workflow_dispatch": {},
    }
    if settings.schedule:
        triggers["schedule"] = [{"cron": settings.schedule}]
    return triggers


def _runner(labels: tuple[str, ...]) -> str | list[str]:
    return labels[0] if len(labels) == 1 else list(labels)


def _first_runner(settings: WorkflowSettings) -> str | list[str]:
    return _runner(next(iter(settings.runners.values())))


def _expression(text: str) -> str:
    return "${{ " + text + " }}"


def _timestamp_job(settings: WorkflowSettings) -> dict[str, Any]:
    return {
        "name": "Build timestamp",
        "runs-on": _first_runner(settings),
        "permissions": {},
        "outputs": {"epoch": _expression("steps.stamp.outputs.epoch")},
        "steps": [
            {
                "id": "stamp",
                "name": "One build timestamp for every image of the run",
                "run": 'echo "epoch=${SOURCE_DATE_EPOCH:-$(date +%s)}" >> "$GITHUB_OUTPUT"',
            }
        ],
    }


def _tool_steps(settings: WorkflowSettings, checkout: dict[str, Any]) -> list[dict[str, Any]]:
    """Check out the repository, set up Python and install the stack tools."""
    return [
        {"uses": CHECKOUT, "with": {"persist-credentials": False, **checkout}},
        {"uses": SETUP_PYTHON, "with": {"python-version": settings.python}},
        {"name": "Install the stack tools", "run": settings.install},
    ]


def _login_step(settings: WorkflowSettings, condition: str = "") -> dict[str, Any]:
    return {
        "name": "Log in to the registry",
        **({"if": _expression(condition)} if condition else {}),
        "env": {
            "REGISTRY_USER": _expression(f"secrets.{settings.user_secret}"),
            "REGISTRY_TOKEN": _expression(f"secrets.{settings.token_secret}"),
        },
        "run": 'printf "%s\\n" "$REGISTRY_TOKEN" | docker login "$STACK_REGISTRY" '
        '--username "$REGISTRY_USER" --password-stdin',
    }


def _build_job(build: ImageBuild, settings: WorkflowSettings) -> dict[str, Any]:
    needs = [TIMESTAMP_JOB] + ([build.parent.job_id] if build.parent else [])
    steps = _tool_steps(settings, {})
    build_command = (
        'stack-build --stack "$STACK_FOLDER" --image "$STACK_IMAGE" --variant "$STACK_VARIANT" '
        '--no-parents --logs "$RUNNER_TEMP/build-logs"'
    )
    if build.parent:
        steps.append(
            {
                "name": f"Download the parent image, {build.parent.title}",
                "uses": DOWNLOAD_ARTIFACT,
                "with": {
                    "name": IMAGE_ARTIFACT_PREFIX + build.parent.stem,
                    "path": _expression("runner.temp") + "/parent",
                },
            }
        )
        build_command += ' --load "$RUNNER_TEMP/parent"'
    if build.has_children:
        build_command += ' --save "$RUNNER_TEMP/image"'
    steps += [
        {"name": "Build the image", "run": build_command},
        {
            "name": "Test and inspect the image",
            "run": 'pytest --stack "$STACK_FOLDER" --image "$STACK_IMAGE" '
            '--variant "$STACK_VARIANT" --emit-manifests="$RUNNER_TEMP/run" --apply-tags',
        },
    ]
    if build.has_children:
        steps.append(
            {
                "name": "Upload the image for the jobs of its children",
                "uses": UPLOAD_ARTIFACT,
                "with": {
                    "name": IMAGE_ARTIFACT_PREFIX + build.stem,
                    "path": _expression("runner.temp")
                    + f"/image/{archive_name(build.platform, build.variant, build.image)}",
                    "retention-days": IMAGE_ARCHIVE_RETENTION_DAYS,
                    "if-no-files-found": "error",
                },
            }
        )
    steps += [
        {
            "name": "Upload the run folder",
            "if": _expression(NOT_CANCELLED),
            "uses": UPLOAD_ARTIFACT,
            "with": {
                "name": RUN_ARTIFACT_PREFIX + build.stem,
                "path": _expression("runner.temp") + "/run/",
            },
        },
        {
            "name": "Upload the build log",
            "if": _expression("failure()"),
            "uses": UPLOAD_ARTIFACT,
            "with": {
                "name": BUILD_LOG_ARTIFACT_PREFIX + build.stem,
                "path": _expression("runner.temp") + "/build-logs/",
            },
        },
        _login_step(settings, settings.on_default_branch),
        {
            "name": "Push this platform's tags",
            "if": _expression(settings.on_default_branch),
            "run": 'stack-push-tags "$RUNNER_TEMP"/run/tags/*.txt',
        },
    ]
    return {
        "name": build.title,
        "needs": needs,
        "runs-on": _runner(settings.runners[build.platform]),
        "permissions": {"contents": "read"},
        "env": {
            "STACK_IMAGE": build.image,
            "STACK_VARIANT": build.variant,
            "SOURCE_DATE_EPOCH": _expression(f"needs.{TIMESTAMP_JOB}.outputs.epoch"),
        },
        "steps": steps,
    }


def _download_runs_step() -> dict[str, Any]:
    return {
        "name": "Download the run folders of every build",
        "uses": DOWNLOAD_ARTIFACT,
        "with": {
            "pattern": RUN_ARTIFACT_PREFIX + "*",
            "path": _expression("runner.temp") + "/runs",
        },
    }


def _merge_job(build_jobs: list[str], settings: WorkflowSettings) -> dict[str, Any]:
    condition = f"{NOT_CANCELLED} && {settings.on_default_branch}"
    merge_command = 'stack-merge-tags --push "$RUNNER_TEMP"/runs/*/'
    if settings.insecure_registry:
        merge_command = merge_command.replace("--push", "--push --insecure")
    return {
        "name": "Merge the platforms' tags",
        "needs": build_jobs,
        "if": _expression(condition),
        "runs-on": _first_runner(settings),
        "permissions": {"contents": "read"},
        "steps": [
            *_tool_steps(settings, {}),
            _download_runs_step(),
            _login_step(settings),
            {"name": "Merge and push the multi-platform tags", "run": merge_command},
        ],
    }


def _wiki_job(settings: WorkflowSettings) -> dict[str, Any]:
    push_wiki = "\n".join(
        [
            'git -C "$WIKI" add -A',
            'if git -C "$WIKI" diff --cached --quiet; then',
            '  echo "The wiki has these builds already."',
            "else",
            f'  git -C "$WIKI" -c user.name="{BOT_NAME}" -c user.email="{BOT_EMAIL}" \\',
            '    commit -q -m "Builds of ${GITHUB_SHA::12}"',
            '  git -C "$WIKI" push -q',
            "fi",
            "",
        ]
    )
    return {
        "name": "Add the builds to the wiki",
        "needs": [MERGE_JOB],
        "if": _expression(f"{NOT_CANCELLED} && {settings.on_default_branch}"),
        "runs-on": _first_runner(settings),
        "permissions": {"contents": "write"},
        "env": {"WIKI": WIKI_FOLDER, "BRANCH": settings.branch},
        "steps": [
            # The wiki's Home page counts each month's commits: the whole history.
            *_tool_steps(settings, {"fetch-depth": 0}),
            {
                "name": "Check out the wiki",
                "uses": CHECKOUT,
                "with": {
                    "repository": _expression("github.repository") + ".wiki",
                    "path": WIKI_FOLDER,
                },
            },
            _download_runs_step(),
            {
                "name": "Add the builds to the wiki",
                "run": 'stack-update-wiki --wiki "$WIKI" --branch "$BRANCH" "$RUNNER_TEMP"/runs/*/',
            },
            {"name": "Push the wiki", "run": push_wiki},
        ],
    }
