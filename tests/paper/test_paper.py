"""`ptmx paper` on the bundled sample: every analysis computes from the data (checked here by
direct counts over the sample's Parquet files), prints with the paper's figure beside it, and
stays inert on hostile model ids."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from ptmx.cli.paper import SECTIONS as CLI_SECTIONS
from ptmx.config import bundled_data_dir
from ptmx.paper import SECTIONS, PaperReport, build, published
from ptmx.paper.method import Cause, Outcome, judge, lf_table
from ptmx.store import Store

DATA = bundled_data_dir()
HOSTILE = "evil/<script>alert(1)</script>|[bold red]x[/]`*_\x1b[31m"


def sql(query: str) -> list[tuple[object, ...]]:
    """A direct query over the sample's Parquet files (``{t}`` → the path of table t)."""
    con = duckdb.connect()
    try:
        return con.execute(query.replace("{", f"'{DATA}/").replace("}", ".parquet'")).fetchall()
    finally:
        con.close()


def one(query: str) -> object:
    return sql(query)[0][0]


@pytest.fixture(scope="module")
def report(sample_store: Store) -> PaperReport:
    return build(sample_store)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


# ------------------------------------------------------------------------ the paper's method
def test_method_follows_the_papers_script() -> None:
    assert judge("apache-2.0", ["mit"]).outcome is Outcome.COMPATIBLE
    assert judge("mit", ["mit"]).identical
    assert judge("GPL-3.0", ["mit"]).outcome is Outcome.INCOMPATIBLE  # tag lower-cased, aliased
    assert judge("mit", None).cause is Cause.GH_NOT_IN_TABLE  # no licence: not in the table
    assert judge("mit", ["unlicense"]).gh == "no license"  # the script's quirk, kept
    assert judge("cc-by-nc-4.0", None).cause is Cause.BOTH_NOT_IN_TABLE
    assert judge("cc-by-4.0", ["mit"]).cause is Cause.HF_NOT_IN_TABLE
    assert judge("mit", ["mit", "apache-2.0"]).outcome is Outcome.SKIPPED
    table = lf_table()
    cells = [v for row in table.cells.values() for v in row.values()]
    # The Linux Foundation xlsx as the artifact reads it: 995 yes, 859 no, 640 "?".
    assert (cells.count("yes"), cells.count("no"), cells.count("?")) == (995, 859, 640)


# ----------------------------------------------------------------------------- the analyses
def test_overview_counts_the_data(report: PaperReport) -> None:
    assert report.overview is not None
    got = {m.key: m.value for m in report.overview.metrics}
    assert got["models"] == pq.read_metadata(DATA / "model.parquet").num_rows
    assert got["projects"] == pq.read_metadata(DATA / "reuse_repository.parquet").num_rows
    assert got["links"] == one("SELECT count(*) FROM (SELECT DISTINCT model_id, "
                               "reuse_repository_id FROM {model_to_reuse_repository})")
    assert got["reused_models"] == one("SELECT count(DISTINCT model_id) "
                                       "FROM {model_to_reuse_repository}")
    paper = {m.key: m.paper for m in report.overview.metrics}
    assert paper["models"] == 281_638 and paper["links"] == 44_337
    assert not report.overview.full


def test_documentation_counts_the_cards(report: PaperReport) -> None:
    doc = report.documentation
    assert doc is not None
    assert doc.assessed == pq.read_metadata(DATA / "model_card.parquet").num_rows
    carbon = next(f for f in doc.fields if f.field == "carbon")
    cards = pq.read_table(DATA / "model_card.parquet", columns=["carbon"]).column("carbon")
    empty = sum(1 for v in cards.to_pylist() if v is None or not str(v).strip())
    assert carbon.missing == empty and carbon.paper_share == 0.95
    for f in doc.fields:
        assert f.paper_share == published()["documentation"]["missing_share"].get(f.field)


def test_consistency_reproduces_the_papers_table(report: PaperReport) -> None:
    c = report.consistency
    assert c is not None
    links = one("SELECT count(*) FROM (SELECT DISTINCT model_id, reuse_repository_id "
                "FROM {model_to_reuse_repository})")
    multi = one("""SELECT count(*) FROM (SELECT DISTINCT model_id, reuse_repository_id
                   FROM {model_to_reuse_repository}) x JOIN (
                   SELECT reuse_repository_id FROM {reuse_repository_license}
                   GROUP BY 1 HAVING count(DISTINCT license_key) > 1) m USING (reuse_repository_id)""")
    assert c.links == links and c.skipped == multi
    assert c.analysed == links - multi == c.compatible + c.incompatible + c.unknown
    assert sum(c.unknown_causes.values()) == c.unknown
    # Links to projects scanned without any licence are unknown to the paper's method.
    no_licence = one("""SELECT count(*) FROM (SELECT DISTINCT model_id, reuse_repository_id
                        FROM {model_to_reuse_repository}) x JOIN (
                        SELECT reuse_repository_id FROM {reuse_repository_license}
                        GROUP BY 1 HAVING count(license_key) = 0) n USING (reuse_repository_id)""")
    assert isinstance(no_licence, int) and 0 < no_licence <= c.unknown
    # The sample is the paper's own input, so the paper's shares come back (to 0.1 point).
    assert round(c.compatible / c.analysed, 3) == c.paper["compatible_share"]
    assert round(c.unknown / c.analysed, 3) == c.paper["unknown_share"]
    assert c.incompatible == c.paper["incompatible"]
    # ptmx judges the same links and decides most of the paper's unknown.
    assert sum(c.unknown_by_ptmx.values()) == c.unknown
    assert c.unknown_decided > 0.9 * c.unknown
    assert sum(c.ptmx.values()) == c.analysed


def test_license_flow_covers_every_link(report: PaperReport) -> None:
    flow = report.license_flow
    assert flow is not None and report.consistency is not None
    assert sum(r.links for r in flow.rows) + flow.rest == flow.links == report.consistency.links
    assert [r.links for r in flow.rows] == sorted((r.links for r in flow.rows), reverse=True)
    top = flow.rows[0]
    assert (top.upstream, top.downstream, top.paper) == ("apache-2.0", "no license", "unknown")
    # "no license": never scanned, scanned without a licence, or the Unlicense (a quirk of
    # the paper's script).
    apache_unlicensed = one("""
        SELECT count(*) FROM (SELECT DISTINCT model_id, reuse_repository_id
                              FROM {model_to_reuse_repository}) x
        JOIN {model_to_license} ml USING (model_id) JOIN {license} l ON l.id = ml.license_id
        LEFT JOIN (SELECT reuse_repository_id, list(DISTINCT license_key)
                          FILTER (WHERE license_key IS NOT NULL) AS keys
                   FROM {reuse_repository_license} GROUP BY 1) k USING (reuse_repository_id)
        WHERE lower(l.name) = 'apache-2.0'
          AND (k.keys IS NULL OR len(k.keys) = 0 OR k.keys = ['unlicense'])""")
    assert top.links == apache_unlicensed
    assert sum(top.ptmx.values()) == top.links


def test_reuse_buckets_add_up(report: PaperReport) -> None:
    r = report.reuse
    assert r is not None
    models = pq.read_table(DATA / "model.parquet", columns=["downloads"]).column("downloads")
    assert sum(b.models for b in r.by_downloads) == len(models)
    unknown = next(b for b in r.by_downloads if b.label == "unknown")
    assert unknown.models == pc.sum(pc.is_null(models)).as_py()
    links = one("SELECT count(*) FROM (SELECT DISTINCT model_id, reuse_repository_id "
                "FROM {model_to_reuse_repository})")
    assert sum(b.reuse_total for b in r.by_downloads) == links
    assert sum(b.reuse_total for b in r.by_reuse) == links
    never = next(b for b in r.by_reuse if b.label.startswith("0"))
    assert never.models == len(models) - one("SELECT count(DISTINCT model_id) "
                                             "FROM {model_to_reuse_repository}")
    assert r.log_correlation is not None and -1 <= r.log_correlation <= 1


def test_top_models_are_the_most_reused(report: PaperReport) -> None:
    t = report.top_models
    assert t is not None and len(t.models) == 10
    direct = sql("""SELECT m.context_id, count(DISTINCT x.reuse_repository_id) AS n
                    FROM {model_to_reuse_repository} x JOIN {model} m ON m.id = x.model_id
                    GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10""")
    assert [(m.model, m.reuse_count) for m in t.models] == direct
    assert t.paper.startswith("not published")


def test_notes_name_the_differences(report: PaperReport) -> None:
    text = "\n".join(report.notes)
    assert "not the full PeaTMOSS release" in text
    assert "22,861" in text and "22,860" in text  # the paper's rows vs distinct links
    assert "leaves unknown" in text


# ------------------------------------------------------------------------------------- CLI
def test_table_prints_every_section_with_the_paper_beside(
        capsys: pytest.CaptureFixture[str], report: PaperReport) -> None:
    rc, out, err = run(capsys, "paper")
    assert rc == 0 and "section(s)" in err
    for title in ("Documentation shortcomings", "Licence flow", "Reuse by downloads",
                  "Most reused models", "Licence consistency", "differs from the paper"):
        assert title in out
    assert report.consistency is not None
    assert f"{report.consistency.unknown:,}" in out and "10,638" in out  # ours and the paper's
    assert "95%" in out and "not published" in out and "█" in out


def test_one_section(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "paper", "--section", "top-models", "--top", "3")
    assert rc == 0 and "bert-base-uncased" in out and "Documentation" not in out
    assert "xlnet-base-cased" not in out


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "paper", "--format", "json")
    assert rc == 0
    data = json.loads(out)
    assert data["sections"] == list(SECTIONS)
    assert set(data) == {"dataset", "paper", "sections", "notes", *SECTIONS}
    assert {"links", "skipped", "analysed", "compatible", "incompatible", "unknown",
            "unknown_causes", "ptmx", "unknown_by_ptmx", "unknown_decided", "paper"} \
        <= set(data["consistency"])
    assert data["consistency"]["paper"]["unknown_share"] == 0.473
    assert {"rank", "model", "reuse_count", "downloads", "license"} \
        == set(data["top-models"]["models"][0])
    assert all(isinstance(n, str) for n in data["notes"])


def test_cli_sections_match_the_package() -> None:
    assert CLI_SECTIONS == SECTIONS


@pytest.mark.parametrize("args", [("--section", "nope"), ("--top", "0"), ("--format", "pdf")])
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                          args: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["paper", *args])
    out, err = capsys.readouterr()
    assert exc.value.code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unwritable_out_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, out, err = run(capsys, "paper", "--section", "overview", "--out",
                       str(tmp_path / "missing" / "x.md"), "--format", "md")
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------------- hostile model ids
@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with its second most reused model renamed to something hostile."""
    folder = tmp_path_factory.mktemp("hostile")
    for f in DATA.iterdir():
        if f.suffix in (".parquet", ".json"):
            shutil.copy(f, folder / f.name)
    table = pq.read_table(folder / "model.parquet")
    ids = table.column("context_id").to_pylist()
    ids[ids.index("bert-base-uncased")] = HOSTILE
    i = table.schema.get_field_index("context_id")
    table = table.set_column(i, table.schema.field(i), pa.array(ids, table.schema.field(i).type))
    pq.write_table(table, folder / "model.parquet")
    return folder


def test_markdown_escapes_a_hostile_model_id(capsys: pytest.CaptureFixture[str],
                                             hostile_data: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "paper.md"
    rc, out, err = run(capsys, "paper", "--data", str(hostile_data), "--section", "top-models",
                       "--format", "md", "--out", str(out_file))
    assert rc == 0 and out == "" and "wrote" in err
    text = out_file.read_text(encoding="utf-8")
    assert "<script>" not in text and "\x1b" not in text and "[bold red]x[/]" not in text
    assert r"evil/\<script\>alert(1)\</script\>\|\[bold red\]x\[/\]" in text
    assert r"\\x1b" in text
    row = next(line for line in text.splitlines() if "evil/" in line)
    assert row.count(" | ") == 5  # the hostile "|" did not add a column


def test_html_escapes_a_hostile_model_id(capsys: pytest.CaptureFixture[str],
                                         hostile_data: Path) -> None:
    rc, out, _ = run(capsys, "paper", "--data", str(hostile_data), "--format", "html")
    assert rc == 0 and out.startswith("<!DOCTYPE html>")
    assert "<script" not in out and "\x1b" not in out and "http" not in out.lower().replace(
        "https://huggingface.co", "")
    assert "evil/&lt;script&gt;alert(1)&lt;/script&gt;|[bold red]x[/]" in out


def test_terminal_shows_a_hostile_model_id_as_text(capsys: pytest.CaptureFixture[str],
                                                   hostile_data: Path) -> None:
    rc, out, _ = run(capsys, "paper", "--data", str(hostile_data), "--section", "top-models")
    assert rc == 0 and "\x1b" not in out
    assert "[bold red]x[/]" in out and "\\x1b[31m" in out  # markup literal, ESC made visible


class _Tags(HTMLParser):
    """Checks that tags balance and that nothing is fetched."""

    VOID = frozenset({"meta"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v or "" for k, v in attrs if k in ("src", "href")]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag


def test_html_is_one_balanced_self_contained_page(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "paper", "--format", "html")
    assert rc == 0
    page = _Tags()
    page.feed(out)
    page.close()
    assert page.stack == [] and page.refs == [] and "<script" not in out
    assert out.count('class="bar') > 40  # the charts are there, as CSS bars


def test_a_dataset_without_cards_skips_documentation(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name in ("model", "license", "model_to_license", "reuse_repository",
                 "model_to_reuse_repository", "model_hub"):
        shutil.copy(DATA / f"{name}.parquet", tmp_path / f"{name}.parquet")
    rc, out, _ = run(capsys, "paper", "--data", str(tmp_path), "--format", "json")
    data = json.loads(out)
    assert rc == 0 and "documentation" not in data["sections"]
    assert any("model_card" in n for n in data["notes"])
    # Without licence scans every project is "no license": all unknown to the paper's method.
    assert data["consistency"]["unknown"] == data["consistency"]["analysed"]
    rc, out, err = run(capsys, "paper", "--data", str(tmp_path), "--section", "documentation")
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1


def test_flow_sets_the_papers_unknown_bands_beside_this_dataset(report: PaperReport) -> None:
    flow = report.license_flow
    assert flow is not None
    here = {(p["upstream"], p["downstream"]): p["here"] for p in flow.paper_top_unknown}
    assert here[("apache-2.0", "no license")] == flow.rows[0].links
