"""Hostile checkouts for ``ptmx scan`` (issue 14, category "scan").

Every project is built by the test in ``tmp_path``: links that lead out of it, license pointers
to outside files, files that cannot be read, nesting deep enough to break a recursive parser,
invalid ignore patterns, and names and contents that carry escape sequences or rich markup.
Each case asserts: the exit code; stderr holds only ``ptmx:`` warnings (one per skipped path)
and no traceback; the outside file's contents appear in no output format (table, JSON, SARIF,
CycloneDX); the JSON formats stay valid JSON. Terminal cases run on a pseudo-terminal and assert
that no raw ESC reaches it.

We run as root in CI, where ``chmod 000`` does not stop a read: "unreadable" is made with a FIFO
(reading one would block forever), a folder where a file is expected, and, in-process, a
monkeypatched ``open``/``os.scandir`` that raises ``PermissionError``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ptmx.cli import main
from ptmx.scan import boundary as boundary_mod
from ptmx.scan import walker as walker_mod
from tests.hostile.conftest import SECRET, Outcome, base_env, outside_escapes, run_on_tty
from tests.hub.conftest import point_env_at
from tests.hub.fakehub import FakeHub

FORMATS = ("table", "json", "sarif", "cyclonedx")
LOADER = 'from transformers import AutoModel\nAutoModel.from_pretrained("{}")\n'
MIT = ("Permission is hereby granted, free of charge, to any person obtaining a copy of this "
       "software. The above copyright notice and this permission notice shall be included in "
       "all copies.\n")


@pytest.fixture(autouse=True)
def _bundled_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PTMX_DATA", raising=False)
    monkeypatch.setenv("COLUMNS", "300")


def scan(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> Outcome:
    """``ptmx scan ROOT ARGS`` in-process."""
    code = main(["scan", str(root), *args])
    out = capsys.readouterr()
    return Outcome(code, out.out, out.err)


def warnings_of(outcome: Outcome) -> list[str]:
    """stderr as warning lines; fails on a traceback or anything but a ``ptmx:`` line."""
    assert "Traceback" not in outcome.stderr, outcome.stderr
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert all(line.startswith("ptmx: ") for line in lines), lines
    return lines


def scan_all_formats(capsys: pytest.CaptureFixture[str], root: Path,
                     *args: str) -> dict[str, Outcome]:
    """Every output format of one scan; JSON formats must parse; same warnings for all."""
    outcomes = {fmt: scan(capsys, root, "--format", fmt, *args) for fmt in FORMATS}
    for fmt in ("json", "sarif", "cyclonedx"):
        json.loads(outcomes[fmt].stdout)
    first = warnings_of(outcomes["table"])
    for outcome in outcomes.values():
        assert warnings_of(outcome) == first
    return outcomes


def assert_nothing_from(outcomes: dict[str, Outcome], *texts: str) -> None:
    for fmt, outcome in outcomes.items():
        for text in texts:
            assert text not in outcome.stdout, f"{text!r} leaked into --format {fmt}"
            assert text not in outcome.stderr, f"{text!r} leaked into stderr"


def one_warning(outcome: Outcome, *needles: str) -> None:
    """Exactly one warning line holds all ``needles``."""
    lines = [w for w in warnings_of(outcome) if all(n in w for n in needles)]
    assert len(lines) == 1, (needles, outcome.stderr)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the project with things the scan must never read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.yaml").write_text(f"model_name: {SECRET}/stolen-model\n# {SECRET}\n")
    (folder / "app.py").write_text(LOADER.format(f"{SECRET}/stolen-model"))
    (folder / "LICENSE").write_text(MIT + f"{SECRET}\n")
    (folder / "pyproject.toml").write_text(f'[project]\nname = "{SECRET}"\nlicense = "MIT"\n')
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project that loads one model the sample dataset knows."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "main.py").write_text(LOADER.format("gpt2"))
    return root


# -- reading stays inside the project -------------------------------------------------------------
def _link(name: str, target: Callable[[Path], Path]) -> Callable[[Path, Path], None]:
    def build(root: Path, out: Path) -> None:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target(out), root / name)
    return build


def _pyproject(text: str) -> Callable[[Path, Path], None]:
    def build(root: Path, out: Path) -> None:
        (root / "pyproject.toml").write_text(text.format(out=out))
    return build


def _license_pointer_to_inner_link(root: Path, out: Path) -> None:
    os.symlink(out / "LICENSE", root / "COPYRIGHT")
    (root / "pyproject.toml").write_text('[project]\nname = "p"\nlicense = {file = "COPYRIGHT"}\n')


OUT_CASES = {
    "config file linked out": (_link("config.yaml", lambda o: o / "secret.yaml"), "config.yaml"),
    "python file linked out": (_link("app.py", lambda o: o / "app.py"), "app.py"),
    "relative link out": (_link("sub/app.py", lambda o: Path("../../outside/app.py")),
                          "sub/app.py"),
    "folder linked out": (_link("lib", lambda o: o), "lib"),
    "LICENSE linked out": (_link("LICENSE", lambda o: o / "LICENSE"), "LICENSE"),
    "pyproject linked out": (_link("pyproject.toml", lambda o: o / "pyproject.toml"),
                             "pyproject.toml"),
    "license.file absolute": (_pyproject('[project]\nname = "p"\n'
                                         'license = {{file = "{out}/LICENSE"}}\n'),
                              "license file"),
    "license.file ../": (_pyproject('[project]\nname = "p"\n'
                                    'license = {{file = "../outside/LICENSE"}}\n'),
                         "license file '../outside/LICENSE'"),
    # The walk also warns about COPYRIGHT itself; the pointer has its own warning.
    "license.file via inner link": (_license_pointer_to_inner_link, "license file 'COPYRIGHT'"),
    ".gitignore linked out": (_link(".gitignore", lambda o: o / "secret.yaml"), ".gitignore"),
}


@pytest.mark.parametrize("case", list(OUT_CASES))
def test_nothing_outside_the_project_is_read(case: str, project: Path, outside: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    build, name = OUT_CASES[case]
    build(project, outside)
    outcomes = scan_all_formats(capsys, project)
    assert all(o.code == 0 for o in outcomes.values())
    assert_nothing_from(outcomes, SECRET, "stolen-model")
    one_warning(outcomes["table"], name, "outside the scanned folder")
    # The project's own model is still found: the scan went on.
    assert "gpt2" in outcomes["json"].stdout
    # The outside MIT text did not become the project's license.
    assert json.loads(outcomes["json"].stdout)["project"]["license"] != "MIT"


def test_links_that_stay_inside_are_read(project: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    (project / "real").mkdir()
    (project / "real" / "load.py").write_text(LOADER.format("t5-small"))
    os.symlink("real/load.py", project / "alias.py")
    (project / "LICENSE.txt").write_text(MIT)
    os.symlink("LICENSE.txt", project / "LICENSE")
    outcome = scan(capsys, project, "--format", "json")
    assert outcome.code == 0 and warnings_of(outcome) == []
    data = json.loads(outcome.stdout)
    t5 = next(m for m in data["models"] if m["model"] == "t5-small")
    assert sorted(r["path"] for r in t5["references"]) == ["alias.py", "real/load.py"]
    assert data["project"]["license"] == "MIT"


@pytest.mark.parametrize(("case", "message"), [
    ("dangling", "a broken symbolic link"),
    ("loop", "a symbolic link loop"),
])
def test_broken_links_are_one_warning_each(case: str, message: str, project: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    if case == "dangling":
        os.symlink("nowhere.py", project / "gone.py")
        names = ["gone.py"]
    else:
        os.symlink("b.py", project / "a.py")
        os.symlink("a.py", project / "b.py")
        names = ["a.py", "b.py"]
    outcomes = scan_all_formats(capsys, project)
    assert all(o.code == 0 for o in outcomes.values())
    for name in names:
        one_warning(outcomes["table"], f"ptmx: {name}: ", message)
    assert len(warnings_of(outcomes["table"])) == len(names)


# -- unreadable, special and misplaced files ----------------------------------------------------------
def _fifo(name: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        os.mkfifo(root / name)
    return build


def _folder(name: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        (root / name).mkdir()
        (root / name / "inside.txt").write_text("x\n")
    return build


SPECIAL_CASES = {
    # A FIFO would block a reader forever: it must be recognised before it is opened.
    "FIFO named like code": (_fifo("loader.py"), "loader.py", "not a regular file"),
    "FIFO as .gitignore": (_fifo(".gitignore"), ".gitignore", "not a regular file"),
    "FIFO as LICENSE": (_fifo("LICENSE"), "LICENSE", "not a regular file"),
    "FIFO as pyproject.toml": (_fifo("pyproject.toml"), "pyproject.toml", "not a regular file"),
    "folder as pyproject.toml": (_folder("pyproject.toml"), "pyproject.toml", "a folder"),
    "folder as setup.py": (_folder("setup.py"), "setup.py", "a folder"),
    "folder as package.json": (_folder("package.json"), "package.json", "a folder"),
    "folder as LICENSE": (_folder("LICENSE"), None, None),  # not a license file: not read
    "folder as .gitignore": (_folder(".gitignore"), ".gitignore", "a folder"),
    "folder as setup.cfg": (_folder("setup.cfg"), "setup.cfg", "a folder"),
}


@pytest.mark.parametrize("case", list(SPECIAL_CASES))
def test_special_files_are_skipped_with_one_warning(case: str, project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    build, name, message = SPECIAL_CASES[case]
    build(project)
    outcomes = scan_all_formats(capsys, project)
    assert all(o.code == 0 for o in outcomes.values())
    assert "gpt2" in outcomes["json"].stdout
    if name is None:
        assert warnings_of(outcomes["table"]) == []
    else:
        one_warning(outcomes["table"], f"ptmx: {name}: ", message)


def test_unreadable_file_is_one_warning(project: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """As root, chmod 000 does not stop a read: ``open`` is made to refuse one file instead."""
    (project / "locked.py").write_text(LOADER.format("t5-small"))
    real_open = open

    def refusing_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith("locked.py"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(boundary_mod, "open", refusing_open, raising=False)
    outcome = scan(capsys, project, "--format", "json")
    assert outcome.code == 0
    one_warning(outcome, "locked.py", "cannot be read (Permission denied)")
    assert "t5-small" not in outcome.stdout and "gpt2" in outcome.stdout


def test_unreadable_folder_is_one_warning(project: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """As root, chmod 000 does not stop a listing: ``os.scandir`` refuses one folder instead."""
    (project / "locked").mkdir()
    (project / "locked" / "x.py").write_text(LOADER.format("t5-small"))
    real_scandir = os.scandir

    def refusing_scandir(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(walker_mod.os, "scandir", refusing_scandir)
    outcome = scan(capsys, project, "--format", "json")
    assert outcome.code == 0
    one_warning(outcome, "ptmx: locked: ", "folder cannot be read (Permission denied)")
    assert "t5-small" not in outcome.stdout and "gpt2" in outcome.stdout


def test_broken_and_binary_files_do_not_stop_the_scan(project: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (project / "latin1.py").write_bytes(b"# caf\xe9\n" + LOADER.format("t5-small").encode())
    (project / "nul.py").write_bytes(b"\x00\x01" + LOADER.format("bert-base-uncased").encode())
    (project / "truncated.ipynb").write_text('{"cells": [{"cell_type": "code", "sou')
    (project / "bad.toml").write_bytes(b"\xff\xfe[[[ = \n")
    (project / "pyproject.toml").write_text("[project\nname = \n")
    outcome = scan(capsys, project, "--format", "json")
    assert outcome.code == 0 and warnings_of(outcome) == []
    data = json.loads(outcome.stdout)
    assert {m["model"] for m in data["models"]} == {"gpt2", "t5-small"}
    assert data["stats"]["binary"] == 1
    assert "pyproject.toml does not parse" in data["project"]["license_detail"]["notes"]


# -- nesting -----------------------------------------------------------------------------------------
DEEP_CASES = {
    "JSON notebook 100k levels": ("deep.ipynb", '{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}",
                                  "nested too deeply"),
    "Python unary 10k deep": ("deep.py", "x = " + "-" * 10_000 + "1\n", "nested too deeply"),
    "Python loader argument 10k terms": (
        "deep.py", 'from transformers import AutoModel\nAutoModel.from_pretrained('
        + " + ".join(['"a"'] * 10_000) + ")\n", "nested too deeply"),
    "Python brackets 10k deep": ("deep.py", "x = " + "[" * 10_000 + "]" * 10_000 + "\n", None),
    "package.json 100k levels": ("package.json", '{"license": ' + "[" * 100_000
                                 + "]" * 100_000 + "}", None),
    "pyproject.toml 100k levels": ("pyproject.toml", "x = " + "[" * 100_000 + "]" * 100_000,
                                   None),
}


@pytest.mark.parametrize("case", list(DEEP_CASES))
def test_deep_nesting_is_skipped_not_a_crash(case: str, project: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    name, text, message = DEEP_CASES[case]
    (project / name).write_text(text)
    outcome = scan(capsys, project, "--format", "json")
    assert outcome.code == 0
    assert "gpt2" in outcome.stdout
    if message:
        one_warning(outcome, f"ptmx: {name}: ", message)
    else:
        assert warnings_of(outcome) == []


def test_a_thousand_nested_folders(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cwd = Path.cwd()  # relative mkdir: one absolute path would pass PATH_MAX
    os.chdir(project)
    try:
        for _ in range(1_100):
            os.mkdir("d")
            os.chdir("d")
        Path("bottom.py").write_text(LOADER.format("t5-small"))
    finally:
        os.chdir(cwd)
    try:
        outcome = scan(capsys, project, "--format", "json")
    finally:
        _remove_chain(project, 1_100)
    assert outcome.code == 0 and warnings_of(outcome) == []
    t5 = next(m for m in json.loads(outcome.stdout)["models"] if m["model"] == "t5-small")
    assert t5["references"][0]["path"] == "d/" * 1_100 + "bottom.py"


def _remove_chain(root: Path, depth: int) -> None:
    """Remove the nested folders bottom-up (pytest's recursive clean-up would overflow)."""
    cwd = Path.cwd()
    os.chdir(root)
    try:
        for _ in range(depth):
            os.chdir("d")
        os.remove("bottom.py")
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(cwd)


# -- ignore patterns ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("patterns", "bad"), [
    ("**/[z-a]\n", ["**/[z-a]"]),
    ("[z-a].py\n*.log\n[9-0]\n", ["[z-a].py", "[9-0]"]),
    ("[\n", []),                      # an unterminated class is a literal "["
    ("ignored.py\n**/[z-a]\n", ["**/[z-a]"]),
])
def test_bad_ignore_patterns_are_one_warning_each(patterns: str, bad: list[str], project: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".gitignore").write_text(patterns)
    (project / "ignored.py").write_text(LOADER.format("t5-small"))
    outcome = scan(capsys, project, "--format", "json")
    assert outcome.code == 0
    assert len(warnings_of(outcome)) == len(bad)
    for pattern in bad:
        one_warning(outcome, f".gitignore: {pattern}: not a valid pattern")
    # The valid patterns around a bad one still apply.
    assert ("t5-small" in outcome.stdout) == ("ignored.py" not in patterns)


# -- names and contents are data ---------------------------------------------------------------------
HOSTILE_NAMES = {
    "ESC in a file name": "\x1b]0;pwned\x07\x1b[2J.py",
    "newline in a file name": "evil\nerror: fake finding.py",
    "markup in a file name": "[bold red]x[link=https:evil.example]y.py",
    "bidi override in a file name": "safe\u202eyp.exe.py",
}


@pytest.mark.parametrize("case", list(HOSTILE_NAMES))
def test_file_names_are_data(case: str, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = HOSTILE_NAMES[case]
    (project / name).write_text(LOADER.format("t5-small"))
    outcomes = scan_all_formats(capsys, project)
    assert all(o.code == 0 for o in outcomes.values())
    # JSON keeps the raw name as a string value.
    data = json.loads(outcomes["json"].stdout)
    t5 = next(m for m in data["models"] if m["model"] == "t5-small")
    assert t5["references"][0]["path"] == name
    sarif = json.loads(outcomes["sarif"].stdout)
    assert "\x1b" not in outcomes["sarif"].stdout  # JSON escapes control characters
    assert sarif["version"] == "2.1.0"
    # The table shows the name inert: no control character, markup as written.
    table = outcomes["table"].stdout
    assert "\x1b" not in table and "\u202e" not in table
    if "[bold red]" in name:
        assert name in table.replace("\n", "")


def test_file_names_that_are_not_utf8(project: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Bytes that are not UTF-8 in a name: shown as U+FFFD, every format still written."""
    os.mkdir(os.path.join(bytes(project), b"sub\xff"))
    name = os.path.join(bytes(project), b"sub\xff", b"\xfe\xff.py")
    with open(name, "w") as fh:
        fh.write(LOADER.format("t5-small"))
    outcomes = scan_all_formats(capsys, project)
    data = json.loads(outcomes["json"].stdout)
    t5 = next(m for m in data["models"] if m["model"] == "t5-small")
    assert t5["references"][0]["path"] == "sub\ufffd/\ufffd\ufffd.py"
    out = tmp_path / "bom.json"
    assert main(["scan", str(project), "--format", "cyclonedx", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["components"]


def test_hostile_contents_are_data(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "app.py").write_text(
        'from transformers import pipeline\n'
        'pipeline("text-generation", model=f"acme/{x}\\x1b[2J[link=http://evil]y[/link]")\n'
        'AutoModel.from_pretrained("https://huggingface.co/ev\x1bil[bold]/x")\n')
    outcomes = scan_all_formats(capsys, project)
    table = outcomes["table"].stdout
    assert "\x1b" not in table
    assert "[link=http://evil]y[/link]" in table.replace("\n", "")
    data = json.loads(outcomes["json"].stdout)
    assert any("[link=http://evil]" in (r["reason"] or "") for r in data["unresolved"])


def test_outside_text_never_reaches_a_terminal_raw(project: Path) -> None:
    (project / "\x1b]0;pwned\x07.py").write_text(
        LOADER.format("t5-small") + 'pipeline("x", model=f"{a}\x1b[2J")\n')
    os.symlink("/nonexistent/\x1b[31mred", project / "\x1b[5mlink.py")
    for fmt in ("table", "json"):
        outcome = run_on_tty("scan", str(project), "--format", fmt, env=base_env())
        assert outcome.code == 0, outcome.stdout
        assert outside_escapes(outcome.stdout) == [], outcome.stdout
        assert "Traceback" not in outcome.stdout
        assert "link.py: a broken symbolic link" in outcome.stdout


# -- failures are one line ------------------------------------------------------------------------
@pytest.mark.parametrize(("case", "code"), [
    ("missing folder with ESC", 2), ("a file, not a folder", 2), ("a FIFO, not a folder", 2),
    ("bad --fail-on with markup", 2),
])
def test_failures_are_one_escaped_line(case: str, code: int, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    args: list[str] = []
    if case == "missing folder with ESC":
        target = tmp_path / "gone\x1b[2J"
    elif case == "a file, not a folder":
        target = tmp_path / "file\x1b]0;t\x07.py"
        target.write_text("x = 1\n")
    elif case == "a FIFO, not a folder":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = tmp_path
        args = ["--fail-on", "[bold]x\x1b[2J"]
    outcome = scan(capsys, target, *args)
    outcome.assert_clean_failure(code)
    assert outcome.stderr.startswith("ptmx: ") and "\x1b" not in outcome.stderr
    assert outcome.stdout == ""


# -- the hub only sees hub ids -----------------------------------------------------------------------
@pytest.fixture
def fake_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    server = FakeHub().start()
    server.add_model("acme/tiny-llm", sha="c" * 40, tags=["license:mit"],
                     cardData={"license": "mit"})
    point_env_at(server.url, tmp_path, monkeypatch)
    yield server
    server.stop()


@pytest.mark.parametrize("model_url", [
    "https://huggingface.co/acme%2F..%2Fapi/x",
    "https://huggingface.co/ev\x1bil/x",
    "https://huggingface.co/ａcme/x",
    "https://huggingface.co/a..b/x",
])
def test_only_hub_ids_are_sent_to_the_hub(model_url: str, project: Path, fake_hub: FakeHub,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (project / "app.py").write_text(LOADER.format("acme/tiny-llm")
                                    + f'AutoModel.from_pretrained("{model_url}")\n')
    outcome = scan(capsys, project, "--hub", "--format", "json")
    assert outcome.code == 0
    paths = [seen.path for seen in fake_hub.seen()]
    # The real id did reach the hub; nothing else did.
    assert "/api/models/acme/tiny-llm" in paths, paths
    assert set(paths) <= {"/api/models/acme/tiny-llm", "/api/models/gpt2"}, paths
    one_warning(outcome, "not a hub model id, not looked up")
    assert "\x1b" not in outcome.stderr
