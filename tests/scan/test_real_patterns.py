"""Patterns seen in real repositories (issue 15): vendored library copies and catalogues set
aside, shell flags, .env files, single-line JSON, argparse defaults, timm and open_clip resolved
as the libraries resolve them, how each model was found. Every project is built in tmp_path."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ptmx.cli import main
from ptmx.scan.bom import to_cyclonedx
from ptmx.scan.detect import (
    Reference,
    detect_config,
    detect_python,
    detect_shell,
    open_clip_table,
    timm_table,
)
from ptmx.scan.report import ScanReport, scan_project
from ptmx.scan.sarif import to_sarif
from ptmx.store import Store

KNOWN = frozenset({"bert-base-uncased", "bert-large-cased", "roberta-base", "gpt2",
                   "sentence-transformers/all-MiniLM-L6-v2"})


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def _models(refs: list[Reference]) -> set[str | None]:
    return {r.model for r in refs if r.resolved}


# A copied transformers package: archive maps, doc checkpoints, its own tests.
TRANSFORMERS_COPY = {
    "src/transformers/__init__.py": '__version__ = "4.4.0"\nfrom .modeling_bert import BertModel\n',
    "src/transformers/modeling_bert.py": '''
        _CHECKPOINT_FOR_DOC = "bert-base-uncased"
        BERT_PRETRAINED_MODEL_ARCHIVE_LIST = [
            "bert-base-uncased",
            "bert-large-cased",
        ]
        class BertModel:
            pass
        model = BertModel.from_pretrained("acme/bert-only-in-the-copy")
    ''',
    "src/transformers/tests/test_modeling_bert.py": '''
        from transformers import AutoModel
        model = AutoModel.from_pretrained("acme/library-test-model")
    ''',
}


@pytest.fixture
def vendoring_project(tmp_path: Path) -> Path:
    """A project that loads one model and carries a copy of transformers inside its tree."""
    return _write(tmp_path / "proj", {
        **{f"third/{k}": v for k, v in TRANSFORMERS_COPY.items()},
        "app.py": '''
            from transformers import AutoModel
            model = AutoModel.from_pretrained("roberta-base")
        ''',
        "libs/pytorch_pretrained_bert/__init__.py": "",
        "libs/pytorch_pretrained_bert/modeling.py":
            'from x import y\nmodel = y.from_pretrained("acme/inside-pretrained-bert")\n',
        "third_party/thing/load.py":
            'from transformers import AutoModel\nAutoModel.from_pretrained("acme/third-party")\n',
    })


def test_vendored_copies_are_set_aside(vendoring_project: Path, sample_store: Store) -> None:
    report = scan_project(vendoring_project, sample_store)
    listed = {m.model for m in report.listed()}
    assert listed == {"roberta-base"}
    vendored = {m.model for m in report.models if m.vendored}
    assert {"acme/bert-only-in-the-copy", "acme/library-test-model", "acme/inside-pretrained-bert",
            "acme/third-party"} <= vendored
    assert report.set_aside["models"] == len(vendored)
    assert set(report.set_aside["folders"]) == {
        "third/src/transformers", "libs/pytorch_pretrained_bert", "third_party"}


def test_json_marks_vendored_models_and_references(vendoring_project: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(vendoring_project), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_model = {m["model"]: m for m in data["models"]}
    copy = by_model["acme/bert-only-in-the-copy"]
    assert copy["vendored"] is True and copy["found_by"] == "vendored"
    assert all(r["vendored"] for r in copy["references"])
    assert "library" in copy["references"][0]["vendored_reason"]
    own = by_model["roberta-base"]
    assert own["vendored"] is False and own["found_by"] == "loader call"
    assert data["set_aside"]["references"] >= 6


def test_bom_of_a_project_with_a_transformers_copy_lists_only_its_own_models(
        vendoring_project: Path, sample_store: Store) -> None:
    bom = to_cyclonedx(scan_project(vendoring_project, sample_store))
    assert [c["name"] for c in bom["components"]] == ["roberta-base"]
    props = {p["name"]: p["value"] for p in bom["metadata"]["properties"]}
    assert "6 model(s) only found in vendored" in props["ptmx:vendored_set_aside"]
    sarif = to_sarif(scan_project(vendoring_project, sample_store))
    assert sarif["runs"][0]["properties"]["models"] == ["roberta-base"]
    assert all("third" not in json.dumps(r["locations"]) for r in sarif["runs"][0]["results"])


def test_include_vendored_lists_them(vendoring_project: Path, sample_store: Store,
                                     capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    report = scan_project(vendoring_project, sample_store, include_vendored=True)
    assert "acme/third-party" in {m.model for m in report.listed()}
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["scan", str(vendoring_project)]) == 0
    out = capsys.readouterr().out
    assert "acme/third-party" not in out.split("vendored:")[0]
    assert "set aside (--include-vendored lists them)" in out
    assert main(["scan", str(vendoring_project), "--include-vendored"]) == 0
    assert "acme/third-party" in capsys.readouterr().out


def test_library_checkout_inside_the_project(tmp_path: Path, sample_store: Store) -> None:
    """microsoft/LoRA: examples/NLU is a transformers checkout; its top-level *.sh are the
    project's own runs."""
    root = _write(tmp_path / "lora", {
        "examples/NLU/setup.py": 'from setuptools import setup\nsetup(name="transformers")\n',
        "examples/NLU/examples/run_glue.py":
            'from transformers import AutoModel\nAutoModel.from_pretrained("acme/example-model")\n',
        "examples/NLU/roberta_base_mnli.sh":
            "python examples/run_glue.py \\\n  --model_name_or_path acme/roberta-run \\\n"
            "  --output_dir out/\n",
    })
    report = scan_project(root, sample_store)
    assert {m.model for m in report.listed()} == {"acme/roberta-run"}
    assert {m.model for m in report.models if m.vendored} == {"acme/example-model"}


def test_project_package_named_like_a_library_is_its_own(tmp_path: Path,
                                                         sample_store: Store) -> None:
    """isl-org/MiDaS ships midas/ at its top level: that is the project, not a copy."""
    root = _write(tmp_path / "MiDaS", {
        "midas/__init__.py": "",
        "midas/blocks.py":
            'import torch\nm = torch.hub.load("facebookresearch/WSL-Images", "resnext101_32x8d_wsl")\n',
    })
    report = scan_project(root, sample_store)
    assert [m.model for m in report.listed()] == ["facebookresearch/WSL-Images:resnext101_32x8d_wsl"]


def test_catalogue_table_of_model_ids_is_not_a_use() -> None:
    """bert_score's model2layers: a dict keyed by ~100 model ids the user may choose from."""
    rows = "\n".join(f'    "acme/model-{i}": {i},' for i in range(12))
    src = (f"model2layers = {{\n{rows}\n}}\n"
           'lang2model = {"en": "roberta-base"}\n'
           "def get_model(lang):\n"
           "    from transformers import AutoModel\n"
           "    return AutoModel.from_pretrained(lang2model[lang])\n")
    refs = detect_python(src, "bert_score/utils.py", KNOWN | {f"acme/model-{i}" for i in range(12)})
    catalogue = [r for r in refs if r.vendored]
    assert len(catalogue) == 12 and all("library catalogue" in (r.vendored_reason or "")
                                        for r in catalogue)
    own = [r for r in refs if not r.vendored and r.resolved]
    assert [r.model for r in own] == ["roberta-base"]


def test_archive_map_in_a_renamed_copy_is_a_catalogue() -> None:
    src = ('PRETRAINED_MODEL_ARCHIVE_MAP = {\n'
           '    "bert-base-uncased": "https://s3.amazonaws.com/x/bert-base-uncased.tar.gz",\n}\n'
           '_CONFIG_FOR_DOC = "BertConfig"\n_CHECKPOINT_FOR_DOC = "bert-large-cased"\n')
    refs = detect_python(src, "code/knowledge_bert/modeling.py", KNOWN)
    assert refs and all(r.vendored for r in refs)


# -- shell scripts and Dockerfiles -------------------------------------------------------------
def test_shell_flags_and_variables() -> None:
    text = textwrap.dedent("""
        #!/bin/bash
        pretrained_model=acme/longcoder-base
        export BASE_MODEL="acme/llama-7b"
        python train.py \\
            --model_name_or_path acme/vicuna-13b \\
            --vision_tower acme/clip-336 \\
            --tokenizer_name=roberta-base \\
            --model-path acme/llava-13b \\
            --output_dir checkpoints/run1 \\
            --model_name_or_path bert_models/roberta-large \\
            --model_name_or_path $pretrained_model \\
            --data_path acme/some-data
        # --model_name_or_path acme/commented-out
    """)
    refs = detect_shell(text, "run.sh", KNOWN)
    assert _models(refs) == {"acme/longcoder-base", "acme/llama-7b", "acme/vicuna-13b",
                             "acme/clip-336", "roberta-base", "acme/llava-13b"}
    assert {r.found_by for r in refs} == {"shell flag"}


def test_dockerfile_python_c_and_env() -> None:
    text = ('FROM python:3.11\n'
            'ENV EMBEDDING_MODEL=acme/embedder\n'
            'RUN python -c "from transformers import AutoModel; '
            'AutoModel.from_pretrained(\'acme/baked-in\')"\n')
    refs = detect_shell(text, "Dockerfile", KNOWN)
    by_model = {r.model: r for r in refs}
    assert set(by_model) == {"acme/embedder", "acme/baked-in"}
    assert by_model["acme/baked-in"].line == 3
    assert by_model["acme/baked-in"].found_by == "loader call"


def test_legacy_and_resolve_download_urls() -> None:
    text = ("wget https://s3.amazonaws.com/models.huggingface.co/bert/gpt2-medium-pytorch_model.bin\n"
            "curl -LO https://huggingface.co/acme/annotators/resolve/main/body.pth\n")
    assert _models(detect_shell(text, "get.sh", KNOWN)) == {"gpt2-medium", "acme/annotators"}


# -- env files and configs ------------------------------------------------------------------------
@pytest.mark.parametrize("name", [".env", ".env.example", ".env.local", "docker.env"])
def test_env_files_are_read(tmp_path: Path, sample_store: Store, name: str) -> None:
    root = _write(tmp_path / "p", {name: "# models\nEMBEDDING_MODEL=acme/env-embedder\n"
                                         "OUTPUT_DIR=models/out\nPORT=8080\n"})
    report = scan_project(root, sample_store)
    (use,) = report.listed()
    assert use.model == "acme/env-embedder" and use.found_by == "env file"


def test_single_line_json_in_a_yaml_block_scalar() -> None:
    text = textwrap.dedent("""
        envVars:
          MODELS: >
            [
              { "id": "acme/chat-a", "description": "A model", "parameters": { "max_tokens": 4 } },
              { "id": "acme/chat-b", "supportsTools": true },
              { "id": "omni" }
            ]
          PUBLIC_LOGO: "https://cdn.example/a/b.png"
    """)
    refs = detect_config(text, "chart/env/prod.yaml", KNOWN)
    assert _models(refs) == {"acme/chat-a", "acme/chat-b"}


def test_json_lines_config(tmp_path: Path, sample_store: Store) -> None:
    root = _write(tmp_path / "p", {"runs.jsonl": '{"model_name": "acme/jsonl-model", "lr": 0.1}\n'
                                                 '{"model_name": "acme/jsonl-two", "lr": 0.2}\n'})
    assert {m.model for m in scan_project(root, sample_store).listed()} == {
        "acme/jsonl-model", "acme/jsonl-two"}


def test_large_json_lines_files_are_data_not_configs(tmp_path: Path, sample_store: Store) -> None:
    row = '{"model_name": "acme/rated-model", "text": "%s"}\n' % ("x" * 200)
    root = _write(tmp_path / "p", {"eval/ratings.jsonl": row * 400})
    assert scan_project(root, sample_store).listed() == []


def test_open_clip_pair_in_a_config() -> None:
    text = textwrap.dedent("""
        conditioner:
          params:
            arch: ViT-bigG-14
            version: laion2b_s39b_b160k
            freeze: True
    """)
    (ref,) = [r for r in detect_config(text, "configs/sd_xl_base.yaml", KNOWN) if r.resolved]
    assert ref.model == "laion/CLIP-ViT-bigG-14-laion2B-39B-b160k"
    assert ref.line == 5  # the version line (line 1 is blank)


# -- Python: defaults that flow into a loader ---------------------------------------------------
def test_argparse_defaults_dataclass_fields_and_parameters() -> None:
    src = textwrap.dedent('''
        import argparse, os
        from dataclasses import dataclass, field
        from transformers import AutoModel
        parser = argparse.ArgumentParser()
        parser.add_argument("--lm_path", default="acme/opt-1.3b", type=str)
        parser.add_argument("--output_dir", default="acme/not-a-model")
        parser.add_argument("--encoder", default="acme/encoder-x")
        args = parser.parse_args()
        enc = AutoModel.from_pretrained(args.encoder)

        @dataclass
        class ModelArguments:
            model_name_or_path: str = field(default="acme/opt-125m")

        def embed(texts, model_name="acme/param-default"):
            return AutoModel.from_pretrained(model_name)

        EMBEDDER = os.getenv("EMBEDDING_MODEL", "acme/getenv-default")
        settings = {"reranker_model": "acme/dict-reranker", "port": "8080"}
    ''')
    refs = detect_python(src, "train.py", KNOWN)
    assert _models(refs) == {"acme/opt-1.3b", "acme/encoder-x", "acme/opt-125m",
                             "acme/param-default", "acme/getenv-default", "acme/dict-reranker"}
    (enc,) = [r for r in refs if r.model == "acme/encoder-x" and r.kind == "from_pretrained"]
    assert "argparse default of --encoder" in (enc.reason or "")
    assert not [r for r in refs if not r.resolved]


def test_hub_uploads_and_api_provider_names_are_not_uses() -> None:
    src = textwrap.dedent('''
        import argparse, litellm
        from huggingface_hub import HfApi
        parser = argparse.ArgumentParser()
        parser.add_argument("--hub_model_id", default="me/my-finetune")
        model.push_to_hub(repo_id="me/pushed")
        HfApi().upload_folder(repo_id="me/uploaded", folder_path="out")
        reply = litellm.completion(model="anthropic/claude-3-haiku", messages=[])
        settings = {"llm_model": "ollama/llama3", "embedding_model": "acme/embedder"}
    ''')
    assert _models(detect_python(src, "train.py", KNOWN)) == {"acme/embedder"}


def test_sentence_transformers_short_names_expand() -> None:
    src = textwrap.dedent('''
        from sentence_transformers import SentenceTransformer
        a = SentenceTransformer("all-MiniLM-L6-v2")
        b = SentenceTransformer("acme/full-name")
        c = SentenceTransformerBackend("paraphrase-multilingual-MiniLM-L12-v2")
    ''')
    assert _models(detect_python(src, "emb.py", KNOWN)) == {
        "sentence-transformers/all-MiniLM-L6-v2", "acme/full-name",
        "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"}


def test_not_hub_names_are_not_models() -> None:
    src = textwrap.dedent('''
        from efficientnet_pytorch import EfficientNet
        from knowledge_bert import BertTokenizer
        net = EfficientNet.from_pretrained("efficientnet-b4")
        tok = BertTokenizer.from_pretrained("ernie_base")
    ''')
    assert detect_python(src, "model.py", KNOWN) == []
    assert _models(detect_config('model: "ViT-L/14"\n', "unclip.yaml", KNOWN)) == set()


# -- timm and open_clip -------------------------------------------------------------------------
def test_timm_resolves_as_timm_does() -> None:
    src = textwrap.dedent('''
        import timm
        a = timm.create_model("vit_base_patch16_224", pretrained=True)
        b = timm.create_model("resnet50.a1h_in1k", pretrained=True)
        c = timm.create_model("convnext_base", pretrained=False)
        d = timm.create_model("convnext_small")
        def make(pretrained):
            return timm.create_model("swin_base_patch4_window7_224", pretrained=pretrained)
        e = timm.create_model("no_such_arch_xyz", pretrained=True)
    ''')
    refs = detect_python(src, "model.py", KNOWN)
    table = timm_table()["models"]
    assert _models(refs) == {
        f"timm/vit_base_patch16_224.{table['vit_base_patch16_224']['tag']}",
        "timm/resnet50.a1h_in1k",
        f"timm/swin_base_patch4_window7_224.{table['swin_base_patch4_window7_224']['tag']}"}
    (bad,) = [r for r in refs if not r.resolved]
    assert "no_such_arch_xyz" in (bad.reason or "") and "timm 1." in (bad.reason or "")


def test_timm_table_states_its_version_and_default_tags() -> None:
    table = timm_table()
    assert table["library"] == "timm" and table["version"]
    assert table["models"]["vit_base_patch16_224"]["tag"] == "augreg2_in21k_ft_in1k"
    assert table["models"]["resnet50"]["hub"] == "timm/resnet50.a1_in1k"


def test_open_clip_pairs_resolve_to_their_hub_repositories() -> None:
    src = textwrap.dedent('''
        import open_clip
        m, _, pre = open_clip.create_model_and_transforms("ViT-B-32", pretrained="laion2b_s34b_b79k")
        class Embedder:
            def __init__(self, arch="ViT-H-14", version="laion2b_s32b_b79k"):
                self.model = open_clip.create_model_and_transforms(arch, pretrained=version)
        untrained = open_clip.create_model("ViT-B-32")
        odd = open_clip.create_model("ViT-B-32", pretrained="no-such-tag")
    ''')
    refs = detect_python(src, "enc.py", KNOWN)
    assert _models(refs) == {open_clip_table()["models"]["ViT-B-32"]["laion2b_s34b_b79k"],
                             "laion/CLIP-ViT-H-14-laion2B-s32B-b79K"}
    (odd,) = [r for r in refs if not r.resolved]
    assert "no-such-tag" in (odd.reason or "")


# -- confidence ----------------------------------------------------------------------------------
def test_each_model_says_how_it_was_found(tmp_path: Path, sample_store: Store,
                                          capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path / "p", {
        "app.py": 'from transformers import AutoModel\nAutoModel.from_pretrained("acme/loaded")\n'
                  'NAMES = ["gpt2"]\n',
        "run.sh": "python app.py --model_name_or_path acme/flagged\n",
        "config.yaml": "model:\n  name: acme/configured\n",
    })
    report: ScanReport = scan_project(root, sample_store)
    found: dict[str, Any] = {m.model: m.found_by for m in report.listed()}
    assert found == {"acme/loaded": "loader call", "acme/flagged": "shell flag",
                     "acme/configured": "config key", "gpt2": "bare string"}
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["scan", str(root)]) == 0
    out = capsys.readouterr().out
    assert "found by" in out and "shell flag" in out
