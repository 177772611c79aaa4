"""Defaults nothing uses, models only the tests load, and ``org/repo/file.pt`` flags (issue 15,
precision pass). Every project is built in tmp_path."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from ptmx.cli import main
from ptmx.scan.detect import detect_shell
from ptmx.scan.report import ScanReport, scan_project
from ptmx.store import Store

EMBEDDERS = '''
    from transformers import T5EncoderModel, CLIPTextModel

    class FrozenT5Embedder:
        def __init__(self, version="acme/t5-never-used", device="cuda"):
            self.model = T5EncoderModel.from_pretrained(version)

    class FrozenCLIPEmbedder:
        def __init__(self, version="acme/clip-used-by-config"):
            self.model = CLIPTextModel.from_pretrained(version)

    class FrozenCLIPT5Encoder:
        def __init__(self, model_name="acme/t5-xl-never-used"):
            self.t5 = FrozenT5Embedder(model_name)
'''


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def _listed(report: ScanReport) -> set[str]:
    return {m.model for m in report.listed()}


def _by_model(report: ScanReport) -> dict[str, str]:
    return {m.model: m.found_by for m in report.models}


def test_default_of_a_class_nothing_uses_is_set_aside(tmp_path: Path,
                                                      sample_store: Store) -> None:
    root = _write(tmp_path / "proj", {
        "ldm/encoders.py": EMBEDDERS,
        "configs/v1.yaml": """
            cond_stage_config:
              target: ldm.encoders.FrozenCLIPEmbedder
        """,
    })
    report = scan_project(root, sample_store)
    # The class a shipped config names stays listed (the trap).
    assert "acme/clip-used-by-config" in _listed(report)
    # T5: only instantiated inside another class that nothing uses; CLIPT5: never mentioned.
    assert "acme/t5-never-used" not in _listed(report)
    assert "acme/t5-xl-never-used" not in _listed(report)
    found = _by_model(report)
    assert found["acme/t5-never-used"] == "unused default"
    assert found["acme/t5-xl-never-used"] == "unused default"
    assert report.set_aside["weak"]["unused default"] >= 2


def test_a_class_instantiated_elsewhere_keeps_its_default(tmp_path: Path,
                                                         sample_store: Store) -> None:
    root = _write(tmp_path / "proj", {
        "ldm/encoders.py": EMBEDDERS,
        "train.py": """
            from ldm.encoders import FrozenCLIPT5Encoder
            enc = FrozenCLIPT5Encoder()
        """,
    })
    listed = _listed(scan_project(root, sample_store))
    # Used through FrozenCLIPT5Encoder, which train.py instantiates at module level.
    assert {"acme/t5-never-used", "acme/t5-xl-never-used"} <= listed
    # FrozenCLIPEmbedder is mentioned nowhere now: its default is set aside.
    assert "acme/clip-used-by-config" not in listed


def test_a_function_called_from_main_guard_and_a_decorated_route_are_used(
        tmp_path: Path, sample_store: Store) -> None:
    root = _write(tmp_path / "proj", {
        "app.py": """
            from transformers import AutoModel
            app = object()

            def load(name="acme/called-model"):
                return AutoModel.from_pretrained(name)

            def orphan(name="acme/orphan-model"):
                return AutoModel.from_pretrained(name)

            @app.route("/embed")
            def embed(name="acme/route-model"):
                return AutoModel.from_pretrained(name)

            if __name__ == "__main__":
                load()
        """,
    })
    report = scan_project(root, sample_store)
    listed = _listed(report)
    assert {"acme/called-model", "acme/route-model"} <= listed
    assert "acme/orphan-model" not in listed
    orphan = next(m for m in report.models if m.model == "acme/orphan-model")
    assert orphan.vendored
    assert "orphan" in (orphan.references[0].vendored_reason or "")


def test_a_literal_loader_call_in_an_unused_function_stays_listed(
        tmp_path: Path, sample_store: Store) -> None:
    # Only defaults are weak: a function that loads a named model is code the project ships.
    root = _write(tmp_path / "proj", {
        "util.py": """
            from transformers import AutoModel
            def helper():
                return AutoModel.from_pretrained("acme/literal-in-helper")
        """,
    })
    assert "acme/literal-in-helper" in _listed(scan_project(root, sample_store))


def test_models_only_the_tests_load_are_test_fixtures(tmp_path: Path,
                                                     sample_store: Store) -> None:
    root = _write(tmp_path / "proj", {
        "keylib/model.py": """
            from sentence_transformers import SentenceTransformer
            def embedder(name):
                return SentenceTransformer(name)
            DEFAULT = SentenceTransformer("acme/shipped-model")
        """,
        "tests/test_model.py": """
            from sentence_transformers import SentenceTransformer
            model = SentenceTransformer("acme/test-only-model")
            shipped = SentenceTransformer("acme/shipped-model")
        """,
        "test_top.py": """
            from transformers import AutoModel
            AutoModel.from_pretrained("acme/another-test-model")
        """,
    })
    report = scan_project(root, sample_store)
    listed = _listed(report)
    # Named in the package too: the tests don't demote it (the trap).
    assert "acme/shipped-model" in listed
    assert not {"acme/test-only-model", "acme/another-test-model"} & listed
    found = _by_model(report)
    assert found["acme/test-only-model"] == "test fixture"
    assert found["acme/another-test-model"] == "test fixture"


def test_json_keeps_weak_models_flagged(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = _write(tmp_path / "proj", {
        "enc.py": EMBEDDERS,
        "tests/test_enc.py": 'from transformers import AutoModel\n'
                             'AutoModel.from_pretrained("acme/test-only-model")\n',
    })
    assert main(["scan", str(root), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    models = {m["model"]: m for m in doc["models"]}
    assert models["acme/t5-never-used"]["vendored"] is True
    assert models["acme/t5-never-used"]["found_by"] == "unused default"
    assert models["acme/test-only-model"]["found_by"] == "test fixture"
    ref = models["acme/t5-never-used"]["references"][0]
    assert ref["set_aside"] == "unused default"
    assert "FrozenT5Embedder" in ref["vendored_reason"]


@pytest.mark.parametrize(("line", "model"), [
    ('--checkpoint_path "acme/Flamingo-3B/checkpoint.pt"', "acme/Flamingo-3B"),
    ("--model_path acme/llama-7b/model.safetensors", "acme/llama-7b"),
    # A local folder tree, not a hub file.
    ("--checkpoint_path checkpoints/run1/model.pt", None),
    ("--model_path ./acme/llama/model.pt", None),
    # Deeper than org/repo/file: only when the dataset knows org/repo.
    ("--checkpoint_path acme/x/sub/model.pt", None),
])
def test_hub_file_paths_in_flags_name_their_repository(line: str, model: str | None) -> None:
    refs = detect_shell(f"python eval.py {line}\n", "run.sh")
    assert {r.model for r in refs if r.resolved} == ({model} if model else set())


def test_hub_file_path_deeper_when_known() -> None:
    refs = detect_shell("python eval.py --checkpoint_path acme/known/sub/model.pt\n", "run.sh",
                        frozenset({"acme/known"}))
    assert {r.model for r in refs} == {"acme/known"}


def test_hub_file_path_that_exists_locally_is_a_path(tmp_path: Path,
                                                     sample_store: Store) -> None:
    root = _write(tmp_path / "proj", {
        "run.sh": "python eval.py --checkpoint_path exp1/bert/model.pt\n",
        "exp1/bert/README": "local results\n",
    })
    assert _listed(scan_project(root, sample_store)) == set()


def test_table_says_what_was_set_aside_and_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = _write(tmp_path / "proj", {"enc.py": EMBEDDERS})
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["scan", str(root)]) == 0
    out = capsys.readouterr().out
    assert "3 unused default" in out
    assert "acme/t5-never-used" not in out
    assert main(["scan", str(root), "--include-vendored"]) == 0
    assert "acme/t5-never-used" in capsys.readouterr().out
