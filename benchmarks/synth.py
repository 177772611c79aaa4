"""Synthetic PeaTMOSS release for benchmarks: ``python benchmarks/synth.py OUT.db --scale 1``.

Writes one SQLite file holding every table and column of the published PeaTMOSS schema
(``PeaTMOSS.db``; listed in /work/shared/peatmoss/SCHEMA.md) at a chosen scale: 1× is the
published size (281,638 models, 28,575 reuse repositories, 44,337 model→repository links) and
10× multiplies every count. The shapes are the ones that make the real release slow to explore:

- heavy-tailed downloads (the artifact's filtered_models.json curve above 10k downloads:
  about 1,460 such models at 1×, the top near 7·10^7; below, a third of models at zero) and
  heavy-tailed reuse on both sides (mapping.csv's links-per-model and links-per-project
  curves, rescaled to the published totals: at 1× ~2,700 reused models, the top one with
  ~2,500 links, ~40 % with one link; projects average 1.55 links, ~89 % use one model, the
  busiest ~220);
- model licenses drawn with mapping.csv's frequencies, about half the models without any;
- several tags per model (millions of ``model_to_tag`` rows at 1×), libraries, frameworks,
  architectures, languages, datasets and papers with Zipf popularity, one author per model
  (a few authors own thousands of models), a ``reuse_file`` path per link;
- ``model.context_id`` as hub names (``owner/name`` or a legacy bare name) although declared
  INTEGER; Hugging Face and PyTorch Hub models (``owner/repo/entrypoint``) in ``model_hub``;
- the GitHub/discussion tables with a small realistic number of rows (``--github-scale 0``
  leaves them empty; every table exists either way).

Side files in the artifact's formats, for ``ptmx import --repo-licenses/--model-cards``:
``--licenses-json`` (project → ScanCode keys or null, like all_gh_licenses.json, including some
projects that are not in the database) and ``--cards-json`` (model id → card fields, like
model_metadata_sample.json, for a share of the models; ``upstream_model`` names another
synthetic model, so base-model chains form).

Deterministic for a given ``--seed`` and ``--scale`` (string-seeded ``random.Random`` streams,
no set iteration). Standard library only. Rows are inserted with ``executemany`` in batches;
memory is a few compact arrays per model plus the author and project names (measured: 1× in
about 25 s with 250 MB peak RSS, 257 MB file; 10× in about 7 min with 650 MB, 2.6 GB file).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sqlite3
import sys
import time
from array import array
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, islice
from pathlib import Path
from typing import Any, NamedTuple, TextIO

PUBLISHED = {"models": 281_638, "projects": 28_575, "links": 44_337}
PTH_SHARE = 362 / 281_638  # PyTorch Hub models in the release; the rest are Hugging Face
REUSED_SHARE = 0.0095  # models with at least one reusing project (~2,700 at 1×)
AUTHORS_PER_MODEL = 0.32
CARD_SHARE = 0.15
SNAPSHOT_SHARE = 0.054  # models with a full snapshot (has_snapshot = 1)
BATCH = 50_000
CHUNK = 20_000  # models generated per step of the model pass

# The published schema (SCHEMA.md), one table per entry, continuation lines indented.
# `PK` columns form the primary key, `UNIQUE` is a one-column unique constraint, `-> t.c` a
# foreign key, `| UNIQUE(a, b)` a table constraint.
SCHEMA = """
ptm_issues: id INTEGER PK, repo_url VARCHAR UNIQUE
ptm_pull_requests: id INTEGER PK, repo_url VARCHAR UNIQUE
hf_git_ref_info: id INTEGER PK, name VARCHAR, ref VARCHAR, target_commit VARCHAR
model_hub: id INTEGER PK, name VARCHAR UNIQUE, url VARCHAR UNIQUE
architecture: id INTEGER PK, name VARCHAR UNIQUE
author: id INTEGER PK, name VARCHAR UNIQUE
dataset: id INTEGER PK, name VARCHAR UNIQUE
framework: id INTEGER PK, name VARCHAR UNIQUE
language: id INTEGER PK, name VARCHAR UNIQUE, abbreviation VARCHAR UNIQUE
library: id INTEGER PK, name VARCHAR UNIQUE
license: id INTEGER PK, name VARCHAR UNIQUE
paper: id INTEGER PK, name VARCHAR UNIQUE
tag: id INTEGER PK, name VARCHAR UNIQUE
reuse_repository: id INTEGER PK, owner VARCHAR, name VARCHAR, url VARCHAR | UNIQUE(owner, name)
github_pull_request: id INTEGER PK, additions INTEGER, author_id INTEGER -> github_user.id,
    base_ref_name VARCHAR, body VARCHAR, changed_files INTEGER, closed INTEGER,
    closed_at VARCHAR, created_at VARCHAR, deletions INTEGER, head_ref_name VARCHAR,
    head_repository_id INTEGER -> github_repository.id,
    head_repository_owner_id INTEGER -> github_user.id, is_cross_repository INTEGER,
    is_draft INTEGER, maintainer_can_modify INTEGER,
    merge_commit_id INTEGER -> github_merge_commit.id, merge_state_status VARCHAR,
    mergeable VARCHAR, merged_at VARCHAR, merged_by_id INTEGER -> github_user.id,
    milestone_id INTEGER -> github_milestone.id, number INTEGER,
    potential_merge_commit_id INTEGER -> github_merge_commit.id, project_cards VARCHAR,
    review_decision VARCHAR, state VARCHAR, title VARCHAR, updated_at VARCHAR,
    url VARCHAR UNIQUE
github_commit: id INTEGER PK, authored_date VARCHAR, committed_date VARCHAR,
    message_body VARCHAR, message_headline VARCHAR, oid VARCHAR,
    pull_request_id INTEGER -> github_pull_request.id
github_merge_commit: id INTEGER PK, commit_id INTEGER -> github_commit.id
github_milestone: id INTEGER PK, number INTEGER, title VARCHAR, description VARCHAR,
    due_on VARCHAR
github_repository: id INTEGER PK, name VARCHAR, url VARCHAR
github_user: id INTEGER PK, login VARCHAR UNIQUE, email VARCHAR, name VARCHAR
model: id INTEGER PK, context_id INTEGER UNIQUE, model_hub_id INTEGER -> model_hub.id,
    sha VARCHAR, repo_url VARCHAR, downloads INTEGER, likes INTEGER, has_snapshot INTEGER,
    ptm_issues_id INTEGER -> ptm_issues.id,
    ptm_pull_requests_id INTEGER -> ptm_pull_requests.id
ptm_pull_request_to_pull_request: ptm_pull_request_id INTEGER PK -> ptm_pull_requests.id,
    github_pull_request_id INTEGER PK -> github_pull_request.id
reuse_repo_to_pull_request: reuse_repository_id INTEGER PK -> reuse_repository.id,
    github_pull_request_id INTEGER PK -> github_pull_request.id
github_issue: id INTEGER PK, author_id INTEGER -> github_user.id, body VARCHAR,
    closed INTEGER, closed_at VARCHAR, created_at VARCHAR, comment_id VARCHAR,
    milestone_id INTEGER -> github_milestone.id, number INTEGER, project_cards VARCHAR,
    state VARCHAR, title VARCHAR, updated_at VARCHAR, url VARCHAR UNIQUE
github_pull_request_file: id INTEGER PK, path VARCHAR, additions INTEGER, deletions INTEGER,
    pull_request_id INTEGER -> github_pull_request.id
pull_request_to_assignee: pull_request_id INTEGER PK -> github_pull_request.id,
    assignee_id INTEGER PK -> github_user.id
pull_request_to_review_requests: pull_request_id INTEGER PK -> github_pull_request.id,
    review_request_id INTEGER PK -> github_user.id
commit_to_author: commit_id INTEGER PK -> github_commit.id,
    author_id INTEGER PK -> github_user.id
github_review: id INTEGER PK, author_id INTEGER -> github_user.id,
    author_association VARCHAR, body VARCHAR, submitted_at VARCHAR,
    includes_created_edit INTEGER, state VARCHAR,
    pull_request_id INTEGER -> github_pull_request.id
github_status_check_rollup: id INTEGER PK, name VARCHAR, status VARCHAR, conclusion VARCHAR,
    started_at VARCHAR, completed_at VARCHAR, details_url VARCHAR,
    pull_request_id INTEGER -> github_pull_request.id
ptm_issue_to_issue: ptm_issue_id INTEGER PK -> ptm_issues.id,
    github_issue_id INTEGER PK -> github_issue.id
hf_commit: id INTEGER PK, commit_id VARCHAR, created_at VARCHAR, title VARCHAR,
    message VARCHAR, model_id INTEGER -> model.id
hf_git_ref: id INTEGER PK, model_id INTEGER -> model.id
model_to_architecture: model_id INTEGER PK -> model.id,
    architecture_id INTEGER PK -> architecture.id
model_to_author: model_id INTEGER PK -> model.id, author_id INTEGER PK -> author.id
model_to_dataset: model_id INTEGER PK -> model.id, dataset_id INTEGER PK -> dataset.id
model_to_framework: model_id INTEGER PK -> model.id, framework_id INTEGER PK -> framework.id
model_to_language: model_id INTEGER PK -> model.id, language_id INTEGER PK -> language.id
model_to_library: model_id INTEGER PK -> model.id, library_id INTEGER PK -> library.id
model_to_license: model_id INTEGER PK -> model.id, license_id INTEGER PK -> license.id
model_to_paper: model_id INTEGER PK -> model.id, paper_id INTEGER PK -> paper.id
model_to_tag: model_id INTEGER PK -> model.id, tag_id INTEGER PK -> tag.id
discussion: id INTEGER PK, title VARCHAR, status VARCHAR, num INTEGER, repo_id VARCHAR,
    repo_type VARCHAR, is_pull_request INTEGER, created_at VARCHAR, endpoint VARCHAR,
    target_branch VARCHAR, merge_commit_oid VARCHAR, diff VARCHAR,
    model_id INTEGER -> model.id
reuse_repo_to_issue: reuse_repository_id INTEGER PK -> reuse_repository.id,
    github_issue_id INTEGER PK -> github_issue.id
reuse_file: id INTEGER PK, path VARCHAR, model_id INTEGER -> model.id,
    reuse_repository_id INTEGER -> reuse_repository.id | UNIQUE(path, model_id)
model_to_reuse_repository: model_id INTEGER PK -> model.id,
    reuse_repository_id INTEGER PK -> reuse_repository.id
issue_to_assignee: issue_id INTEGER PK -> github_issue.id,
    assignee_id INTEGER PK -> github_user.id
github_comment: id INTEGER PK, author_id INTEGER -> github_user.id,
    author_association VARCHAR, body VARCHAR, created_at VARCHAR,
    includes_created_edit INTEGER, is_minimized INTEGER, minimized_reason VARCHAR,
    issue_id INTEGER -> github_issue.id, pull_request_id INTEGER -> github_pull_request.id
github_label: id INTEGER PK, name VARCHAR, description VARCHAR, color VARCHAR,
    issue_id INTEGER -> github_issue.id, pull_request_id INTEGER -> github_pull_request.id
hf_commit_to_author: hf_commit_id INTEGER PK -> hf_commit.id,
    author_id INTEGER PK -> author.id
hf_git_ref_to_branch: hf_git_ref_id INTEGER PK -> hf_git_ref.id,
    hf_git_ref_info_id INTEGER PK -> hf_git_ref_info.id
hf_git_ref_to_tag: hf_git_ref_id INTEGER PK -> hf_git_ref.id,
    hf_git_ref_info_id INTEGER PK -> hf_git_ref_info.id
discussion_to_author: discussion_id INTEGER PK -> discussion.id,
    author_id INTEGER PK -> author.id
file_path: id INTEGER PK, path VARCHAR, discussion_id INTEGER -> discussion.id
discussion_event: id INTEGER PK, event_id VARCHAR, type VARCHAR, created_at VARCHAR,
    author VARCHAR, content VARCHAR, edited INTEGER, hidden INTEGER, new_status VARCHAR,
    summary VARCHAR, oid VARCHAR, old_title VARCHAR, new_title VARCHAR,
    discussion_id INTEGER -> discussion.id
github_reaction_group: id INTEGER PK, content VARCHAR, total_count INTEGER,
    issue_id INTEGER -> github_issue.id, pull_request_id INTEGER -> github_pull_request.id,
    github_comment_id INTEGER -> github_comment.id, review_id INTEGER -> github_review.id
"""


class Table(NamedTuple):
    """One table of the schema: its columns (name, declared type) and CREATE statement."""

    name: str
    columns: list[tuple[str, str]]
    ddl: str


def parse_schema(spec: str = SCHEMA) -> list[Table]:
    """The tables of ``spec`` in declaration order, with DDL shaped like the release's."""
    entries: list[str] = []
    for line in spec.strip().splitlines():
        if line.startswith(" "):
            entries[-1] += " " + line.strip()
        else:
            entries.append(line.strip())
    tables = []
    for entry in entries:
        name, _, rest = entry.partition(": ")
        body, *constraints = (part.strip() for part in rest.split(" | "))
        columns, pk, uniques, fks = [], [], [], []
        for column in body.split(", "):
            tokens = column.split()
            columns.append((tokens[0], tokens[1]))
            if "PK" in tokens:
                pk.append(tokens[0])
            if "UNIQUE" in tokens:
                uniques.append(tokens[0])
            if "->" in tokens:
                ref_table, ref_col = tokens[tokens.index("->") + 1].split(".")
                fks.append(f"FOREIGN KEY({tokens[0]}) REFERENCES {ref_table} ({ref_col})")
        uniques += [c.removeprefix("UNIQUE(").removesuffix(")") for c in constraints]
        lines = [f"{c} {t}" + (" NOT NULL" if c in pk else "") for c, t in columns]
        lines.append(f"PRIMARY KEY ({', '.join(pk)})")
        lines += [f"UNIQUE ({u})" for u in uniques]
        lines += fks
        tables.append(Table(name, columns, f"CREATE TABLE {name} (\n\t" + ", \n\t".join(lines)
                            + "\n)"))
    return tables


# --- vocabularies -------------------------------------------------------------------------


class Family(NamedTuple):
    """A model family: name stem, popularity weight, pipeline task, architecture, library,
    domain (the card's model_type), sizes used in names ("" = no size)."""

    stem: str
    weight: float
    task: str
    arch: str | None
    library: str | None
    domain: str
    sizes: tuple[str, ...]


_NLP = ("", "base", "large", "small", "tiny", "mini", "medium")
_LLM = ("", "7b", "13b", "70b", "1.3b", "3b", "350m", "125m")
FAMILIES = (
    Family("bert", 10, "fill-mask", "BertForMaskedLM", "transformers", "nlp", _NLP),
    Family("distilbert", 7, "text-classification", "DistilBertForSequenceClassification",
           "transformers", "nlp", ("", "base", "uncased", "cased")),
    Family("roberta", 6, "text-classification", "RobertaForSequenceClassification",
           "transformers", "nlp", _NLP),
    Family("xlm-roberta", 3, "token-classification", "XLMRobertaForTokenClassification",
           "transformers", "nlp", ("", "base", "large")),
    Family("deberta-v3", 3, "text-classification", "DebertaV2ForSequenceClassification",
           "transformers", "nlp", ("", "base", "large", "small", "xsmall")),
    Family("electra", 1, "text-classification", "ElectraForSequenceClassification",
           "transformers", "nlp", ("", "base", "small", "large")),
    Family("albert", 1, "fill-mask", "AlbertForMaskedLM", "transformers", "nlp",
           ("", "base", "large", "xlarge")),
    Family("gpt2", 6, "text-generation", "GPT2LMHeadModel", "transformers", "nlp",
           ("", "medium", "large", "xl", "small")),
    Family("llama-2", 6, "text-generation", "LlamaForCausalLM", "transformers", "nlp",
           ("7b", "13b", "70b", "7b-chat", "13b-chat")),
    Family("mistral", 2, "text-generation", "MistralForCausalLM", "transformers", "nlp",
           ("7b", "7b-instruct")),
    Family("pythia", 2, "text-generation", "GPTNeoXForCausalLM", "transformers", "nlp",
           ("70m", "160m", "410m", "1b", "1.4b", "2.8b", "6.9b", "12b")),
    Family("opt", 2, "text-generation", "OPTForCausalLM", "transformers", "nlp", _LLM),
    Family("bloom", 2, "text-generation", "BloomForCausalLM", "transformers", "nlp",
           ("560m", "1b1", "1b7", "3b", "7b1")),
    Family("falcon", 1, "text-generation", "FalconForCausalLM", "transformers", "nlp",
           ("7b", "40b", "7b-instruct")),
    Family("t5", 4, "text2text-generation", "T5ForConditionalGeneration", "transformers", "nlp",
           ("", "small", "base", "large", "3b")),
    Family("flan-t5", 3, "text2text-generation", "T5ForConditionalGeneration", "transformers",
           "nlp", ("small", "base", "large", "xl")),
    Family("bart", 3, "summarization", "BartForConditionalGeneration", "transformers", "nlp",
           ("", "base", "large")),
    Family("pegasus", 1, "summarization", "PegasusForConditionalGeneration", "transformers",
           "nlp", ("", "large", "xsum")),
    Family("opus-mt", 3, "translation", "MarianMTModel", "transformers", "nlp",
           ("en-de", "en-fr", "de-en", "fr-en", "en-es", "zh-en", "en-ro", "mul-en")),
    Family("whisper", 4, "automatic-speech-recognition", "WhisperForConditionalGeneration",
           "transformers", "audio", ("tiny", "base", "small", "medium", "large-v2")),
    Family("wav2vec2", 5, "automatic-speech-recognition", "Wav2Vec2ForCTC", "transformers",
           "audio", ("base", "large", "xls-r-300m", "large-xlsr-53", "base-960h")),
    Family("speecht5", 1, "text-to-speech", "SpeechT5ForTextToSpeech", "transformers", "audio",
           ("", "tts")),
    Family("vit", 4, "image-classification", "ViTForImageClassification", "transformers", "cv",
           ("", "base-patch16-224", "large-patch16-224", "small", "tiny")),
    Family("swin", 2, "image-classification", "SwinForImageClassification", "transformers",
           "cv", ("tiny", "small", "base")),
    Family("convnext", 1, "image-classification", "ConvNextForImageClassification",
           "transformers", "cv", ("tiny", "small", "base", "large")),
    Family("resnet50", 2, "image-classification", None, "timm", "cv", ("", "a1", "tv")),
    Family("detr", 1, "object-detection", "DetrForObjectDetection", "transformers", "cv",
           ("resnet-50", "resnet-101")),
    Family("yolos", 1, "object-detection", "YolosForObjectDetection", "transformers", "cv",
           ("tiny", "small", "base")),
    Family("segformer", 1, "image-segmentation", "SegformerForSemanticSegmentation",
           "transformers", "cv", ("b0", "b1", "b2", "b5")),
    Family("stable-diffusion", 5, "text-to-image", None, "diffusers", "multimodal",
           ("", "v1-5", "2-1", "xl")),
    Family("sd-lora", 5, "text-to-image", None, "diffusers", "multimodal", ("", "xl")),
    Family("controlnet", 1, "image-to-image", None, "diffusers", "multimodal",
           ("", "sd15", "sdxl")),
    Family("clip", 1, "zero-shot-image-classification", "CLIPModel", "transformers",
           "multimodal", ("vit-base-patch32", "vit-large-patch14")),
    Family("blip", 1, "image-to-text", "BlipForConditionalGeneration", "transformers",
           "multimodal", ("", "base", "large")),
    Family("layoutlmv3", 1, "token-classification", "LayoutLMv3ForTokenClassification",
           "transformers", "multimodal", ("base", "large")),
    Family("all-MiniLM-L6", 3, "sentence-similarity", "BertModel", "sentence-transformers",
           "nlp", ("", "v2")),
    Family("mpnet", 1, "sentence-similarity", "MPNetModel", "sentence-transformers", "nlp",
           ("", "base")),
    Family("ppo-LunarLander-v2", 8, "reinforcement-learning", None, "stable-baselines3", "rl",
           ("",)),
    Family("dqn-SpaceInvadersNoFrameskip-v4", 3, "reinforcement-learning", None,
           "stable-baselines3", "rl", ("",)),
    Family("ppo-Huggy", 2, "reinforcement-learning", None, "ml-agents", "rl", ("",)),
    Family("q-FrozenLake-v1-4x4", 2, "reinforcement-learning", None, None, "rl",
           ("noSlippery", "")),
    Family("en_pipeline", 1, "token-classification", None, "spacy", "nlp", ("",)),
)
# Name suffixes; neither list contains a size token or a bare version ("v2" marks duplicates).
SUFFIXES = (
    "", "finetuned-imdb", "finetuned-squad", "finetuned-ner", "finetuned-emotion",
    "finetuned-sst2", "finetuned-cola", "finetuned-mrpc", "squad2", "ner", "sentiment", "emotion",
    "chat", "instruct", "lora", "gptq", "ggml", "4bit", "8bit", "awq", "dpo", "sft", "test",
    "demo", "trained", "final", "checkpoint-1000", "multilingual", "japanese", "arabic",
    "german", "french", "spanish", "chinese", "korean", "hindi", "vietnamese", "indonesian",
    "turkish", "russian", "portuguese", "persian", "medical", "legal", "finance", "biomed",
    "clinical", "code", "math", "tweet", "news", "reviews", "qa", "summarization", "common-voice",
    "librispeech", "cifar10", "food101", "beans", "pokemon", "anime", "dreambooth",
    "textual-inversion", "distilled", "pruned", "quantized", "onnx", "mnli", "xnli", "pos",
    "paraphrase", "toxicity", "hate-speech", "fake-news", "spam", "intent", "dialogue",
)
SUFFIXES2 = ("", "seed42", "run1", "epoch3", "fp16", "merged", "adapter", "accelerate",
             "colab", "exp", "best", "latest")
PTH_REPOS = (
    "pytorch/vision", "facebookresearch/detr", "ultralytics/yolov5", "facebookresearch/dino",
    "facebookresearch/pytorchvideo", "snakers4/silero-models", "pytorch/fairseq",
    "NVIDIA/DeepLearningExamples", "huggingface/pytorch-transformers", "intel-isl/MiDaS",
    "facebookresearch/WSL-Images", "mateuszbuda/brain-segmentation-pytorch",
    "facebookresearch/semi-supervised-ImageNet1K-models", "datvuthanh/hybridnets",
)
# Well-known real ids (most reused in mapping.csv, then most downloaded in filtered_models.json):
# they become the most popular synthetic models, so searches for "bert" or "gpt2" look real.
REAL_MODELS = (
    "spacy/en_core_web_sm", "bert-base-uncased", "gpt2", "spacy/en_core_web_lg", "roberta-base",
    "bert-base-cased", "distilbert-base-uncased", "spacy/en_core_web_md", "t5-base",
    "xlnet-base-cased", "roberta-large-mnli", "facebook/bart-large", "t5-small",
    "facebook/bart-base", "xlm-mlm-en-2048", "xlm-roberta-base", "roberta-large", "distilgpt2",
    "timm/vit_base_patch16_384.augreg_in21k_ft_in1k", "openai-gpt",
    "timm/vit_large_patch16_384.augreg_in21k_ft_in1k", "xlm-roberta-large", "albert-base-v2",
    "camembert-base", "sentence-transformers/all-MiniLM-L6-v2", "facebook/wav2vec2-base-960h",
    "allenai/longformer-base-4096", "ctrl", "facebook/bart-large-cnn", "facebook/bart-large-xsum",
    "bert-large-uncased", "distilroberta-base", "facebook/dpr-question_encoder-single-nq-base",
    "google/mt5-small", "google/roberta2roberta_L-24_bbc", "microsoft/deberta-base",
    "yjernite/bart_eli5", "facebook/wmt19-ru-en", "facebook/wmt19-en-ru",
    "sentence-transformers/bert-base-nli-mean-tokens", "facebook/rag-token-nq",
    "dslim/bert-base-NER", "facebook/rag-sequence-nq", "bert-base-multilingual-cased",
    "EleutherAI/gpt-neo-1.3B", "facebook/blenderbot-90M", "facebook/blenderbot-3B",
    "facebook/m2m100_418M", "gpt2-large", "sshleifer/distilbart-xsum-1-1",
    "google/vit-base-patch16-224", "google/electra-small-discriminator",
    "google/t5-v1_1-small", "facebook/wav2vec2-large-960h-lv60-self",
    "microsoft/DialoGPT-small", "allenai/led-base-16384", "google/tapas-base-finetuned-wtq",
    "moussaKam/mbarthez", "google/mobilebert-uncased", "runwayml/stable-diffusion-v1-5",
    "facebook/dpr-reader-single-nq-base", "allenai/led-large-16384-arxiv",
    "facebook/blenderbot_small-90M", "facebook/wav2vec2-base", "bert-large-cased",
    "facebook/blenderbot-400M-distill", "google/tapas-base-finetuned-sqa",
    "google/vit-base-patch16-224-in21k", "sentence-transformers/all-mpnet-base-v2",
    "microsoft/deberta-v2-xlarge", "flaubert/flaubert_base_cased", "spacy/de_core_news_sm",
    "google/bigbird-roberta-base", "facebook/wav2vec2-large-lv60",
    "facebook/s2t-small-librispeech-asr", "facebook/detr-resnet-50", "google/byt5-small",
    "CompVis/stable-diffusion-v1-4", "spacy/en_core_web_trf",
    "facebook/deit-base-distilled-patch16-224", "studio-ousia/luke-base",
    "facebook/hubert-base-ls960", "facebook/hubert-large-ls960-ft",
    "google/bigbird-pegasus-large-arxiv", "TsinghuaAI/CPM-Generate", "gpt2-medium",
    "sshleifer/distilbart-cnn-6-6", "google/canine-s", "facebook/wav2vec2-large-xlsr-53",
    "microsoft/layoutlmv2-base-uncased", "microsoft/beit-base-patch16-224",
    "EleutherAI/gpt-neox-20b", "google/fnet-base", "dandelin/vilt-b32-finetuned-vqa",
    "jonatasgrosman/wav2vec2-large-xlsr-53-english", "openai/clip-vit-large-patch14",
    "laion/CLIP-ViT-B-16-laion2B-s34B-b88K", "distilbert-base-multilingual-cased",
    "CIDAS/clipseg-rd64-refined", "microsoft/layoutlmv3-base",
    "nlptown/bert-base-multilingual-uncased-sentiment", "SamLowe/roberta-base-go_emotions",
    "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2",
    "cardiffnlp/twitter-roberta-base-irony", "MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli",
    "facebook/bart-large-mnli", "microsoft/resnet-50", "openai/clip-vit-base-patch32",
    "prajjwal1/bert-tiny", "microsoft/layoutlm-base-uncased",
    "distilbert-base-uncased-finetuned-sst-2-english", "mosaicml/mpt-7b-instruct",
    "google/electra-base-discriminator", "deepset/roberta-base-squad2",
    "allenai/scibert_scivocab_uncased", "bert-base-chinese", "Helsinki-NLP/opus-mt-zh-en",
    "pyannote/segmentation", "bigscience/bloom-560m", "timm/resnet50.a1_in1k",
    "facebook/encodec_24khz", "laion/CLIP-ViT-H-14-laion2B-s32B-b79K",
    "cambridgeltl/SapBERT-from-PubMedBERT-fulltext", "deepset/tinyroberta-squad2",
    "dslim/bert-large-NER", "nlpconnect/vit-gpt2-image-captioning", "THUDM/chatglm2-6b",
    "cardiffnlp/twitter-roberta-base-sentiment-latest", "yiyanghkust/finbert-tone",
    "ProsusAI/finbert", "meta-llama/Llama-2-7b-hf", "tiiuae/falcon-7b",
    "EleutherAI/pythia-12b-deduped", "openai/whisper-base", "openai/whisper-large-v2",
    "stabilityai/stable-diffusion-2-1", "stabilityai/stable-diffusion-xl-base-1.0",
)
# Hugging Face license tags with their count among mapping.csv's 1,512 reused models, then tags
# that mapping.csv lacks but the hub has (small weights).
MODEL_LICENSES = (
    ("apache-2.0", 859), ("mit", 313), ("other", 60), ("cc-by-sa-4.0", 43), ("cc-by-nc-4.0", 42),
    ("bsd-3-clause", 28), ("cc-by-4.0", 28), ("creativeml-openrail-m", 21),
    ("cc-by-nc-sa-4.0", 19), ("openrail", 17), ("openrail++", 15), ("gpl-3.0", 14),
    ("agpl-3.0", 9), ("bigscience-bloom-rail-1.0", 8), ("afl-3.0", 7),
    ("deepfloyd-if-license", 5), ("unknown", 5), ("cc-by-nc-sa-3.0", 5), ("lgpl-lr", 3),
    ("bigcode-openrail-m", 2), ("bsd", 2), ("cc-by-sa-3.0", 2), ("bigscience-openrail-m", 1),
    ("cc", 1), ("cc-by-2.0", 1), ("gpl", 1), ("cc-by-nc-nd-4.0", 1),
    ("llama2", 4), ("cc0-1.0", 2), ("wtfpl", 1), ("gpl-2.0", 1), ("lgpl-3.0", 1), ("mpl-2.0", 1),
    ("cc-by-3.0", 1), ("cc-by-nc-3.0", 1), ("cc-by-nd-4.0", 0.5), ("bsd-2-clause", 0.5),
    ("artistic-2.0", 0.3), ("bsl-1.0", 0.3), ("epl-2.0", 0.3), ("ecl-2.0", 0.2), ("isc", 0.2),
    ("odc-by", 0.2), ("odbl", 0.2), ("pddl", 0.2), ("c-uda", 0.1), ("apple-ascl", 0.1),
    ("unlicense", 0.3), ("osl-3.0", 0.1), ("eupl-1.1", 0.1), ("ms-pl", 0.1), ("zlib", 0.1),
)
# ScanCode keys found in the projects of all_gh_licenses.json (top 60 of 200; 98.7 % of hits).
PROJECT_LICENSE_KEYS = (
    ("mit", 11330), ("apache-2.0", 4955), ("gpl-3.0", 1460), ("bsd-new", 823),
    ("cc-by-nc-4.0", 386), ("bsd-simplified", 313), ("proprietary-license", 304),
    ("agpl-3.0", 249), ("cc-by-nc-sa-4.0", 241), ("unknown-license-reference", 218),
    ("cc-by-4.0", 123), ("cc0-1.0", 102), ("mit-0", 91), ("warranty-disclaimer", 84),
    ("cc-by-sa-4.0", 72), ("gpl-2.0", 66), ("mpl-2.0", 59), ("other-permissive", 53),
    ("unlicense", 50), ("lgpl-3.0", 46), ("stable-diffusion-2022-08-22", 32), ("zlib", 27),
    ("cc-by-nc-nd-4.0", 27), ("gpl-3.0-plus", 25), ("clear-bsd", 24), ("lgpl-2.1", 23),
    ("gpl-1.0-plus", 21), ("secret-labs-2011", 19), ("free-unknown", 18), ("python", 18),
    ("generic-cla", 18), ("x11-keith-packard", 15), ("bsd-ack", 14), ("cc-by-sa-3.0", 14),
    ("apple-excl", 14), ("isc", 14), ("odc-by-1.0", 13), ("amazon-sl", 13), ("psf-3.7.2", 12),
    ("cc-by-nc-sa-3.0", 12), ("lgpl-2.1-plus", 12), ("other-copyleft", 12), ("qhull", 10),
    ("bsd-2-clause-views", 10), ("yolo-2.0", 9), ("lgpl-2.0-plus", 9), ("gpl-2.0-plus", 9),
    ("historical", 9), ("public-domain", 8), ("uoi-ncsa", 8),
    ("apache-2.0 WITH llvm-exception", 8), ("commercial-license", 8), ("json", 7),
    ("ofl-1.1", 7), ("cc-by-3.0", 7), ("boost-1.0", 7), ("epl-2.0", 7),
    ("us-govt-public-domain", 7), ("apache-1.1", 6), ("llnl", 6),
)
# Links per reused model and per project in mapping.csv, as (rank / count, links) points:
# the most reused model has 2,014 links, the 0.5 % mark 376, 46 % of models have one link;
# the busiest project 409, and about 70 % of projects use a single model.
MODEL_REUSE_SHAPE = ((0.00066, 2014), (0.0013, 1704), (0.002, 910), (0.005, 376), (0.01, 182),
                     (0.02, 102), (0.05, 59), (0.1, 33), (0.2, 11), (0.3, 5), (0.4, 3),
                     (0.54, 1.49), (1.0, 1))
PROJECT_REUSE_SHAPE = ((0.000126, 409), (0.00025, 258), (0.0005, 243), (0.001, 237),
                       (0.002, 193), (0.005, 94), (0.01, 34), (0.02, 11), (0.05, 5), (0.1, 3),
                       (0.2, 2), (0.305, 1.49), (1.0, 1))
PROJECT_LICENSE_NULL = 0.46  # share of scanned projects where the scan found nothing
# Among projects with keys: how many keys (19,038 one, 470 two, 183 three, ...).
PROJECT_KEY_COUNTS = ((1, 19038), (2, 470), (3, 183), (4, 72), (5, 42), (6, 38), (7, 14),
                      (8, 10), (10, 5), (11, 5))
FRAMEWORKS = (("pytorch", 0.85), ("safetensors", 0.4), ("tensorflow", 0.12), ("jax", 0.05),
              ("onnx", 0.03), ("keras", 0.02), ("tflite", 0.005), ("coreml", 0.005),
              ("openvino", 0.003), ("rust", 0.003))
EXTRA_LIBRARIES = ("peft", "adapter-transformers", "fastai", "flair", "espnet", "speechbrain",
                   "pyannote.audio", "nemo", "open_clip", "sample-factory", "setfit",
                   "span-marker", "paddlenlp", "fairseq", "allennlp", "asteroid", "stanza",
                   "bertopic", "transformers.js", "ctranslate2", "keras", "generic")
LANGUAGES = (
    ("English", "en"), ("Chinese", "zh"), ("French", "fr"), ("German", "de"), ("Spanish", "es"),
    ("Japanese", "ja"), ("Russian", "ru"), ("Korean", "ko"), ("Arabic", "ar"), ("Hindi", "hi"),
    ("Portuguese", "pt"), ("Italian", "it"), ("Dutch", "nl"), ("Turkish", "tr"),
    ("Vietnamese", "vi"), ("Indonesian", "id"), ("Persian", "fa"), ("Polish", "pl"),
    ("Swedish", "sv"), ("Ukrainian", "uk"), ("Bengali", "bn"), ("Thai", "th"), ("Greek", "el"),
    ("Czech", "cs"), ("Finnish", "fi"), ("Hebrew", "he"), ("Danish", "da"), ("Romanian", "ro"),
    ("Hungarian", "hu"), ("Norwegian", "no"), ("Catalan", "ca"), ("Tamil", "ta"),
    ("Urdu", "ur"), ("Malay", "ms"), ("Swahili", "sw"), ("Telugu", "te"), ("Marathi", "mr"),
    ("Bulgarian", "bg"), ("Croatian", "hr"), ("Serbian", "sr"), ("Slovak", "sk"),
    ("Slovenian", "sl"), ("Lithuanian", "lt"), ("Latvian", "lv"), ("Estonian", "et"),
    ("Basque", "eu"), ("Galician", "gl"), ("Welsh", "cy"), ("Irish", "ga"), ("Icelandic", "is"),
    ("Kazakh", "kk"), ("Uzbek", "uz"), ("Amharic", "am"), ("Yoruba", "yo"), ("Hausa", "ha"),
    ("Igbo", "ig"), ("Zulu", "zu"), ("Xhosa", "xh"), ("Afrikaans", "af"), ("Nepali", "ne"),
    ("Sinhala", "si"), ("Khmer", "km"), ("Lao", "lo"), ("Burmese", "my"), ("Tagalog", "tl"),
    ("Mongolian", "mn"), ("Armenian", "hy"), ("Georgian", "ka"), ("Azerbaijani", "az"),
    ("Albanian", "sq"), ("Macedonian", "mk"), ("Belarusian", "be"), ("Punjabi", "pa"),
    ("Gujarati", "gu"), ("Kannada", "kn"), ("Malayalam", "ml"), ("Odia", "or"),
    ("Assamese", "as"), ("Pashto", "ps"), ("Kurdish", "ku"), ("Somali", "so"),
    ("Maltese", "mt"), ("Luxembourgish", "lb"), ("Esperanto", "eo"), ("Latin", "la"),
)
POPULAR_DATASETS = (
    "imdb", "squad", "squad_v2", "glue", "common_voice", "librispeech_asr", "wikitext",
    "cnn_dailymail", "xsum", "conll2003", "emotion", "sst2", "multi_nli", "snli",
    "yelp_review_full", "ag_news", "amazon_polarity", "tweet_eval", "cifar10", "imagenet-1k",
    "mnist", "beans", "food101", "coco", "laion/laion2B-en", "openwebtext", "the_pile", "c4",
    "bookcorpus", "wikipedia", "oscar", "mc4", "xnli", "wmt16", "opus100", "samsum", "billsum",
    "multi_news", "tatsu-lab/alpaca", "OpenAssistant/oasst1", "databricks/databricks-dolly-15k",
    "HuggingFaceH4/ultrachat_200k", "lambdalabs/pokemon-blip-captions",
    "mozilla-foundation/common_voice_11_0", "google/fleurs", "bigcode/the-stack", "gsm8k",
    "hellaswag", "wnut_17", "banking77",
)
POPULAR_PAPERS = (
    "1810.04805", "1706.03762", "1907.11692", "1910.10683", "2005.14165", "1910.13461",
    "2106.09685", "2302.13971", "2307.09288", "2010.11929", "2103.00020", "2006.11477",
    "2212.04356", "1909.11942", "2003.10555", "2112.10752", "1908.10084", "2004.05150",
    "1911.02116", "2305.14314",
)
FLAG_TAGS = (("region:us", 0.6), ("endpoints_compatible", 0.45), ("autotrain_compatible", 0.3),
             ("generated_from_trainer", 0.3), ("model-index", 0.25), ("tensorboard", 0.15),
             ("has_space", 0.08), ("custom_code", 0.03))
CARD_MISSING = {  # share of cards where the field is empty (carbon, hardware: PeaTMOSS paper;
    # the rest from the artifact's hand-checked sample of 50 cards)
    "carbon_emitted": 0.95, "hardware": 0.71, "input_format": 0.95, "output_format": 0.93,
    "parameter_count": 0.75, "limitation_and_bias": 0.73, "code_demo": 0.5, "evaluation": 0.48,
    "github": 0.48, "upstream_model": 0.34, "max_length": 0.6, "vocabulary_size": 0.85,
    "model_type": 0.02, "model_tasks": 0.03, "frameworks": 0.03,
}
HARDWARE = ("8 x A100 80GB", "NVIDIA V100 GPU", "a TPUv3-256 TPU pod", "1x RTX 3090",
            "Google Colab T4", "4x Tesla V100", "64 H100s", "single 24GB GPU",
            "AWS SageMaker ml.p3.2xlarge", "1 x GeForce RTX 3060 Laptop GPU", "2x A6000")
LIMITATIONS = (
    "The model may reproduce biases present in its training data.",
    "Not evaluated outside English; expect lower quality on other languages.",
    "Should not be used to make decisions about people.",
    "Outputs can be factually wrong and should be checked.",
    "Trained on web data that may contain offensive content.",
)
FREE_UPSTREAMS = ("LLaMa", "Stable Diffusion v1.5", "https://github.com/google-research/bert",
                  "gpt", "https://arxiv.org/abs/1910.10683", "BERT base model (uncased)",
                  "https://github.com/huggingface/pytorch-image-models", "Vicuna-13B")
WORDS = (
    "model", "training", "loss", "error", "when", "loading", "the", "tokenizer", "fails", "with",
    "cuda", "memory", "out", "of", "update", "readme", "add", "support", "for", "fix", "typo",
    "in", "config", "inference", "is", "slow", "on", "cpu", "results", "differ", "from", "paper",
    "how", "to", "fine-tune", "dataset", "version", "mismatch", "upgrade", "transformers",
    "pipeline", "returns", "empty", "output", "batch", "size", "gpu", "checkpoint", "weights",
    "missing", "keys", "license", "question", "about", "evaluation", "script", "bug", "feature",
    "request", "docs", "example", "notebook", "broken", "link", "accuracy", "drops", "after",
    "quantization", "export", "onnx", "deploy", "server", "api", "timeout", "thanks", "great",
    "work", "please", "help", "i", "tried", "but", "it", "does", "not", "work", "this", "that",
)
REPO_WORDS = (
    "bert", "gpt", "chat", "bot", "nlp", "vision", "yolo", "diffusion", "whisper", "llm", "rag",
    "agent", "qa", "ner", "sentiment", "classifier", "summarizer", "translator", "search",
    "embedding", "demo", "app", "api", "webui", "toolkit", "pipeline", "benchmark",
    "experiments", "paper", "code", "project", "thesis", "hackathon", "course", "tutorial",
    "notebooks", "playground", "speech", "tts", "asr", "ocr", "detector", "segmentation", "gan",
    "captioning", "retrieval", "recsys", "kg", "graph", "medical", "legal", "finance", "news",
    "twitter", "reddit", "discord", "telegram", "slack", "voice", "music", "video", "image",
    "text", "doc", "pdf", "table", "sql", "code-review", "assistant", "tools", "utils", "lab",
)
ONSETS = ("b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
          "z", "br", "ch", "cl", "dr", "gr", "kr", "pr", "sh", "st", "th", "tr", "x", "y", "q")
VOWELS = ("a", "e", "i", "o", "u", "ai", "ei", "ia", "io", "ou", "y", "ee", "oo")
ORG_SUFFIXES = ("-ai", "lab", "-lab", "-nlp", "ai", "-ml", "-research", "hub", "-tech", "-labs",
                "-group", "-dev")
FILE_DIRS = ("", "", "src/", "scripts/", "notebooks/", "models/", "app/", "examples/", "tests/",
             "train/", "inference/", "utils/", "backend/")
FILE_NAMES = ("train.py", "model.py", "inference.py", "app.py", "main.py", "utils.py",
              "demo.ipynb", "run.py", "pipeline.py", "evaluate.py", "config.py",
              "embeddings.py", "predict.py", "server.py", "finetune.py", "requirements.txt",
              "README.md", "notebook.ipynb", "modeling.py", "data.py")


# --- small helpers ------------------------------------------------------------------------


def cumulative(weights: Iterable[float]) -> list[float]:
    """Cumulative weights for :func:`pick`."""
    return list(accumulate(weights))


def pick(rng: random.Random, cum: Sequence[float]) -> int:
    """An index drawn with the weights behind ``cum`` (faster than ``rng.choices`` for one)."""
    return bisect(cum, rng.random() * cum[-1])


def zipf_cum(n: int, exponent: float = 1.0, offset: float = 2.0) -> list[float]:
    """Cumulative Zipf weights 1/(rank+offset)^exponent for ranks 0..n-1."""
    return cumulative((k + offset) ** -exponent for k in range(n))


def rank_sizes(n: int, total: int, singles: float, cap: int) -> list[int]:
    """``n`` counts summing to ``total``, largest first: a rank-size law c(k) ∝ (k+1)^-a with
    a share ``singles`` of ones, each count ≤ ``cap`` (the exponent is found by bisection)."""
    total = max(total, n)
    k1 = min(n, max(1, round(n * (1 - singles))))

    def counts(a: float) -> list[int]:
        return [min(cap, max(2, round(1.5 * (k1 / (k + 1)) ** a))) for k in range(k1)]

    def excess(a: float) -> int:
        # Sum over a thinned grid keeps the bisection cheap for a million authors.
        step = max(1, k1 // 20_000)
        approx = sum(min(cap, max(2, 1.5 * (k1 / (k + 1)) ** a)) * step
                     for k in range(0, k1, step))
        return int(approx) + (n - k1) - total

    lo, hi = 0.0, 6.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if excess(mid) > 0:
            hi = mid
        else:
            lo = mid
    result = counts((lo + hi) / 2) + [1] * (n - k1)
    diff = total - sum(result)
    k = 0
    while diff:  # exact total: nudge the largest counts (never below 1, never above cap)
        i = k % max(1, k1)
        step = 1 if diff > 0 else -1
        if (step > 0 and result[i] < cap) or (step < 0 and result[i] > 1):
            result[i] += step
            diff -= step
        k += 1
        if k > 50 * n:  # cap too tight for the total: give up silently on the remainder
            break
    result.sort(reverse=True)
    return result


def shaped_sizes(n: int, total: int, shape: Sequence[tuple[float, float]],
                 cap: int) -> list[int]:
    """``n`` counts summing to ``total``, largest first, following ``shape``: (rank fraction,
    count) points of a real distribution, interpolated in log-log (extrapolated at the head,
    so a larger ``n`` gets a heavier top), then scaled to the total (each count 1..``cap``)."""
    total = max(total, n)
    logs = [(math.log(p), math.log(c)) for p, c in shape]
    xs = [x for x, _ in logs]
    raw = []
    for k in range(n):
        x = math.log((k + 1) / n)
        j = min(max(bisect(xs, x), 1), len(logs) - 1)
        (x0, y0), (x1, y1) = logs[j - 1], logs[j]
        raw.append(math.exp(y0 + (y1 - y0) * (x - x0) / (x1 - x0)))

    def scaled(factor: float) -> list[int]:
        return [min(cap, max(1, round(r * factor))) for r in raw]

    lo, hi = 1e-3, 1e3
    for _ in range(40):
        mid = math.sqrt(lo * hi)
        if sum(scaled(mid)) > total:
            hi = mid
        else:
            lo = mid
    result = scaled(lo)
    diff = total - sum(result)
    k = 0
    while diff and k < 50 * n:  # exact total: nudge the largest counts within 1..cap
        i = k % n
        if diff > 0 and result[i] < cap:
            result[i] += 1
            diff -= 1
        elif diff < 0 and result[i] > 1:
            result[i] -= 1
            diff += 1
        k += 1
    result.sort(reverse=True)
    return result


def word(rng: random.Random, syllables: int) -> str:
    """A pronounceable made-up word."""
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables))


def person_or_org(rng: random.Random) -> str:
    """A user or organisation name as found on Hugging Face or GitHub."""
    r = rng.random()
    if r < 0.35:
        return word(rng, rng.randint(2, 3)) + (str(rng.randint(1, 999)) if rng.random() < 0.3
                                              else "")
    if r < 0.55:
        return f"{word(rng, 2)}-{word(rng, 2)}"
    if r < 0.7:
        return word(rng, 2).capitalize() + word(rng, 2).capitalize()
    if r < 0.85:
        return word(rng, 2) + rng.choice(ORG_SUFFIXES)
    return word(rng, rng.randint(1, 2)) + str(rng.randint(1, 99999))


def timestamp(rng: random.Random, start: int = 1_546_300_800, end: int = 1_690_848_000) -> str:
    """An ISO-8601 UTC time between 2019-01-01 and 2023-08-01 (the crawl)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(rng.randint(start, end)))


def sentence(rng: random.Random, lo: int, hi: int) -> str:
    """Filler text of ``lo``..``hi`` words."""
    return " ".join(rng.choices(WORDS, k=rng.randint(lo, hi)))


# Downloads of the rank-r model in filtered_models.json (popular models at collection time):
# the head of the download distribution, as (rank, downloads) of the 281,638-model release.
DOWNLOAD_HEAD = ((1, 68_898_744), (2, 43_380_501), (3, 32_427_951), (5, 16_432_411),
                 (10, 10_479_373), (20, 5_340_066), (50, 1_784_290), (100, 787_084),
                 (200, 309_094), (500, 69_543), (1000, 22_169), (1461, 10_017))
_HEAD_LOGS = [(math.log(r / PUBLISHED["models"]), math.log(d)) for r, d in DOWNLOAD_HEAD]


def downloads_quantile(u: float) -> int:
    """Downloads of the model at upper-tail probability ``u`` (0 = most downloaded).

    Above 10k downloads (0.52 % of models) the curve of filtered_models.json, interpolated in
    log-log (and extrapolated above its top, which only a larger scale reaches); below, a
    steep body where about 30 % of models have none and the median has a handful.
    """
    tail = DOWNLOAD_HEAD[-1][0] / PUBLISHED["models"]
    if u < tail:
        x = math.log(max(u, 1e-12))
        xs = [p for p, _ in _HEAD_LOGS]
        j = min(max(bisect(xs, x), 1), len(xs) - 1)
        (x0, y0), (x1, y1) = _HEAD_LOGS[j - 1], _HEAD_LOGS[j]
        return int(math.exp(y0 + (y1 - y0) * (x - x0) / (x1 - x0)))
    v = (u - tail) / (1 - tail)
    return int(10 ** (4 * (1 - v) ** 2.2)) - 1


# --- the generator ------------------------------------------------------------------------


class Synth:
    """Generates one synthetic release; see the module docstring for the shapes."""

    def __init__(self, scale: float, seed: int, *, github_scale: float = 1.0,
                 card_share: float = CARD_SHARE, log: Callable[[str], None] | None = None):
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self.seed = seed
        self.github_scale = github_scale
        self.card_share = card_share
        self.log = log or (lambda _msg: None)
        self.n_models = max(300, round(PUBLISHED["models"] * scale))
        self.n_pth = max(1, round(self.n_models * PTH_SHARE))
        self.n_hf = self.n_models - self.n_pth
        self.n_projects = max(30, round(PUBLISHED["projects"] * scale))
        self.n_links = max(self.n_projects + 10, round(PUBLISHED["links"] * scale))
        self.n_reused = max(10, round(self.n_models * REUSED_SHARE))
        self.n_real = min(len(REAL_MODELS), self.n_reused // 2)
        self.counts: dict[str, int] = {}
        self._started = time.perf_counter()

    def rng(self, stream: str) -> random.Random:
        """An independent, reproducible random stream."""
        return random.Random(f"ptmx-synth/{self.seed}/{self.scale}/{stream}")

    def step(self, what: str) -> None:
        self.log(f"[{time.perf_counter() - self._started:6.1f}s] {what}")

    # -- phase A: who exists, how popular, who reuses what ----------------------------------
    def plan(self) -> None:
        """Decide names, popularity, reuse links, cards and base models (no I/O)."""
        self._plan_authors_and_names()
        self._plan_downloads()
        self._plan_reuse()
        self._plan_cards()
        self._plan_vocabularies()

    def _plan_authors_and_names(self) -> None:
        rng = self.rng("names")
        fam_cum = cumulative(f.weight for f in FAMILIES)
        suf_cum = cumulative([6.0] + [1.0] * (len(SUFFIXES) - 1))
        suf2_cum = cumulative([25.0] + [1.0] * (len(SUFFIXES2) - 1))
        real_owners: list[str] = []
        for name in REAL_MODELS[: self.n_real]:
            owner = name.split("/")[0] if "/" in name else None
            if owner and owner not in real_owners:
                real_owners.append(owner)
        all_real_owners = {n.split("/")[0].lower() for n in REAL_MODELS if "/" in n}
        n_syn = self.n_hf - self.n_real
        n_auth = max(1, round(n_syn * AUTHORS_PER_MODEL))
        per_author = rank_sizes(n_auth, n_syn, singles=0.62, cap=max(2, n_syn // 80))
        rng.shuffle(per_author)
        taken = set(all_real_owners)
        authors = list(real_owners)
        while len(authors) < len(real_owners) + n_auth:
            candidate = person_or_org(rng)
            if candidate.lower() not in taken:
                taken.add(candidate.lower())
                authors.append(candidate)
        self.authors = authors
        n = self.n_hf
        self.owner = array("i", [-1]) * n
        self.fam = array("B", [0]) * n
        self.size = array("B", [0]) * n
        self.suf1 = array("B", [0]) * n
        self.suf2 = array("B", [0]) * n
        self.dup = array("H", [0]) * n
        for i, name in enumerate(REAL_MODELS[: self.n_real]):
            if "/" in name:
                self.owner[i] = real_owners.index(name.split("/")[0])
            low = name.lower()
            self.fam[i] = next((f for f, fam in enumerate(FAMILIES)
                                if fam.stem.split("-")[0].lower() in low), 0)
        i = self.n_real
        for k, m in enumerate(per_author):
            author = len(real_owners) + k
            # Names are unique per owner: a repeated stem gets "-v2", "-v3", ... (checked on the
            # final string, since e.g. "all-MiniLM-L6" + size "v2" is also a natural name).
            seen: set[str] = set()
            for _ in range(m):
                f = pick(rng, fam_cum)
                self.owner[i], self.fam[i] = author, f
                self.size[i] = rng.randrange(len(FAMILIES[f].sizes))
                self.suf1[i] = pick(rng, suf_cum)
                self.suf2[i] = pick(rng, suf2_cum)
                stem = self._stem(i)
                version = 1
                while stem in seen:
                    version += 1
                    self.dup[i] = version
                    stem = self._stem(i)
                seen.add(stem)
                i += 1
        # PyTorch Hub: owner/repo/entrypoint, as torch.hub.load(owner/repo, entrypoint) names it.
        pth_names: list[str] = []
        seen_pth: set[str] = set()
        while len(pth_names) < self.n_pth:
            fam = FAMILIES[pick(rng, fam_cum)]
            entry = (fam.stem.split("-")[0] + "_" + rng.choice(fam.sizes)).strip("_")
            entry = entry.replace("-", "_").lower()
            name = f"{rng.choice(PTH_REPOS)}/{entry}"
            if name in seen_pth:
                name = f"{name}_{len(pth_names)}"
            seen_pth.add(name)
            pth_names.append(name)
        self.pth_names = pth_names
        self.step(f"planned {self.n_models:,} model names, {len(authors):,} authors")

    def model_name(self, i: int) -> str:
        """The hub id of model index ``i`` (database id ``i + 1``)."""
        if i < self.n_real:
            return REAL_MODELS[i]
        if i >= self.n_hf:
            return self.pth_names[i - self.n_hf]
        return f"{self.authors[self.owner[i]]}/{self._stem(i)}"

    def _stem(self, i: int) -> str:
        fam = FAMILIES[self.fam[i]]
        parts = [fam.stem]
        if fam.sizes[self.size[i]]:
            parts.append(fam.sizes[self.size[i]])
        if self.suf1[i]:
            parts.append(SUFFIXES[self.suf1[i]])
        if self.suf2[i]:
            parts.append(SUFFIXES2[self.suf2[i]])
        if self.dup[i]:
            parts.append(f"v{self.dup[i]}")
        return "-".join(parts)

    def _plan_downloads(self) -> None:
        rng = self.rng("downloads")
        n_hf, n_real = self.n_hf, self.n_real
        # Stratified draws (one per quantile slot), so the top is not a single wild outlier.
        values = array("q", (downloads_quantile((k + 0.6 + 0.4 * rng.random()) / n_hf)
                             for k in range(n_hf)))
        # The real ids are among the most popular models, in their listed order.
        real_slots = sorted(rng.sample(range(min(n_hf, 3 * n_real)), n_real))
        dl = array("q", [0]) * n_hf
        for i, slot in enumerate(real_slots):
            dl[i] = values[slot]
            values[slot] = -1
        rest = array("q", (v for v in values if v >= 0))
        del values
        rng.shuffle(rest)
        dl[n_real:] = rest
        self.downloads = dl
        self.order = array("i", sorted(range(n_hf), key=dl.__getitem__, reverse=True))
        self.step("planned downloads")

    def _plan_reuse(self) -> None:
        rng = self.rng("reuse")
        n_hf, n_reused, order = self.n_hf, self.n_reused, self.order
        head = int(n_reused * 0.7)
        reused = list(range(self.n_real))
        in_reused = bytearray(n_hf)
        for i in reused:
            in_reused[i] = 1
        for i in order:
            if len(reused) >= head:
                break
            if not in_reused[i]:
                reused.append(i)
                in_reused[i] = 1
        while len(reused) < n_reused:
            i = order[rng.randrange(head, n_hf)]
            if not in_reused[i]:
                reused.append(i)
                in_reused[i] = 1
        # Link counts go to reused models by popularity plus noise; real ids first, in order.
        noisy = {i: math.log1p(self.downloads[i]) + rng.gauss(0, 1.5) for i in reused}
        synthetic = sorted(reused[self.n_real:], key=lambda i: (-noisy[i], i))
        ranked = reused[: self.n_real] + synthetic
        model_counts = shaped_sizes(n_reused, self.n_links, MODEL_REUSE_SHAPE,
                                    cap=max(1, int(self.n_projects * 0.6)))
        project_counts = shaped_sizes(self.n_projects, self.n_links, PROJECT_REUSE_SHAPE,
                                      cap=max(1, int(n_reused * 0.5)))
        # Configuration model: pair model stubs with shuffled project stubs, then re-pair the
        # few duplicates (a popular model drawn twice for the same busy project).
        mstubs = [m for m, c in zip(ranked, model_counts, strict=True) for _ in range(c)]
        pstubs = [p for p, c in enumerate(project_counts) for _ in range(c)]
        rng.shuffle(pstubs)
        links: set[tuple[int, int]] = set()
        left_m: list[int] = []
        left_p: list[int] = []
        for m, p in zip(mstubs, pstubs, strict=False):
            if (m, p) in links:
                left_m.append(m)
                left_p.append(p)
            else:
                links.add((m, p))
        for _ in range(30):
            if not left_m:
                break
            rng.shuffle(left_p)
            again_m, again_p = [], []
            for m, p in zip(left_m, left_p, strict=True):
                if (m, p) in links:
                    again_m.append(m)
                    again_p.append(p)
                else:
                    links.add((m, p))
            left_m, left_p = again_m, again_p
        for m in left_m:  # give up on the stub: any project that does not use m yet
            while True:
                p = rng.randrange(self.n_projects)
                if (m, p) not in links:
                    links.add((m, p))
                    break
        self.links = sorted(links)
        self.reused = in_reused
        self.project_degree = array("i", [0]) * self.n_projects
        for _, p in self.links:
            self.project_degree[p] += 1
        self.step(f"planned {len(self.links):,} links: {n_reused:,} reused models, "
                  f"top model {model_counts[0]:,} links, top project {project_counts[0]:,}")

    def _plan_cards(self) -> None:
        rng = self.rng("cards")
        n_hf, order = self.n_hf, self.order
        carded = bytearray(n_hf)
        carded_order: list[int] = []
        share = self.card_share
        for rank, i in enumerate(order):
            # Popular models are likelier to have a card worth extracting; reused ones mostly do.
            p = 0.8 if self.reused[i] else min(1.0, 2 * share * (1 - rank / n_hf))
            if rng.random() < p:
                carded[i] = 1
                carded_order.append(i)
        # Bases: a card names a more popular carded model (rank r → r·u², so a few bases collect
        # many derivatives) or, now and then, one of the most downloaded models of all.
        upstream: dict[int, int] = {}
        for r, i in enumerate(carded_order):
            if r == 0 or rng.random() < CARD_MISSING["upstream_model"]:
                continue
            if rng.random() < 0.85:
                j = carded_order[int(r * rng.random() ** 2)]
            else:
                j = order[int(rng.random() ** 3 * min(r + 1, 5000))]
            if j != i:
                upstream[i] = j
        self.carded = carded
        self.upstream = upstream
        self.step(f"planned {len(carded_order):,} model cards, {len(upstream):,} with an upstream")

    def _plan_vocabularies(self) -> None:
        rng = self.rng("vocab")
        n = self.n_models
        self.n_datasets = max(len(POPULAR_DATASETS), round(n * 0.06))
        self.n_papers = max(len(POPULAR_PAPERS), round(n * 0.05))
        datasets = list(POPULAR_DATASETS)
        seen = {d.lower() for d in datasets}
        while len(datasets) < self.n_datasets:
            r = rng.random()
            if r < 0.6:
                name = f"{person_or_org(rng)}/{word(rng, 2)}-{rng.choice(REPO_WORDS)}"
            else:
                name = f"{word(rng, 2)}_{rng.choice(REPO_WORDS)}"
            if name.lower() not in seen:
                seen.add(name.lower())
                datasets.append(name)
        self.datasets = datasets
        papers = list(POPULAR_PAPERS)
        seen = set(papers)
        while len(papers) < self.n_papers:
            pid = f"{rng.randint(15, 23):02d}{rng.randint(1, 12):02d}.{rng.randint(0, 19999):05d}"
            if pid not in seen:
                seen.add(pid)
                papers.append(pid)
        self.papers = papers
        self.dataset_cum = zipf_cum(self.n_datasets, 1.05)
        self.paper_cum = zipf_cum(self.n_papers, 1.0)
        # Lookup tables with fixed vocabularies.
        self.licenses = [name for name, _ in MODEL_LICENSES]
        self.license_cum = cumulative(w for _, w in MODEL_LICENSES)
        self.frameworks = [name for name, _ in FRAMEWORKS]
        libraries: list[str] = []
        for lib in [f.library for f in FAMILIES] + list(EXTRA_LIBRARIES):
            if lib and lib not in libraries:
                libraries.append(lib)
        self.libraries = libraries
        heads = ("ForSequenceClassification", "ForTokenClassification", "ForQuestionAnswering",
                 "ForMaskedLM", "ForCausalLM", "Model", "ForConditionalGeneration",
                 "ForImageClassification", "ForCTC", "ForMultipleChoice", "LMHeadModel",
                 "ForPreTraining")
        archs: list[str] = []
        for fam in FAMILIES:
            if fam.arch and fam.arch not in archs:
                archs.append(fam.arch)
        bases = sorted({fam.arch.split("For")[0].removesuffix("Model").removesuffix("LMHead")
                        for fam in FAMILIES if fam.arch})
        for base in bases:
            for head in heads:
                if f"{base}{head}" not in archs:
                    archs.append(f"{base}{head}")
        self.archs = archs
        # Tags: fixed names (tasks, libraries, frameworks, model types, flags, languages,
        # licenses), then dataset:*, arxiv:* and a long tail of free-form tags, by offset.
        fixed: list[str] = []
        for fam in FAMILIES:
            fixed += [fam.task, fam.stem.split("-")[0].lower()]
        fixed += libraries + ["tf" if f == "tensorflow" else f for f in self.frameworks]
        fixed += [t for t, _ in FLAG_TAGS] + ["text-generation-inference", "lora",
                                              "stable-diffusion", "deep-reinforcement-learning",
                                              "custom-implementation", "gguf", "4-bit"]
        fixed += [abbr for _, abbr in LANGUAGES] + [f"license:{lic}" for lic in self.licenses]
        tag_names: list[str] = []
        tag_ids: dict[str, int] = {}
        for t in fixed:
            if t not in tag_ids:
                tag_ids[t] = len(tag_names) + 1
                tag_names.append(t)
        self.tag_ids = tag_ids
        self.dataset_tag0 = len(tag_names) + 1
        self.paper_tag0 = self.dataset_tag0 + self.n_datasets
        self.free_tag0 = self.paper_tag0 + self.n_papers
        n_free = max(50, round(n * 0.05))
        free: list[str] = []
        seen = set(tag_ids)
        while len(free) < n_free:
            t = word(rng, rng.randint(2, 4)) if rng.random() < 0.6 else \
                f"{rng.choice(REPO_WORDS)}-{word(rng, 2)}"
            if t not in seen and not t.startswith(("dataset:", "arxiv:")):
                seen.add(t)
                free.append(t)
        self.fixed_tags = tag_names
        self.free_tags = free
        self.free_cum = zipf_cum(n_free, 1.1)
        self.step(f"planned vocabularies: {self.n_datasets:,} datasets, {self.n_papers:,} papers, "
                  f"{len(tag_names) + self.n_datasets + self.n_papers + n_free:,} tags")

    # -- phase B: write ---------------------------------------------------------------------
    def write(self, con: sqlite3.Connection, cards_out: TextIO | None,
              licenses_out: TextIO | None) -> None:
        """Create every table and fill it; write the side files when asked."""
        for table in parse_schema():
            con.execute(table.ddl)
        self._write_lookups(con)
        self._write_models(con, cards_out)
        self._write_projects(con, licenses_out)
        if self.github_scale > 0:
            self._write_github(con)

    def insert(self, con: sqlite3.Connection, table: str, rows: Iterable[Sequence[Any]]) -> None:
        """executemany in batches; counts rows per table."""
        it = iter(rows)
        first = True
        while True:
            batch = list(islice(it, BATCH))
            if not batch:
                break
            if first:
                marks = ", ".join("?" * len(batch[0]))
                sql = f"INSERT INTO {table} VALUES ({marks})"
                first = False
            con.executemany(sql, batch)
            self.counts[table] = self.counts.get(table, 0) + len(batch)

    def _write_lookups(self, con: sqlite3.Connection) -> None:
        self.insert(con, "model_hub", [(1, "Hugging Face", "https://huggingface.co"),
                                       (2, "PyTorch Hub", "https://pytorch.org/hub")])
        self.insert(con, "author", ((i + 1, a) for i, a in enumerate(self.authors)))
        self.insert(con, "license", ((i + 1, n) for i, n in enumerate(self.licenses)))
        self.insert(con, "framework", ((i + 1, n) for i, n in enumerate(self.frameworks)))
        self.insert(con, "library", ((i + 1, n) for i, n in enumerate(self.libraries)))
        self.insert(con, "architecture", ((i + 1, n) for i, n in enumerate(self.archs)))
        self.insert(con, "language", ((i + 1, n, a) for i, (n, a) in enumerate(LANGUAGES)))
        self.insert(con, "dataset", ((i + 1, n) for i, n in enumerate(self.datasets)))
        self.insert(con, "paper", ((i + 1, n) for i, n in enumerate(self.papers)))
        tags = self.fixed_tags + [f"dataset:{d}" for d in self.datasets] \
            + [f"arxiv:{p}" for p in self.papers] + self.free_tags
        self.insert(con, "tag", ((i + 1, t) for i, t in enumerate(tags)))
        self.step("wrote lookup tables")

    def _write_models(self, con: sqlite3.Connection, cards_out: TextIO | None) -> None:
        fam_lib = {lib: i + 1 for i, lib in enumerate(self.libraries)}
        fam_arch = {a: i + 1 for i, a in enumerate(self.archs)}
        lang_cum = zipf_cum(len(LANGUAGES), 1.3, 1.0)
        n_snapshot = round(self.n_models * SNAPSHOT_SHARE)
        snapshot = bytearray(self.n_models)
        for i in self.order[:n_snapshot]:
            snapshot[i] = 1
        for i in range(self.n_hf):
            if self.reused[i]:
                snapshot[i] = 1
        self.snapshot = snapshot
        ptm_rows: list[tuple[int, str]] = []
        if cards_out is not None:
            cards_out.write("{")
        self.n_cards = 0
        for lo in range(0, self.n_models, CHUNK):
            hi = min(self.n_models, lo + CHUNK)
            rng = self.rng(f"models/{lo}")
            # Cards draw from their own stream: the database must not depend on --cards-json.
            card_rng = self.rng(f"cards/{lo}")
            rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in (
                "model", "model_to_author", "model_to_license", "model_to_library",
                "model_to_framework", "model_to_architecture", "model_to_language",
                "model_to_dataset", "model_to_paper", "model_to_tag")}
            for i in range(lo, hi):
                mid = i + 1
                name = self.model_name(i)
                pth = i >= self.n_hf
                fam = FAMILIES[self.fam[i]] if not pth else FAMILIES[i % len(FAMILIES)]
                ptm_id = None
                if snapshot[i] and rng.random() < 0.3:
                    ptm_rows.append((len(ptm_rows) + 1, f"https://github.com/{name}"))
                    ptm_id = len(ptm_rows)
                if pth:
                    repo = name.rsplit("/", 1)[0]
                    rows["model"].append((mid, name, 2, None, f"https://github.com/{repo}",
                                          None, None, snapshot[i], ptm_id, ptm_id))
                else:
                    d = self.downloads[i]
                    likes = int(d ** 0.55 * math.exp(rng.gauss(-2.5, 1.0)))
                    rows["model"].append((mid, name, 1, f"{rng.getrandbits(160):040x}",
                                          f"https://huggingface.co/{name}", d, likes,
                                          snapshot[i], ptm_id, ptm_id))
                    if self.owner[i] >= 0:
                        rows["model_to_author"].append((mid, self.owner[i] + 1))
                tags: set[int] = set()
                # License: about half the models have none; reused models nearly always do.
                licenses: list[int] = []
                if not pth and rng.random() < (0.92 if self.reused[i] else 0.475):
                    licenses.append(pick(rng, self.license_cum))
                    if rng.random() < 0.015:
                        other = pick(rng, self.license_cum)
                        if other != licenses[0]:
                            licenses.append(other)
                for lic in sorted(licenses):
                    rows["model_to_license"].append((mid, lic + 1))
                    tags.add(self.tag_ids[f"license:{self.licenses[lic]}"])
                libs: list[int] = []
                if fam.library and rng.random() < 0.9:
                    libs.append(fam_lib[fam.library])
                if rng.random() < 0.08:
                    extra = fam_lib[rng.choice(EXTRA_LIBRARIES)]
                    if extra not in libs:
                        libs.append(extra)
                for lib in sorted(libs):
                    rows["model_to_library"].append((mid, lib))
                    tags.add(self.tag_ids[self.libraries[lib - 1]])
                fws = [k for k, (_, p) in enumerate(FRAMEWORKS) if rng.random() < p]
                for k in fws:
                    rows["model_to_framework"].append((mid, k + 1))
                    fw = self.frameworks[k]
                    tags.add(self.tag_ids["tf" if fw == "tensorflow" else fw])
                if fam.arch and rng.random() < 0.85:
                    arch = fam_arch[fam.arch] if rng.random() < 0.9 else \
                        rng.randrange(len(self.archs)) + 1
                    rows["model_to_architecture"].append((mid, arch))
                langs: set[int] = set()
                if fam.domain in ("nlp", "audio") and rng.random() < 0.45:
                    count = 1 if rng.random() < 0.93 else rng.randint(2, 12)
                    langs = {pick(rng, lang_cum) for _ in range(count)}
                    for lang in sorted(langs):
                        rows["model_to_language"].append((mid, lang + 1))
                        tags.add(self.tag_ids[LANGUAGES[lang][1]])
                dsets: set[int] = set()
                if rng.random() < 0.25:
                    dsets = {pick(rng, self.dataset_cum) for _ in range(rng.choice((1, 1, 2, 3)))}
                    for ds in sorted(dsets):
                        rows["model_to_dataset"].append((mid, ds + 1))
                        tags.add(self.dataset_tag0 + ds)
                papers: set[int] = set()
                if rng.random() < 0.12:
                    papers = {pick(rng, self.paper_cum) for _ in range(rng.choice((1, 1, 1, 2)))}
                    for pp in sorted(papers):
                        rows["model_to_paper"].append((mid, pp + 1))
                        tags.add(self.paper_tag0 + pp)
                if rng.random() < 0.85:
                    tags.add(self.tag_ids[fam.task])
                if rng.random() < 0.85:
                    tags.add(self.tag_ids[fam.stem.split("-")[0].lower()])
                for flag, p in FLAG_TAGS:
                    if rng.random() < p:
                        tags.add(self.tag_ids[flag])
                if fam.task == "text-generation" and rng.random() < 0.6:
                    tags.add(self.tag_ids["text-generation-inference"])
                if fam.domain == "rl":
                    tags.add(self.tag_ids["deep-reinforcement-learning"])
                if fam.stem == "sd-lora" or (not pth and SUFFIXES[self.suf1[i]] == "lora"):
                    tags.add(self.tag_ids["lora"])
                if rng.random() < 0.3:
                    for _ in range(rng.randint(1, 3)):
                        tags.add(self.free_tag0 + pick(rng, self.free_cum))
                rows["model_to_tag"].extend((mid, t) for t in sorted(tags))
                if cards_out is not None and not pth and self.carded[i]:
                    card = self._card(card_rng, i, name, fam, licenses, libs, fws, dsets,
                                      papers)
                    cards_out.write(("\n" if self.n_cards == 0 else ",\n")
                                    + f"  {json.dumps(name)}: {json.dumps(card)}")
                    self.n_cards += 1
            for table, table_rows in rows.items():
                self.insert(con, table, table_rows)
            if (lo // CHUNK) % 10 == 9:
                self.step(f"wrote models {hi:,}/{self.n_models:,}")
        if cards_out is not None:
            cards_out.write("\n}\n")
        self.insert(con, "ptm_issues", ptm_rows)
        self.insert(con, "ptm_pull_requests", ptm_rows)
        self.n_ptm_issues = len(ptm_rows)
        self.step(f"wrote {self.n_models:,} models, {self.counts.get('model_to_tag', 0):,} tags, "
                  f"{self.n_cards:,} cards")

    def _card(self, rng: random.Random, i: int, name: str, fam: Family, licenses: list[int],
              libs: list[int], fws: list[int], dsets: set[int],
              papers: set[int]) -> dict[str, Any]:
        """One card in groundTruth.json's shape; "" where the card says nothing."""

        def present(field: str) -> bool:
            return rng.random() >= CARD_MISSING[field]

        upstream = ""
        j = self.upstream.get(i)
        if j is not None:
            base = self.model_name(j)
            r = rng.random()
            if r < 0.55:
                upstream = f"https://huggingface.co/{base}"
            elif r < 0.78:
                upstream = base
            elif r < 0.82 and "/" in base:
                upstream = base.replace("/", " / ")
            elif r < 0.85:  # a base that the dataset does not hold
                upstream = f"{person_or_org(rng)}/{fam.stem}-private"
            else:
                upstream = rng.choice(FREE_UPSTREAMS)
        frameworks = [self.libraries[lib - 1] for lib in libs] + \
            [self.frameworks[k] for k in fws]
        if not present("frameworks"):
            frameworks = []
        if dsets:
            datasets: Any = [self.datasets[d] for d in sorted(dsets)]
        elif rng.random() < 0.4:
            datasets = rng.choice(("large-scale biomedical literature", "web text",
                                   "proprietary data", "custom dataset"))
        else:
            datasets = []
        paper = ""
        if papers:
            pid = self.papers[min(papers)]
            paper = f"https://arxiv.org/abs/{pid}" if rng.random() < 0.7 else \
                f"{fam.stem.upper()}: {sentence(rng, 3, 8)}"
        evaluation: Any = ""
        if present("evaluation"):
            metrics = ("accuracy", "f1", "precision", "recall", "bleu", "rouge1", "wer", "loss")
            evaluation = {m: round(rng.uniform(0.3, 0.99), 4)
                          for m in rng.sample(metrics, rng.randint(1, 4))}
        hyper = {k: "" for k in ("epochs", "batch_size", "learning_rate", "optimizer")}
        if rng.random() < 0.5:
            hyper["epochs"] = str(rng.choice((1, 2, 3, 5, 10, 20)))
            hyper["batch_size"] = str(rng.choice((8, 16, 32, 64, 256)))
            hyper["learning_rate"] = rng.choice(("2e-5", "5e-5", "1e-4", "3e-4", "6e-6"))
            if rng.random() < 0.5:
                hyper["optimizer"] = rng.choice(("AdamW", "Adam", "SGD", "Adafactor"))
        size = FAMILIES[self.fam[i]].sizes[self.size[i]] if i < self.n_hf else ""
        return {
            "model_type": fam.domain if present("model_type") else "",
            "model_tasks": fam.task.replace("-", " ") if present("model_tasks") else "",
            "frameworks": frameworks,
            "datasets": datasets,
            "license": self.licenses[licenses[0]] if licenses else "",
            "github": f"https://github.com/{name.split('/')[0]}/{fam.stem}"
            if present("github") else "",
            "paper": paper,
            "upstream_model": upstream,
            "parameter_count": (size.upper() if size[:1].isdigit() else
                                f"{rng.choice((4.4, 22, 66, 110, 125, 340, 770))}M")
            if present("parameter_count") else "",
            "hyper_parameters": hyper,
            "evaluation": evaluation,
            "hardware": rng.choice(HARDWARE) if present("hardware") else "",
            "carbon_emitted": f"{rng.uniform(0.01, 500):.2f} kg CO2eq"
            if present("carbon_emitted") else "",
            "limitation_and_bias": rng.choice(LIMITATIONS) if present("limitation_and_bias")
            else "",
            "code_demo": f"from transformers import pipeline\npipe = pipeline('{fam.task}', "
                         f"model='{name}')" if present("code_demo") else "",
            "input_format": "raw text" if present("input_format") else "",
            "output_format": "label and score" if present("output_format") else "",
            "max_length": str(rng.choice((128, 256, 512, 1024, 2048, 4096)))
            if present("max_length") else "",
            "vocabulary_size": str(rng.choice((30522, 50257, 32000, 250002)))
            if present("vocabulary_size") else "",
        }

    def _write_projects(self, con: sqlite3.Connection, licenses_out: TextIO | None) -> None:
        rng = self.rng("projects")
        n_owners = max(1, round(self.n_projects * 0.8))
        owners: list[str] = []
        seen: set[str] = set()
        while len(owners) < n_owners:
            o = person_or_org(rng)
            if o.lower() not in seen:
                seen.add(o.lower())
                owners.append(o)

        def project_names(count: int, taken: set[str]) -> list[tuple[str, str]]:
            out = []
            while len(out) < count:
                owner = owners[int(len(owners) * rng.random() ** 1.6)]
                words = rng.sample(REPO_WORDS, rng.choice((1, 2, 2, 3)))
                sep = rng.choice(("-", "-", "_", ""))
                name = sep.join(w.capitalize() if sep == "" else w for w in words)
                if rng.random() < 0.2:
                    name += str(rng.randint(1, 2024))
                key = f"{owner}/{name}".lower()
                if key not in taken:
                    taken.add(key)
                    out.append((owner, name))
            return out

        taken: set[str] = set()
        projects = project_names(self.n_projects, taken)
        self.projects = projects
        self.insert(con, "reuse_repository", (
            (p + 1, o, n, f"https://github.com/{o}/{n}") for p, (o, n) in enumerate(projects)))
        self.insert(con, "model_to_reuse_repository", ((m + 1, p + 1) for m, p in self.links))
        def files() -> Iterator[tuple[int, str, int, int]]:
            fid = 0
            for m, p in self.links:
                owner, name = projects[p]
                k = 1 if rng.random() < 0.75 else (2 if rng.random() < 0.7 else rng.randint(3, 5))
                # Repository-qualified paths: reuse_file is UNIQUE (path, model_id).
                paths = {f"{owner}/{name}/{rng.choice(FILE_DIRS)}{rng.choice(FILE_NAMES)}"
                         for _ in range(k)}
                for path in sorted(paths):
                    fid += 1
                    yield fid, path, m + 1, p + 1

        self.insert(con, "reuse_file", files())
        fid = self.counts.get("reuse_file", 0)
        self.step(f"wrote {len(projects):,} projects, {len(self.links):,} links, "
                  f"{fid:,} reuse files")
        if licenses_out is None:
            return
        # The scan covers nearly every project, and some that are not in the database.
        key_cum = cumulative(w for _, w in PROJECT_LICENSE_KEYS)
        count_cum = cumulative(w for _, w in PROJECT_KEY_COUNTS)
        scanned = [f"{o}/{n}" for o, n in projects if rng.random() < 0.97]
        scanned += [f"{o}/{n}" for o, n in project_names(round(self.n_projects * 0.29), taken)]
        scan: dict[str, list[str] | None] = {}
        for project in sorted(scanned, key=lambda s: (s.lower(), s)):
            if rng.random() < PROJECT_LICENSE_NULL:
                scan[project] = None
                continue
            want = PROJECT_KEY_COUNTS[pick(rng, count_cum)][0]
            keys: list[str] = []
            for _ in range(want * 3):
                key = PROJECT_LICENSE_KEYS[pick(rng, key_cum)][0]
                if key not in keys:
                    keys.append(key)
                if len(keys) == want:
                    break
            scan[project] = keys
        json.dump(scan, licenses_out, indent=2)
        licenses_out.write("\n")
        self.n_scanned = len(scan)
        self.step(f"wrote license scan of {len(scan):,} projects")

    def _write_github(self, con: sqlite3.Connection) -> None:
        rng = self.rng("github")
        g = self.scale * self.github_scale
        n_users = max(10, round(12_000 * g))
        n_issues = max(10, round(25_000 * g))
        n_prs = max(5, round(8_000 * g))
        n_comments = max(10, round(50_000 * g))
        n_discussions = max(5, round(15_000 * g))
        n_commits = max(10, round(40_000 * g))
        logins: list[str] = []
        seen: set[str] = set()
        while len(logins) < n_users:
            login = person_or_org(rng)
            if login.lower() not in seen:
                seen.add(login.lower())
                logins.append(login)
        self.insert(con, "github_user", (
            (i + 1, login, f"{login.lower()}@example.com" if rng.random() < 0.4 else None,
             login.replace("-", " ").title() if rng.random() < 0.6 else None)
            for i, login in enumerate(logins)))
        user_cum = zipf_cum(n_users, 1.0, 5.0)
        degree_cum = cumulative(self.project_degree)

        def thread(kind: str, count: int,
                   links: list[tuple[int, int]]) -> Iterator[tuple[Any, ...]]:
            # A generator (rows with bodies are large at 10x); project links go to ``links``.
            numbers: dict[int, int] = {}
            for k in range(count):
                p = pick(rng, degree_cum)
                owner, name = self.projects[p]
                numbers[p] = numbers.get(p, 0) + 1
                created = timestamp(rng)
                closed = rng.random() < 0.6
                url = f"https://github.com/{owner}/{name}/{kind}/{numbers[p]}"
                title = sentence(rng, 3, 10).capitalize()
                body = sentence(rng, 10, 150)
                author = pick(rng, user_cum) + 1
                links.append((p + 1, k + 1))
                if kind == "issues":
                    yield (k + 1, author, body, int(closed), timestamp(rng) if closed
                           else None, created, None, None, numbers[p], "[]",
                           "CLOSED" if closed else "OPEN", title, created, url)
                else:
                    merged = closed and rng.random() < 0.7
                    yield (
                        k + 1, rng.randint(1, 500), author, "main", body, rng.randint(1, 20),
                        int(closed), timestamp(rng) if closed else None, created,
                        rng.randint(0, 200), f"{rng.choice(REPO_WORDS)}-{rng.randint(1, 99)}",
                        None, None, int(rng.random() < 0.5), int(rng.random() < 0.1),
                        int(rng.random() < 0.5), None, "CLEAN", "MERGEABLE",
                        timestamp(rng) if merged else None, author if merged else None, None,
                        numbers[p], None, "[]", None,
                        "MERGED" if merged else ("CLOSED" if closed else "OPEN"), title,
                        created, url)

        for kind, table, link_table, count in (
                ("issues", "github_issue", "reuse_repo_to_issue", n_issues),
                ("pull", "github_pull_request", "reuse_repo_to_pull_request", n_prs)):
            links: list[tuple[int, int]] = []
            self.insert(con, table, thread(kind, count, links))
            self.insert(con, link_table, sorted(links))
        self.insert(con, "github_comment", (
            (k + 1, pick(rng, user_cum) + 1, rng.choice(("NONE", "CONTRIBUTOR", "OWNER")),
             sentence(rng, 5, 120), timestamp(rng), 0, 0, None,
             *((rng.randint(1, n_issues), None) if rng.random() < 0.75
               else (None, rng.randint(1, n_prs))))
            for k in range(n_comments)))
        if self.n_ptm_issues:
            pairs = {(rng.randint(1, self.n_ptm_issues), rng.randint(1, n_issues))
                     for _ in range(n_issues // 5)}
            self.insert(con, "ptm_issue_to_issue", sorted(pairs))
        # Hub-side history for snapshot models (popular ones more often).
        snap = list(self.order[: max(1, round(self.n_models * SNAPSHOT_SHARE))])
        self.insert(con, "discussion", self._discussions(rng, snap, n_discussions))
        self.insert(con, "hf_commit", (
            (k + 1, f"{rng.getrandbits(160):040x}", timestamp(rng),
             rng.choice(("Upload folder using huggingface_hub", "Update README.md",
                         "Upload model", "Add model card", "Training in progress, step 500")),
             sentence(rng, 0, 20), snap[int(len(snap) * rng.random() ** 2)] + 1)
            for k in range(n_commits)))
        self.step("wrote GitHub and hub history tables")

    def _discussions(self, rng: random.Random, snap: list[int],
                     count: int) -> Iterable[tuple[Any, ...]]:
        for k in range(count):
            i = snap[int(len(snap) * rng.random() ** 2)]
            is_pr = rng.random() < 0.4
            status = rng.choice(("open", "closed", "merged" if is_pr else "closed"))
            yield (k + 1, sentence(rng, 3, 10).capitalize(), status, rng.randint(1, 200),
                   self.model_name(i), "model", int(is_pr), timestamp(rng),
                   "https://huggingface.co", "refs/heads/main" if is_pr else None,
                   f"{rng.getrandbits(160):040x}" if status == "merged" else None,
                   "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-" + sentence(rng, 3, 8)
                   if is_pr else None, i + 1)


def generate(out: Path, scale: float, seed: int = 0, *, cards_json: Path | None = None,
             licenses_json: Path | None = None, github_scale: float = 1.0,
             card_share: float = CARD_SHARE, force: bool = False,
             log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Write the synthetic release to ``out`` (and the side files); returns a summary."""
    for path in (out, cards_json, licenses_json):
        if path is not None and path.exists() and not force:
            raise FileExistsError(f"{path} exists (pass --force to replace it)")
    started = time.perf_counter()
    synth = Synth(scale, seed, github_scale=github_scale, card_share=card_share, log=log)
    synth.plan()
    tmp = out.with_name(out.name + ".partial")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp, isolation_level=None)
    side_tmp = [p.with_name(p.name + ".partial") if p else None for p in (cards_json,
                                                                           licenses_json)]
    try:
        # A throwaway build: no journal, no fsync; the file is renamed into place at the end.
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA cache_size = -131072")
        con.execute("BEGIN")
        with open(side_tmp[0] or os.devnull, "w", encoding="utf-8") as cards_out, \
                open(side_tmp[1] or os.devnull, "w", encoding="utf-8") as lic_out:
            synth.write(con, cards_out if cards_json else None,
                        lic_out if licenses_json else None)
        con.execute("COMMIT")
        con.close()
        os.replace(tmp, out)
        for final, partial in zip((cards_json, licenses_json), side_tmp, strict=True):
            if final and partial:
                os.replace(partial, final)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        for partial in side_tmp:
            if partial:
                partial.unlink(missing_ok=True)
        raise
    return {
        "db": str(out), "scale": scale, "seed": seed,
        "seconds": round(time.perf_counter() - started, 2),
        "bytes": out.stat().st_size,
        "rows": dict(sorted(synth.counts.items())),
        "cards": getattr(synth, "n_cards", 0) if cards_json else 0,
        "scanned_projects": getattr(synth, "n_scanned", 0) if licenses_json else 0,
        "cards_json": str(cards_json) if cards_json else None,
        "licenses_json": str(licenses_json) if licenses_json else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; prints a JSON summary on stdout, progress on stderr."""
    parser = argparse.ArgumentParser(
        prog="synth.py", description="Write a synthetic PeaTMOSS-schema SQLite file.")
    parser.add_argument("out", type=Path, help="SQLite file to write")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1 = the published release (281,638 models); 10 = ten times")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cards-json", type=Path, metavar="FILE",
                        help="also write model cards (model id -> card fields)")
    parser.add_argument("--licenses-json", type=Path, metavar="FILE",
                        help="also write project licenses (owner/name -> ScanCode keys | null)")
    parser.add_argument("--github-scale", type=float, default=1.0,
                        help="size of the GitHub/discussion tables relative to the default "
                             "small sample (0 = leave them empty)")
    parser.add_argument("--card-share", type=float, default=CARD_SHARE,
                        help=f"target share of models with a card (default {CARD_SHARE})")
    parser.add_argument("--force", action="store_true", help="replace existing output files")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    log = None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    try:
        summary = generate(args.out, args.scale, args.seed, cards_json=args.cards_json,
                           licenses_json=args.licenses_json, github_scale=args.github_scale,
                           card_share=args.card_share, force=args.force, log=log)
    except (FileExistsError, OSError, sqlite3.Error) as exc:
        print(f"synth.py: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
