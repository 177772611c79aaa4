"""Which models a remedy offers (issue 18, remedies read on the sample): the same job means the
same architecture, base family or narrow task before a broad one; the same role and a similar
size; never a model that most likely carries the flagged terms, declared licence or not."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ptmx.licenses import check, remedies_for
from ptmx.licenses.remedies import Remedy, name_family, roles, same_kind, similar_size
from ptmx.store import Store, open_store
from tests.licenses.conftest import build_license_dataset


def _remedy(store: Store, model: str) -> Remedy:
    findings = [r for r in check(store, model=model).findings
                if r.model == model and r.verdict == "use-constrained"]
    assert findings, model
    remedy = remedies_for(store, findings[:1])[0]
    assert remedy is not None
    return remedy


def _offered(store: Store, model: str) -> list[str]:
    return [a.model for a in _remedy(store, model).alternatives]


# --------------------------------------------------------------------------- the rules by id
def test_role_words_must_match() -> None:
    assert roles("facebook/dpr-question_encoder-single-nq-base") == {"question", "encoder"}
    assert roles("facebook/dpr-reader-single-nq-base") == {"reader"}
    assert roles("mosaicml/mpt-7b-chat") == roles("mosaicml/mpt-7b-instruct") == {"dialogue"}
    assert not same_kind("vblagoje/dpr-ctx_encoder-single-lfqa-wiki",
                         "facebook/dpr-reader-single-nq-base")
    assert not same_kind("mosaicml/mpt-7b", "mosaicml/mpt-7b-chat")  # a base LM is no chat model
    assert not same_kind("cmarkea/distilcamembert-base-ner", "cmarkea/distilcamembert-base-qa")
    assert same_kind("acme/dpr-ctx_encoder-x", "facebook/dpr-ctx_encoder-multiset-base")


def test_a_model_for_one_language_is_no_remedy_for_another() -> None:
    flagged = "nguyenvulebinh/wav2vec2-base-vietnamese-250h"
    assert not same_kind("facebook/wav2vec2-base-960h", flagged)  # English speech recognition
    assert not same_kind("acme/wav2vec2-base-korean", flagged)
    assert same_kind("acme/wav2vec2-base-vietnamese", flagged)
    assert not same_kind("acme/bert-base-german-cased", "bert-base-cased")


def test_sizes_must_be_alike_when_the_ids_name_them() -> None:
    assert not similar_size("skeskinen/llama-lite-134m", "decapoda-research/llama-7b-hf")
    assert not similar_size("mosaicml/mpt-30b", "mosaicml/mpt-7b-chat")
    assert similar_size("openlm-research/open_llama_7b", "decapoda-research/llama-7b-hf")
    assert similar_size("databricks/dolly-v2-12b", "databricks/dolly-v1-6b")
    assert not similar_size("acme/llama-chat", "acme/llama-7b")  # a count named, none given
    assert similar_size("bert-large-cased", "bert-base-cased")
    assert not similar_size("bert-tiny", "bert-large-cased")
    assert similar_size("acme/anything", "xlm-mlm-en-2048")  # no size named: no constraint


def test_test_fixtures_are_never_offered() -> None:
    assert not same_kind("hf-internal-testing/tiny-random-LlamaForCausalLM", "acme/llama")
    assert not same_kind("patrickvonplaten/wav2vec2_tiny_random", "acme/wav2vec2")


def test_a_leading_role_word_is_no_family_and_a_prefix_word_may_precede_it() -> None:
    family = name_family("kalpeshk2011/instruct-llama-7b-wdiff")
    assert family is not None and family[0] == "llama"  # not instruct*, as instruct-pix2pix
    pattern = name_family("decapoda-research/llama-7b-hf")[1]  # type: ignore[index]
    import re
    assert re.search(pattern, "openlm-research/open_llama_7b")
    assert not re.search(pattern, "acme/flamingo-7b")


def test_a_tool_named_after_a_family_is_not_of_it() -> None:
    """Stable Diffusion's family holds its versions, not a prompt generator that ends on its
    name, nor Stability's language or code models."""
    import re
    family = name_family("stabilityai/stable-diffusion-3-medium")
    assert family is not None and family[0] == "stable-diffusion"
    assert re.search(family[1], "runwayml/stable-diffusion-v1-5")
    for other in ("gustavosta/magicprompt-stable-diffusion", "stabilityai/stablelm-base-alpha-7b",
                  "stabilityai/stable-code-3b"):
        assert not re.search(family[1], other), other


# --------------------------------------------------------------------------- fixtures
MODELS = {
    "fair/dpr-question_encoder-nq": ["cc-by-nc-4.0"],
    "fair/dpr-ctx_encoder-nq": ["cc-by-nc-4.0"],
    "st/fair-dpr-question_encoder-nq": ["apache-2.0"],  # a port, relabelled
    "other/dpr-question_encoder-lfqa": ["mit"],         # same line, no recorded base
    "free/bart-base": ["apache-2.0"],                   # same broad card task only
    "nv/segf-b0-ade": ["cc-by-nc-4.0"],
    "nv/segf-b1-ade": ["cc-by-nc-4.0"],
    "someone/segf_b2_clothes": ["mit"],
    "acme/lm-7b": ["cc-by-nc-4.0"],
    "acme/lm-7b-ft": ["cc-by-nc-4.0"],
    "third/lm-chat-7b": ["mit"],                        # an MIT fine-tune of the NC model
    "open/open_lm_7b": ["apache-2.0"],
}
PROJECTS = {
    "alice/app": (["mit"], ["fair/dpr-question_encoder-nq", "nv/segf-b0-ade", "acme/lm-7b"]),
    "bob/a": (["mit"], list(MODELS)),
}
EDGES = [("third/lm-chat-7b", "acme/lm-7b", "finetune")]


def _store(tmp_path: Path) -> Store:
    folder = build_license_dataset(tmp_path / "rules", MODELS, PROJECTS, EDGES)
    ids = {m: i for i, m in enumerate(MODELS, 1)}
    cards = ["fair/dpr-question_encoder-nq", "free/bart-base", "other/dpr-question_encoder-lfqa"]
    pq.write_table(pa.table({
        "model_id": pa.array([ids[m] for m in cards], pa.int64()), "model": cards,
        "license": pa.array([None] * 3, pa.string()),
        "task": ["feature extraction"] * 3}), folder / "model_card.parquet")
    return open_store(folder)


def test_a_broad_task_counts_only_within_the_name_family(tmp_path: Path) -> None:
    store = _store(tmp_path)
    remedy = _remedy(store, "fair/dpr-question_encoder-nq")
    assert remedy.job == "task feature-extraction in name family dpr*"
    assert "free/bart-base" not in [a.model for a in remedy.alternatives]


def test_a_port_and_a_vendor_line_model_without_base_are_presumed_derived(tmp_path: Path) -> None:
    store = _store(tmp_path)
    # the port names a restricted model; the other owner's dpr-… has no recorded base while
    # every dpr of the flagged model's owner is NC
    assert _offered(store, "fair/dpr-question_encoder-nq") == []
    assert _offered(store, "nv/segf-b0-ade") == []


def test_effective_terms_not_the_own_licence_decide(tmp_path: Path) -> None:
    store = _store(tmp_path)
    offered = _offered(store, "acme/lm-7b")
    assert "third/lm-chat-7b" not in offered  # MIT itself, NC through its base
    assert offered == ["open/open_lm_7b"]


# --------------------------------------------------------------------------- the sample
def test_sample_remedies_read_in_issue_18(sample_store: Store) -> None:
    assert _offered(sample_store, "facebook/dpr-reader-single-nq-base") == []
    assert _offered(sample_store, "facebook/dpr-question_encoder-single-nq-base") == []
    assert _offered(sample_store, "Babelscape/rebel-large") == []
    assert _offered(sample_store, "nvidia/segformer-b0-finetuned-ade-512-512") == []
    assert _offered(sample_store, "kalpeshk2011/instruct-llama-7b-wdiff") == []
    llama = _offered(sample_store, "decapoda-research/llama-7b-hf")
    assert "openlm-research/open_llama_7b" in llama and "skeskinen/llama-lite-134m" not in llama
    assert _offered(sample_store, "mosaicml/mpt-7b-chat") == ["mosaicml/mpt-7b-instruct"]
    assert _offered(sample_store, "xlm-mlm-en-2048")[:2] == ["xlm-roberta-base", "xlm-roberta-large"]
    assert _offered(sample_store, "facebook/nllb-200-distilled-600M") == []  # NHNDQ's fine-tunes
    # the Apache-2.0 Vietnamese wav2vec2 of the sample, not English speech recognition
    assert _offered(sample_store, "nguyenvulebinh/wav2vec2-base-vietnamese-250h") == [
        "dragonSwing/wav2vec2-base-vietnamese"]
