"""A GitHub Actions workflow run on this machine: each job's own shell steps, in `needs:` order.

Each job gets a fresh folder (its workspace and its runner.temp) and sees only what its
`needs:` handed it: the artifacts the jobs before it uploaded. `run:` steps run as GitHub runs
them (`bash --noprofile --norc -eo pipefail`, in the workspace, with the step's, job's and
workflow's `env:` and the GITHUB_* variables). The `actions/*` steps are emulated: checkout
clones the repository (or the wiki's repository), setup-python checks its version is given,
upload-artifact and download-artifact copy folders between jobs. Expressions (`${{ }}`, `if:`)
are evaluated in the small language GitHub defines: contexts, string literals, `==`, `!=`,
`!`, `&&`, `||`, parentheses and the status functions. Anything else is refused, so a
workflow this runner cannot run faithfully fails the test instead of passing it.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STEP_TIMEOUT_SECONDS = 900
LOG_TAIL_CHARACTERS = 4000
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
TOKEN = re.compile(r"\s*(?:(\|\||&&|==|!=|!|\(|\))|'((?:[^']|'')*)'|([A-Za-z_][\w.-]*))")
HEREDOC_OUTPUT = re.compile(r"([\w-]+)<<(.+)")


class WorkflowError(AssertionError):
    """The workflow did something this run cannot emulate, or one of its steps failed."""


@dataclass(frozen=True)
class RunContext:
    """What GitHub would provide: the event, the secrets, and the machine the jobs run on."""

    repository: Path  # a git repository: what actions/checkout checks out
    wiki: Path  # the wiki's git repository (bare): what `<repository>.wiki` checks out
    github: Mapping[str, str]  # ref, sha, repository, event_name, workflow
    secrets: Mapping[str, str]
    environment: Mapping[str, str]  # the runner's own environment (PATH, DOCKER_CONFIG, ...)


@dataclass
class JobResult:
    """How a job ended, its outputs and where its logs are."""

    result: str  # success, failure or skipped
    outputs: dict[str, str] = field(default_factory=dict)
    folder: Path | None = None
    steps_run: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # each failed step and why


class _Expressions:
    """GitHub's expression language, as far as workflows need it here."""

    def __init__(self, contexts: Mapping[str, Any], status: Mapping[str, bool]) -> None:
        self.contexts = contexts
        self.status = status  # success(), failure(), cancelled(), always()

    def substitute(self, text: str) -> str:
        """`text` with each `${{ expr }}` replaced by its value."""
        return EXPRESSION.sub(lambda found: _as_text(self.evaluate(found.group(1))), text)

    def condition(self, text: str | None) -> bool:
        """An `if:`: a bare expression or one `${{ }}`; none means `success()`."""
        if text is None:
            return self.status["success"]
        whole = EXPRESSION.fullmatch(text.strip())
        expression = whole.group(1) if whole else text
        has_status = any(f"{name}()" in expression for name in self.status)
        value = bool(self.evaluate(expression))
        return value if has_status else value and self.status["success"]

    def evaluate(self, expression: str) -> Any:
        tokens = self._tokens(expression)
        value, rest = self._or(tokens)
        if rest:
            raise WorkflowError(f"cannot evaluate {expression!r}: unexpected {rest[0]!r}")
        return value

    @staticmethod
    def _tokens(expression: str) -> list[tuple[str, str]]:
        tokens, position = [], 0
        while expression[position:].strip():
            found = TOKEN.match(expression, position)
            if not found:
                raise WorkflowError(f"cannot evaluate {expression!r} at {expression[position:]!r}")
            operator, literal, name = found.groups()
            if operator:
                tokens.append(("op", operator))
            elif literal is not None:
                tokens.append(("str", literal.replace("''", "'")))
            else:
                tokens.append(("name", name))
            position = found.end()
        return tokens

    def _or(self, tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        value, tokens = self._and(tokens)
        while tokens[:1] == [("op", "||")]:
            right, tokens = self._and(tokens[1:])
            value = value or right
        return value, tokens

    def _and(self, tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        value, tokens = self._comparison(tokens)
        while tokens[:1] == [("op", "&&")]:
            right, tokens = self._comparison(tokens[1:])
            value = value and right
        return value, tokens

    def _comparison(self, tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        left, tokens = self._unary(tokens)
        if tokens[:1] in ([("op", "==")], [("op", "!=")]):
            operator = tokens[0][1]
            right, tokens = self._unary(tokens[1:])
            equal = _loosely_equal(left, right)
            return (equal if operator == "==" else not equal), tokens
        return left, tokens

    def _unary(self, tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        if not tokens:
            raise WorkflowError("an expression ends too early")
        kind, text = tokens[0]
        if (kind, text) == ("op", "!"):
            value, rest = self._unary(tokens[1:])
            return not value, rest
        if (kind, text) == ("op", "("):
            value, rest = self._or(tokens[1:])
            if rest[:1] != [("op", ")")]:
                raise WorkflowError("a parenthesis is not closed")
            return value, rest[1:]
        if kind == "str":
            return text, tokens[1:]
        if kind == "name" and tokens[1:3] == [("op", "("), ("op", ")")]:
            if text not in self.status:
                raise WorkflowError(f"the function {text}() is not emulated")
            return self.status[text], tokens[3:]
        if kind == "name":
            return self._lookup(text), tokens[1:]
        raise WorkflowError(f"unexpected {text!r} in an expression")

    def _lookup(self, path: str) -> Any:
        if path in ("true", "false"):
            return path == "true"
        value: Any = self.contexts
        for part in path.split("."):
            if not isinstance(value, Mapping) or part not in value:
                raise WorkflowError(f"the context {path} is not emulated")
            value = value[part]
        return value


def _loosely_equal(left: Any, right: Any) -> bool:
    """GitHub compares strings ignoring case."""
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    return bool(left == right)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _job_order(jobs: Mapping[str, Any]) -> list[str]:
    """Jobs after the jobs they need, otherwise in the file's order."""
    ordered: list[str] = []
    while len(ordered) < len(jobs):
        ready = [
            job
            for job, spec in jobs.items()
            if job not in ordered and all(need in ordered for need in _needs(spec))
        ]
        if not ready:
            raise WorkflowError(f"the jobs' needs form a cycle or name unknown jobs: {jobs}")
        ordered.append(ready[0])
    return ordered


def _needs(spec: Mapping[str, Any]) -> list[str]:
    needs = spec.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def _read_outputs(path: Path) -> dict[str, str]:
    """The `name=value` and `name<<DELIMITER` lines a step wrote to $GITHUB_OUTPUT."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines()) if path.exists() else iter(())
    for line in lines:
        heredoc = HEREDOC_OUTPUT.fullmatch(line)
        if heredoc:
            body = []
            for body_line in lines:
                if body_line == heredoc.group(2):
                    break
                body.append(body_line)
            outputs[heredoc.group(1)] = "\n".join(body)
        elif "=" in line:
            name, _, value = line.partition("=")
            outputs[name] = value
    return outputs


class WorkflowRun:
    """One run of a workflow's jobs, each in its own folder below `folder`."""

    def __init__(self, workflow: Mapping[str, Any], context: RunContext, folder: Path) -> None:
        self.workflow = workflow
        self.context = context
        self.folder = folder
        self.artifacts = folder / "artifacts"
        self.results: dict[str, JobResult] = {}

    def run(self, before_job: Callable[[str], None] = lambda job: None) -> dict[str, JobResult]:
        """Run every job in `needs:` order; `before_job(job_id)` prepares the machine."""
        jobs = self.workflow["jobs"]
        for job in _job_order(jobs):
            spec = jobs[job]
            needed = {need: self.results[need] for need in _needs(spec)}
            status = {
                "success": all(result.result == "success" for result in needed.values()),
                "failure": any(result.result == "failure" for result in needed.values()),
                "cancelled": False,
                "always": True,
            }
            if not self._expressions(job, needed, {}, status).condition(spec.get("if")):
                self.results[job] = JobResult("skipped")
                continue
            before_job(job)
            self.results[job] = self._run_job(job, spec, needed)
        return self.results

    def _contexts(
        self, job: str, needed: Mapping[str, JobResult], steps: Mapping[str, Any]
    ) -> dict[str, Any]:
        return {
            "github": dict(self.context.github),
            "secrets": dict(self.context.secrets),
            "runner": {"temp": str(self.folder / "jobs" / job / "temp")},
            "needs": {
                name: {"result": result.result, "outputs": result.outputs}
                for name, result in needed.items()
            },
            "steps": steps,
        }

    def _expressions(
        self,
        job: str,
        needed: Mapping[str, JobResult],
        steps: Mapping[str, Any],
        status: Mapping[str, bool],
    ) -> _Expressions:
        return _Expressions(self._contexts(job, needed, steps), status)

    def _run_job(
        self, job: str, spec: Mapping[str, Any], needed: Mapping[str, JobResult]
    ) -> JobResult:
        folder = self.folder / "jobs" / job
        workspace, temp = folder / "workspace", folder / "temp"
        workspace.mkdir(parents=True)
        temp.mkdir()
        result = JobResult("success", folder=folder)
        steps: dict[str, Any] = {}
        for index, step in enumerate(spec["steps"]):
            status = {
                "success": result.result == "success",
                "failure": result.result == "failure",
                "cancelled": False,
                "always": True,
            }
            expressions = self._expressions(job, needed, steps, status)
            if not expressions.condition(step.get("if")):
                continue
            label = step.get("name") or step.get("uses") or step["run"]
            result.steps_run.append(label)
            outputs_file = folder / f"step-{index}.outputs"
            try:
                if "uses" in step:
                    self._action(step, expressions, workspace)
                else:
                    environment = self._environment(spec, step, expressions, workspace, temp)
                    environment["GITHUB_OUTPUT"] = str(outputs_file)
                    self._shell(step["run"], environment, workspace, folder / f"step-{index}.log")
            except WorkflowError as error:
                result.result = "failure"  # later steps run only if their `if:` says so
                result.failures.append(f"job {job}, step {label!r}: {error}")
            if "id" in step:
                steps[step["id"]] = {"outputs": _read_outputs(outputs_file)}
        final = self._expressions(job, needed, steps, {"success": True})
        result.outputs = {
            name: final.substitute(value) for name, value in spec.get("outputs", {}).items()
        }
        return result

    def _environment(
        self,
        spec: Mapping[str, Any],
        step: Mapping[str, Any],
        expressions: _Expressions,
        workspace: Path,
        temp: Path,
    ) -> dict[str, str]:
        environment = dict(self.context.environment)
        for scope in (self.workflow, spec, step):
            for name, value in scope.get("env", {}).items():
                environment[name] = expressions.substitute(_as_text(value))
        github = self.context.github
        environment |= {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(temp),
            "GITHUB_SHA": github["sha"],
            "GITHUB_REF": github["ref"],
            "GITHUB_REPOSITORY": github["repository"],
            "GITHUB_EVENT_NAME": github["event_name"],
            "GITHUB_STEP_SUMMARY": str(temp.parent / "step-summary.md"),
        }
        return environment

    def _shell(self, script: str, environment: dict[str, str], workspace: Path, log: Path) -> None:
        shell = self.workflow.get("defaults", {}).get("run", {}).get("shell")
        if shell != "bash":
            raise WorkflowError(f"only `shell: bash` is emulated, not {shell!r}")
        script_file = log.with_suffix(".sh")
        script_file.write_text(script, encoding="utf-8")
        with log.open("wb") as output:
            completed = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
                cwd=workspace,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=STEP_TIMEOUT_SECONDS,
                check=False,
            )
        if completed.returncode != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARACTERS:]
            raise WorkflowError(f"exited with {completed.returncode}:\n{script}\n---\n{tail}")

    def _action(self, step: Mapping[str, Any], expressions: _Expressions, workspace: Path) -> None:
        action = step["uses"].partition("@")[0]
        given = {
            name: expressions.substitute(_as_text(value))
            for name, value in step.get("with", {}).items()
        }
        if action == "actions/checkout":
            self._checkout(given, workspace)
        elif action == "actions/setup-python":
            if not given.get("python-version"):
                raise WorkflowError("actions/setup-python without a python-version")
        elif action == "actions/upload-artifact":
            self._upload(given)
        elif action == "actions/download-artifact":
            self._download(given)
        else:
            raise WorkflowError(f"the action {step['uses']} is not emulated")

    def _checkout(self, given: Mapping[str, str], workspace: Path) -> None:
        repository = given.get("repository")
        if repository is None:
            source, target = self.context.repository, workspace
        elif repository == f"{self.context.github['repository']}.wiki":
            source, target = self.context.wiki, workspace / given["path"]
        else:
            raise WorkflowError(f"checking out {repository} is not emulated")
        subprocess.run(["git", "clone", "-q", str(source), str(target)], check=True)

    def _upload(self, given: Mapping[str, str]) -> None:
        source, stored = Path(given["path"]), self.artifacts / given["name"]
        if stored.exists():
            raise WorkflowError(f"an artifact named {given['name']} was uploaded already")
        if source.is_dir():
            shutil.copytree(source, stored)
        elif source.is_file():
            stored.mkdir(parents=True)
            shutil.copy2(source, stored / source.name)
        elif given.get("if-no-files-found") == "error":
            raise WorkflowError(f"no files to upload at {source}")

    def _download(self, given: Mapping[str, str]) -> None:
        target = Path(given["path"])
        if "name" in given:
            stored = self.artifacts / given["name"]
            if not stored.is_dir():
                raise WorkflowError(f"no artifact named {given['name']}")
            shutil.copytree(stored, target, dirs_exist_ok=True)
            return
        names = (
            sorted(path.name for path in self.artifacts.iterdir())
            if self.artifacts.is_dir()
            else []
        )
        for name in fnmatch.filter(names, given["pattern"]):
            shutil.copytree(self.artifacts / name, target / name)
