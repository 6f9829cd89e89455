"""A good pytest citizen: off where not asked, exact where asked, outputs CI systems read."""

from __future__ import annotations

import html
import json
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from inspections.formats.html_report import MERMAID_URL
from tests.browser.renderer import chromium_run, ensure_mermaid
from tests.diagrams import boxes_by_name
from tests.plugin.stacks import OS_INSPECTIONS, MakeStack, record_of
from throwaway_stacks import StackImage

QUICK_TESTS = "".join(f"def test_{number}():\n    pass\n\n" for number in range(8))
IMAGE_TEST = """
    def test_has_a_shell(host):
        assert host.run("true").rc == 0
"""


def workers_of(stdout: str) -> dict[str, set[str]]:
    """Test module -> the xdist workers that ran its tests, from a `-v` run."""
    seen: dict[str, set[str]] = {}
    for match in re.finditer(r"\[(gw\d+)\] .*?(PASSED|FAILED) (\S+?)::", stdout):
        seen.setdefault(match.group(3), set()).add(match.group(1))
    return seen


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "two workers"])
def test_a_project_with_an_images_folder_of_pictures_is_left_alone(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    pytester.mkdir("images")
    (pytester.path / "images/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    pytester.makepyfile(test_one=QUICK_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *workers)
    result.assert_outcomes(passed=8)
    assert "stack inspections" not in result.stdout.str()
    assert "image_verdict" not in result.stdout.str()


@pytest.mark.docker
def test_other_tests_are_spread_over_workers_as_xdist_does(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    """With the plugin on, an unrelated module's tests still go to more than one worker."""
    make_stack({"root": StackImage(files={"inspect_root.py": OS_INSPECTIONS})})
    tests = pytester.path / "tests"
    tests.mkdir()
    for name in ("test_a.py", "test_b.py"):
        (tests / name).write_text(QUICK_TESTS.replace("pass", "__import__('time').sleep(0.2)"))
    with_plugin = pytester.runpytest_subprocess(
        "--stack", "stack", "stack", "tests", "-n", "2", "-v"
    )
    with_plugin.assert_outcomes(passed=16 + 2 + 1)
    only_tests = pytester.runpytest_subprocess("--stack", "stack", "tests", "-n", "2", "-v")
    only_tests.assert_outcomes(passed=16)
    for result in (with_plugin, only_tests):
        spread = workers_of(result.stdout.str())
        assert spread["tests/test_a.py"] == spread["tests/test_b.py"] == {"gw0", "gw1"}
    # The stack's image still went to one worker, whole.
    assert len(workers_of(with_plugin.stdout.str())["stack/root/inspect_root.py"]) == 1


@pytest.mark.docker
def test_options_with_a_space_before_a_folder_outside_the_project(
    pytester: pytest.Pytester, make_stack: MakeStack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`--emit-manifests DIR` and `--cache-dir DIR` keep the project's rootdir and ini file."""
    make_stack({"root": StackImage(files={"inspect_root.py": OS_INSPECTIONS})})
    (pytester.path / "pytest.ini").write_text(
        "[pytest]\naddopts = --import-mode=importlib -p no:cacheprovider\n"
        "inspections_stack = stack\n"
    )
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    for _ in range(2):  # the second time, both folders exist
        result = pytester.runpytest_subprocess(
            "--emit-manifests", str(elsewhere / "out"), "--cache-dir", str(elsewhere / "cache")
        )
        result.assert_outcomes(passed=3)
        result.stdout.fnmatch_lines([f"rootdir: {pytester.path}", "configfile: pytest.ini"])
    assert (elsewhere / "out/tags/x86_64-default-root.txt").is_file()
    assert list((elsewhere / "cache").rglob("*.json"))


@pytest.mark.docker
def test_shared_tests_run_with_no_path_arguments(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack({"root": StackImage(files={"inspect_root.py": OS_INSPECTIONS})})
    (pytester.path / "pytest.ini").write_text(
        "[pytest]\naddopts = --import-mode=importlib -p no:cacheprovider\n"
        "inspections_stack = stack\ninspections_shared_tests = shared\n"
    )
    pytester.mkdir("shared")
    (pytester.path / "shared/test_everywhere.py").write_text(
        "def test_shared(host):\n    assert host.run('true').rc == 0\n"
    )
    result = pytester.runpytest_subprocess("-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*shared/test_everywhere.py::test_shared[[]root[]] PASSED*"])


@pytest.mark.docker
def test_markers_and_keywords_select_as_documented(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack(
        {"root": StackImage(files={"inspect_root.py": OS_INSPECTIONS, "test_root.py": IMAGE_TEST})}
    )

    def selected(*args: str) -> list[str]:
        result = pytester.runpytest_subprocess("--stack", "stack", "--collect-only", "-q", *args)
        return [line for line in result.stdout.lines if "::" in line]

    inspections = [
        "stack/root/inspect_root.py::os_tag[root]",
        "stack/root/inspect_root.py::os_release[root]",
    ]
    image_tests = ["stack/root/test_root.py::test_has_a_shell[root]"]
    assert selected("-m", "inspection") == inspections
    assert selected("-m", "not inspection") == image_tests
    assert selected("-k", "test_") == image_tests
    assert selected("-k", "os_tag") == inspections[:1]


@pytest.mark.docker
def test_github_step_summary_and_outputs(
    pytester: pytest.Pytester, make_stack: MakeStack, monkeypatch: pytest.MonkeyPatch, owner: str
) -> None:
    make_stack({"root": StackImage(files={"inspect_root.py": OS_INSPECTIONS})})
    summary, outputs = pytester.path / "summary.md", pytester.path / "outputs.txt"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    result = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "out")
    result.assert_outcomes(passed=3)
    rows = [line.split(" | ") for line in summary.read_text().splitlines() if line.startswith("|")]
    assert rows[0] == ["| image", "outcome", "changes", "tags", "reasons |"]
    image, outcome, changes, tags_cell, _ = rows[2]
    assert (image, outcome, changes) == ("| `root`", "passed", "-")
    assert (
        tags_cell
        == f"`localhost/{owner}/root:x86_64-latest`<br>`localhost/{owner}/root:x86_64-debian-12`"
    )
    values = parse_github_outputs(outputs.read_text())
    assert values["outputs-dir"] == str(pytester.path / "out")
    assert values["all-passed"] == "true"
    tags = [f"localhost/{owner}/root:x86_64-latest", f"localhost/{owner}/root:x86_64-debian-12"]
    assert values["tags"].splitlines() == tags
    assert json.loads(values["tags-json"]) == {"root": tags}


def parse_github_outputs(text: str) -> dict[str, str]:
    """GitHub's `name<<DELIMITER` ... `DELIMITER` format, read as a runner reads it."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        name, delimiter = line.split("<<", 1)
        body = []
        for value_line in lines:
            if value_line == delimiter:
                break
            body.append(value_line)
        values[name] = "\n".join(body)
    return values


@pytest.mark.docker
def test_junit_xml_carries_each_images_outcome_and_tags(
    pytester: pytest.Pytester, make_stack: MakeStack, owner: str
) -> None:
    make_stack({"root": StackImage(files={"inspect_root.py": OS_INSPECTIONS})})
    result = pytester.runpytest_subprocess("--stack", "stack", "--junitxml", "junit.xml")
    result.assert_outcomes(passed=3)
    cases = ElementTree.parse(pytester.path / "junit.xml").getroot().iter("testcase")
    properties = {
        case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")}
        for case in cases
    }
    assert properties["os_tag[root]"] == {"stack_image": "root"}
    assert properties["image_verdict[root]"] == {
        "stack_image": "root",
        "stack_outcome": "passed",
        "stack_tags": "x86_64-latest x86_64-debian-12",
        "stack_reasons": "",
    }


RECORD_EXTRAS = """
import json

def pytest_runtest_logreport(report):
    if report.when == "call" and "image_verdict" in report.nodeid:
        with open("extras.jsonl", "a") as stream:
            print(json.dumps([report.nodeid, getattr(report, "extras", None)]), file=stream)
"""
FAILING_CHILD = """
    from inspections import output_of, tagger

    @tagger
    def missing_tool(host):
        return output_of(host, "no-such-tool --version")
"""
_DIAGRAM = re.compile(r'<pre class="stack-inspections-diagram"[^>]*>(.*?)</pre>', re.DOTALL)
# Added to the report: once each shown diagram block holds its drawing (or after 10 s), what
# every block holds, and Mermaid's error drawings ("Syntax error in text") anywhere. While
# Mermaid draws, a block holds an empty SVG in a <div>; once drawn, the SVG is all it holds.
_WATCHER = """<script>
(() => {
  const started = Date.now();
  const blocks = () => [...document.querySelectorAll("pre.stack-inspections-diagram")];
  const drawn = (block) => block.querySelector(":scope > svg") !== null;
  const watch = setInterval(() => {
    const waiting = blocks().filter((block) => block.offsetParent && !drawn(block));
    if (waiting.length && Date.now() - started < 10000) return;
    clearInterval(watch);
    const errors = [...document.querySelectorAll("svg")].filter((svg) =>
      svg.getAttribute("aria-roledescription") === "error" || /Syntax error/.test(svg.textContent));
    const out = document.createElement("pre");
    out.id = "stack-inspections-blocks";
    out.hidden = true;
    out.textContent = JSON.stringify({
      blocks: blocks().map((block) => ({
        shown: block.offsetParent !== null,
        drawn: drawn(block),
        boxes: [...block.querySelectorAll("g.node")].map((node) => node.textContent),
        edges: block.querySelectorAll("path.flowchart-link").length,
      })),
      errors: errors.length,
    });
    document.body.appendChild(out);
  }, 50);
})();
</script>"""
_BLOCKS = re.compile(r'<pre id="stack-inspections-blocks"[^>]*>(.*?)</pre>', re.DOTALL)


def _verdict_extras(report: Path) -> dict[str, str]:
    """Verdict item -> the HTML of its extras, from pytest-html's report."""
    blob = re.search(r'data-jsonblob="(.*?)"', report.read_text(), re.DOTALL)
    assert blob is not None
    tests: dict[str, list[dict[str, Any]]] = json.loads(html.unescape(blob.group(1)))["tests"]
    return {
        name.rsplit("::", 1)[1]: "".join(extra["content"] for extra in runs[0]["extras"])
        for name, runs in tests.items()
        if "image_verdict" in name
    }


def _drawn_diagrams(page: Path) -> list[str]:
    """The diagram blocks of the report as Chromium leaves them: SVG once drawn, else source."""
    return [html.unescape(block) for block in _DIAGRAM.findall(chromium_run(page, "--dump-dom"))]


def _drawn_blocks(report: str, page: Path) -> dict[str, Any]:
    """What each diagram block of `report` holds once the shown ones are drawn (see _WATCHER);
    `page` is written, beside a module that stands for the CDN's.

    That module hands on the Mermaid of the pinned npm package, loaded by the page before
    anything else: the CDN's module would fetch its diagrams' code while drawing, and
    Chromium's virtual time runs on while files load.
    """
    module = page.with_name("mermaid-module.mjs")
    module.write_text("export default window.mermaid;\n")
    mermaid = f'<head><script src="{ensure_mermaid().as_uri()}"></script>'
    local = report.replace(MERMAID_URL, module.as_uri()).replace("<head>", mermaid, 1)
    page.write_text(local.replace("</body>", f"{_WATCHER}</body>"))
    found = _BLOCKS.search(chromium_run(page, "--dump-dom"))
    assert found is not None, "the report's page did not finish"
    blocks: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return blocks


@pytest.mark.docker
@pytest.mark.browser
@pytest.mark.usefixtures("browser")
def test_pytest_html_rows_carry_each_images_tags_reasons_and_lineage(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    root = StackImage(files={"inspect_root.py": OS_INSPECTIONS})
    make_stack({"root": root, "child": StackImage("root", {"inspect_child.py": FAILING_CHILD})})
    pytester.makeconftest(RECORD_EXTRAS)
    extras_file = pytester.path / "extras.jsonl"

    without = pytester.runpytest_subprocess("--stack", "stack")
    without.assert_outcomes(passed=5, failed=2)
    # Without --html nothing changes: the verdicts carry no extras.
    assert [extras for _, extras in map(json.loads, extras_file.read_text().splitlines())] == [
        None,
        None,
    ]

    extras_file.unlink()
    with_html = pytester.runpytest_subprocess("--stack", "stack", "--html", "report.html")
    with_html.assert_outcomes(passed=5, failed=2)
    rows = _verdict_extras(pytester.path / "report.html")
    assert "Outcome: <strong>passed</strong>" in rows["image_verdict[root]"]
    assert "<li><code>x86_64-debian-12</code></li>" in rows["image_verdict[root]"]
    assert "Outcome: <strong>failed</strong>" in rows["image_verdict[child]"]
    assert "missing_tool failed: `no-such-tool --version` not found" in html.unescape(
        rows["image_verdict[child]"]
    )
    (lineage,) = [html.unescape(block) for block in _DIAGRAM.findall(rows["image_verdict[child]"])]
    assert {name: lines[0] for name, lines in boxes_by_name(lineage).items()} == {
        "root": "passed",
        "child": "failed",
    }

    # Offline, the blocks show their source; where Mermaid loads, the unfolded (failed) row's
    # diagram is drawn, and a folded row's waits until it is shown.
    report = pytester.path / "report.html"
    offline = _drawn_diagrams(report)
    assert len(offline) == 2 and all(block.startswith("%%{init") for block in offline)
    assert MERMAID_URL in report.read_text()
    drawn = _drawn_blocks(report.read_text(), pytester.path / "local-mermaid.html")
    assert drawn["errors"] == 0
    shown, folded = sorted(drawn["blocks"], key=lambda block: not block["shown"])
    assert (shown["shown"], shown["drawn"], folded["shown"], folded["drawn"]) == (
        True,
        True,
        False,
        False,
    )
    assert sorted(box.split("x86_64")[0] for box in shown["boxes"]) == ["childfailed", "rootpassed"]
    assert shown["edges"] == 1


@pytest.mark.docker
def test_a_modified_working_tree_is_said_and_recorded(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    stack = make_stack({"root": StackImage(files={"inspect_root.py": OS_INSPECTIONS})})
    (stack / "root/Dockerfile").write_text("FROM scratch\n")
    result = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "out")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["the working tree has uncommitted changes (1 files: stack/root/Dockerfile)*"]
    )
    build = record_of(pytester.path / "out")["root"]["build"]
    assert build["git_modified"] is True
    assert build["git_changes"] == ["stack/root/Dockerfile"]


def test_help_names_the_stack_defaults_honestly(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    text = " ".join(result.stdout.str().split())
    assert "default: stack.toml's, else quay.io" in text
    assert "default: stack.toml's, else jupyter" in text


@pytest.mark.docker
def test_the_plugin_is_unregistered_at_the_end_of_the_session(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack({"root": StackImage(files={"inspect_root.py": OS_INSPECTIONS})})
    pytester.makeconftest(
        """
        import pytest

        @pytest.hookimpl(trylast=True)
        def pytest_unconfigure(config):
            left = [name for name, _ in config.pluginmanager.list_name_plugin()
                    if name and name.startswith("stack_inspections.")]
            open("left.txt", "w").write(repr(left))
        """
    )
    result = pytester.runpytest_subprocess("--stack", "stack")
    result.assert_outcomes(passed=3)
    assert (pytester.path / "left.txt").read_text() == "[]"


def test_the_core_does_not_import_the_publishing_commands() -> None:
    code = (
        "import sys, inspections.plugin.activation, inspections.plugin.session, "
        "inspections.outputs.finish; "
        "print([m for m in sys.modules if m.startswith('inspections.publishing')])"
    )
    completed = subprocess.run(["python", "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"
