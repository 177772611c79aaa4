"""Model references: each loader pattern is found with file and line; the traps are not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ptmx.scan.detect import Reference, detect_config, detect_file, detect_python
from ptmx.scan.report import known_model_ids
from ptmx.scan.walker import walk
from ptmx.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
PATTERNS = FIXTURES / "patterns"


@pytest.fixture(scope="module")
def known(sample_store: Store) -> frozenset[str]:
    return known_model_ids(sample_store)


@pytest.fixture(scope="module")
def pattern_refs(known: frozenset[str]) -> list[Reference]:
    refs: list[Reference] = []
    for rel in walk(PATTERNS):
        refs.extend(detect_file(PATTERNS, rel, known))
    return refs


def _line_of(rel: str, needle: str) -> int:
    lines = (PATTERNS / rel).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def _find(refs: list[Reference], model: str) -> list[Reference]:
    return [r for r in refs if r.model == model]


@pytest.mark.parametrize(("model", "kind", "path", "needle"), [
    ("bert-base-uncased", "from_pretrained", "app/loaders.py", "AutoTokenizer.from_pretrained"),
    ("dslim/bert-large-NER", "pipeline", "app/loaders.py", '"dslim/bert-large-NER"'),
    ("xlm-mlm-en-2048", "pipeline", "app/loaders.py", 'model="xlm-mlm-en-2048"'),
    ("all-MiniLM-L6-v2", "sentence_transformers", "app/loaders.py", "SentenceTransformer("),
    ("openai/whisper-base", "hf_hub_download", "app/loaders.py", "hf_hub_download(repo_id"),
    ("acme/private-llm", "snapshot_download", "app/loaders.py", "snapshot_download("),
    ("pytorch/vision:resnet18", "torch_hub", "app/loaders.py", "torch.hub.load"),
    ("timm/resnet50.a1_in1k", "timm", "app/loaders.py", "hf-hub:timm"),
    ("runwayml/stable-diffusion-v1-5", "diffusers", "app/loaders.py",
     "StableDiffusionPipeline.from_pretrained"),
    ("acme/chat-lora", "peft", "app/loaders.py", "PeftModel.from_pretrained"),
    ("spacy/en_core_web_sm", "spacy", "app/loaders.py", "spacy.load"),
    ("gpt2", "literal", "app/loaders.py", "FALLBACKS"),
    ("t5-small", "literal", "app/loaders.py", "FALLBACKS"),
    ("tiiuae/falcon-7b-instruct", "config", "configs/train.yaml", "falcon-7b-instruct"),
    ("t5-small", "config", "configs/train.yaml", "tokenizer_name"),
    ("gpt2", "config", "configs/generation.json", "_name_or_path"),
    ("DeepFloyd/IF-II-L-v1.0", "cli", "scripts/fetch_models.sh", "DeepFloyd"),
    ("spacy/en_core_web_md", "spacy", "scripts/fetch_models.sh", "spacy download"),
    ("spacy/en_core_web_lg", "requirement", "pyproject.toml", "en_core_web_lg @"),
])
def test_each_pattern_is_found_with_its_line(pattern_refs: list[Reference], model: str, kind: str,
                                             path: str, needle: str) -> None:
    hits = [r for r in pattern_refs if (r.model == model or r.text == model) and r.kind == kind
            and r.path == path]
    assert hits, f"{model} ({kind}) not found in {path}"
    assert hits[0].line == _line_of(path, needle)
    assert hits[0].resolved


def test_constants_resolve_and_pinned_revision_is_kept(pattern_refs: list[Reference]) -> None:
    bert = _find(pattern_refs, "bert-base-uncased")
    assert {r.call for r in bert} == {"AutoTokenizer.from_pretrained", "AutoModel.from_pretrained"}
    assert all(r.reason and r.reason.startswith("constant ENCODER") for r in bert)
    pinned = [r for r in bert if r.revision]
    assert [r.revision for r in pinned] == ["5546055f03398095e385d7dc625e636cc8910bf2"]
    # The constant's own line is not reported a second time as a bare literal.
    assert _line_of("app/loaders.py", 'ENCODER = "') not in {r.line for r in bert}


def test_sentence_transformers_short_name_points_at_the_hub_id(
        pattern_refs: list[Reference]) -> None:
    (st,) = _find(pattern_refs, "sentence-transformers/all-MiniLM-L6-v2")
    assert st.text == "all-MiniLM-L6-v2"
    assert st.alternatives == ["all-MiniLM-L6-v2"]


def test_torch_hub_keeps_its_tag_as_revision(pattern_refs: list[Reference]) -> None:
    (hub,) = _find(pattern_refs, "pytorch/vision:resnet18")
    assert hub.hub == "pytorch-hub"
    assert hub.revision == "v0.10.0"


def test_notebook_reference_names_cell_and_line(pattern_refs: list[Reference]) -> None:
    (bart,) = _find(pattern_refs, "facebook/bart-large-cnn")
    assert (bart.path, bart.cell, bart.line) == ("notebooks/explore.ipynb", 3, 2)
    assert bart.location == "notebooks/explore.ipynb[cell 3]:2"


@pytest.mark.parametrize("model", [
    "facebook/bart-large-cnn",          # in a comment in app/traps.py (found only in the notebook)
    "EleutherAI/gpt-j-6b",              # commented-out YAML key
    "stabilityai/stable-diffusion-2-1",  # commented-out shell command
    "acme/eval-set",                    # a dataset download (--repo-type dataset)
    "acme/prices",                      # hf_hub_download(..., repo_type="dataset")
    "squad",                            # load_dataset
    "ctrl",                             # a model id, but too generic as a bare string
    "distilgpt2",                       # a bare string statement is prose
    "roberta-base",                     # mentioned in a docstring
    "local_models/tiny-bert",           # an existing folder of the project
    "checkpoints/best",                 # ./checkpoints/best is a path
    "checkpoints/gen", "outputs/falcon-ft", "data/train.jsonl",  # *_dir / output keys
])
def test_false_positive_traps_are_not_references(pattern_refs: list[Reference],
                                                 model: str) -> None:
    hits = [r for r in pattern_refs if (r.model or "").endswith(model) or r.text == model]
    if model == "facebook/bart-large-cnn":
        hits = [r for r in hits if r.path != "notebooks/explore.ipynb"]
    assert hits == []


def test_dynamic_names_are_reported_unresolved_not_guessed(
        pattern_refs: list[Reference]) -> None:
    unresolved = {r.line: r for r in pattern_refs
                  if not r.resolved and r.path == "app/traps.py"}
    assert unresolved[_line_of("app/traps.py", "f\"bert-")].reason == \
        'f-string f"bert-{size}-uncased"'
    assert "CHAT_MODEL" in unresolved[_line_of("app/traps.py", "CHAT_MODEL")].reason
    assert unresolved[_line_of("app/traps.py", "(name)")].reason == "variable name"
    assert all(r.model is None and r.text is None for r in unresolved.values())
    # Neither the paths nor the random-init timm model nor the dataset calls show up at all.
    assert len(unresolved) == 3


def test_pipeline_without_model_is_unresolved_and_timm_takes_its_default_tag(
        pattern_refs: list[Reference]) -> None:
    loaders = {r.line: r for r in pattern_refs if not r.resolved and r.path == "app/loaders.py"}
    default = loaders[_line_of("app/loaders.py", 'pipeline("sentiment-analysis")')]
    assert "default model for 'sentiment-analysis'" in default.reason
    # timm.create_model("convnext_base", pretrained=True) downloads timm's default tag.
    (tagged,) = _find(pattern_refs, "timm/convnext_base.fb_in22k_ft_in1k")
    assert tagged.line == _line_of("app/loaders.py", '"convnext_base"')
    assert "timm 1.0.31" in (tagged.reason or "")


def test_environment_default_is_mentioned_not_taken() -> None:
    src = 'import os\nfrom transformers import AutoModel\n' \
          'm = AutoModel.from_pretrained(os.getenv("MODEL", "gpt2"))\n'
    (ref,) = detect_python(src, "a.py", {"gpt2"})
    assert not ref.resolved
    assert ref.reason == "environment variable MODEL (default 'gpt2')"


def test_string_literal_needs_an_exact_known_id() -> None:
    src = 'A = "gpt2"\nB = "gpt2 is a model"\nC = "acme/unknown-model"\nD = "hf-hub:acme/x"\n'
    refs = detect_python(src, "a.py", {"gpt2"})
    assert [(r.line, r.model) for r in refs] == [(1, "gpt2"), (4, "acme/x")]
    # Without the dataset there is nothing to match bare strings against.
    assert [r.model for r in detect_python(src, "a.py", None)] == ["acme/x"]


def test_object_passed_to_pipeline_is_not_a_new_reference() -> None:
    src = ('from transformers import AutoModel, pipeline\n'
           'm = AutoModel.from_pretrained("acme/m")\n'
           'p = pipeline("ner", model=m)\n')
    assert [(r.line, r.model) for r in detect_python(src, "a.py")] == [(2, "acme/m")]


def test_locally_defined_pipeline_function_is_not_transformers() -> None:
    src = 'def pipeline(task, model):\n    return task\n\npipeline("x", "acme/thing")\n'
    assert detect_python(src, "a.py") == []


def test_python2_file_falls_back_to_patterns(tmp_path: Path, known: frozenset[str]) -> None:
    shutil.copytree(FIXTURES / "legacy", tmp_path / "legacy")
    (tmp_path / "legacy" / "old_tagger.py").write_text(
        '# Python 2\nprint "loading"\n'
        'model = AutoModel.from_pretrained("roberta-base")\n'
        '# model = AutoModel.from_pretrained("gpt2")\n'
        "nlp = spacy.load('en_core_web_sm')\n")
    refs = detect_file(tmp_path / "legacy", Path("old_tagger.py"), known)
    assert [(r.line, r.model, r.kind) for r in refs] == [
        (3, "roberta-base", "pattern"), (5, "spacy/en_core_web_sm", "pattern")]
    setup = detect_file(tmp_path / "legacy", Path("setup.py"), known)
    assert [(r.model, r.kind) for r in setup] == [("spacy/en_core_web_md", "requirement")]


def test_config_parents_make_generic_keys_model_ish() -> None:
    text = "encoder:\n  name: acme/enc\n  size: 12\ntrainer:\n  name: acme/not-a-model\n" \
           "[model]\nrepo_id = \"acme/toml-model\"\n"
    assert [(r.line, r.model) for r in detect_config(text, "c.toml")] == [
        (2, "acme/enc"), (7, "acme/toml-model")]


def test_huggingface_urls_name_the_model() -> None:
    src = 'URL = "https://huggingface.co/gpt2/resolve/main/config.json"\n' \
          'DOCS = "https://huggingface.co/docs/transformers"\n'
    assert [r.model for r in detect_python(src, "a.py", {"gpt2"})] == ["gpt2"]
