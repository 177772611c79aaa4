"""Hostile arguments and settings: bad, huge and negative numbers, unknown choices, and ids
that carry escape sequences, markup or newlines into "not found" errors and "did you mean" hints.

Each case: exit 2, one line on stderr without a traceback, no raw ESC, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.hostile_data import HOSTILE, assert_clean_failure, hostile_dataset, run_cli
from tests.hostile.conftest import base_env, outside_escapes, run_on_tty, snapshot_tree


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_dataset(tmp_path_factory.mktemp("hostile") / "data")


@pytest.mark.parametrize("value", [
    "99999999999999999999",  # too big for C: crashed in pyarrow with a traceback
    str(2**31), "-1", "abc", "1.5", "1e3", "", " ", "\x1b[2J", "0x10", "٣",
])
@pytest.mark.parametrize("command", [["search", "bert"], ["query", "SELECT 1"]])
def test_bad_row_limits_are_one_line(command: list[str], value: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli([*command, "--limit", value], capsys)
    if value == "٣":  # Python's int() reads Arabic-Indic digits: 3 is a fine limit
        assert code == 0, err
        return
    assert_clean_failure(code, out, err)
    assert "--limit" in err


@pytest.mark.parametrize("command", [["search", "bert"], ["query", "SELECT 1"]])
def test_limit_0_means_all(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli([*command, "--limit", "0", "--format", "csv"], capsys)
    assert code == 0, err
    assert len(out.splitlines()) >= 2  # header and at least one row, not a refusal


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "abc", "1e10", "", "86401"])
def test_bad_query_timeouts_are_one_line(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["query", "SELECT 1", "--timeout", value], capsys)
    assert_clean_failure(code, out, err)
    assert "--timeout" in err


@pytest.mark.parametrize(("name", "value"), [
    ("PTMX_QUERY_TIMEOUT", "nan"), ("PTMX_QUERY_TIMEOUT", "inf"), ("PTMX_QUERY_TIMEOUT", "-3"),
    ("PTMX_QUERY_TIMEOUT", "soon"), ("PTMX_QUERY_TIMEOUT", "1e308"),
    ("PTMX_QUERY_MEMORY", "lots"), ("PTMX_QUERY_MEMORY", "-1GB"), ("PTMX_QUERY_MEMORY", "0MB"),
    ("PTMX_QUERY_MEMORY", "1GB'; SET enable_external_access=true; --"),
])
def test_bad_query_settings_are_one_line(name: str, value: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    # A fresh cache folder: the memory limit is set when a store's database is first opened.
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(name, value)
    code, out, err = run_cli(["query", "SELECT 42 AS answer"], capsys)
    assert_clean_failure(code, out, err)
    assert name in err


def test_good_query_settings_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PTMX_QUERY_TIMEOUT", "12.5")
    monkeypatch.setenv("PTMX_QUERY_MEMORY", "300mb")
    code, out, err = run_cli(["query", "SELECT current_setting('memory_limit') AS m",
                              "--format", "csv"], capsys)
    assert code == 0, err
    assert out.splitlines()[1].replace(" ", "") in ("286.1MiB", "300.0MB", "286.0MiB"), out


@pytest.mark.parametrize("argv", [
    ["stats", "--format", "xml"],
    ["search", "bert", "--format", "\x1b[31mred"],
    ["search", "bert", "--sort", "[link=x]y"],
    ["model", "gpt2", "--format", "csv"],
    ["frobnicate"],
    ["\x1b]0;title\x07"],
    ["search"],
    ["query"],
])
def test_unknown_choices_and_commands_are_one_line(argv: list[str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(argv, capsys)
    assert_clean_failure(code, out, err)


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("command", ["model", "project"])
def test_hostile_ids_in_not_found_errors_are_escaped(command: str, hostile: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli([command, hostile + "-nope"], capsys)
    assert_clean_failure(code, out, err)
    assert "\x9b" not in err and "\u202e" not in err and "\r" not in err
    assert err.startswith("ptmx: no ")


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_did_you_mean_hints_are_escaped(hostile: str, hostile_data: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # The hint lists dataset ids close to the one asked for: the hostile rows themselves.
    before = snapshot_tree(hostile_data)
    code, out, err = run_cli(["--data", str(hostile_data), "model", hostile[:7]], capsys)
    assert_clean_failure(code, out, err)
    assert "did you mean" in err
    assert snapshot_tree(hostile_data) == before


@pytest.mark.parametrize("hostile", [HOSTILE["osc-title"], HOSTILE["clear-screen"],
                                     HOSTILE["c1-csi"]], ids=["osc", "clear", "c1"])
def test_on_a_terminal_no_escape_reaches_it(hostile: str, hostile_data: Path) -> None:
    outcome = run_on_tty("--data", str(hostile_data), "model", hostile[:7] + "\x1b[5m",
                         env=base_env(PTMX_CACHE=str(hostile_data.parent / "cache")))
    assert outcome.code == 2
    assert outside_escapes(outcome.stdout) == []
    assert "did you mean" in outcome.stdout


def test_import_into_the_current_folder_is_one_line(peatmoss_db: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    before = snapshot_tree(tmp_path)
    for out_arg in (".", "./", str(tmp_path), ".."):
        code, out, err = run_cli(["import", str(peatmoss_db), out_arg, "--force"], capsys)
        assert_clean_failure(code, out, err)
    assert snapshot_tree(tmp_path) == before
