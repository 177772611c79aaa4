"""Cards given as dicts — the hand-checked ones, a live hub card, a README — scored exactly as
the dataset path scores them, with prose-only fields "not assessed" when no prose was read."""

from __future__ import annotations

from typing import Any

from ptmx.cards import (
    Status,
    assess,
    assess_card_dict,
    completeness,
)
from ptmx.store import Store

TEMPLATE_README = """---
license: mit
datasets:
- imdb
base_model: bert-base-uncased
---

# Model Card for acme/sentiment

<!-- Provide a quick summary of what the model is/does. -->

## Model Details

- **Developed by:** Acme
- **Funded by [optional]:** [More Information Needed]
- **License:** MIT
- **Finetuned from model [optional]:** bert-base-uncased

## Uses

### Direct Use

Classify the sentiment of English movie reviews.

## Bias, Risks, and Limitations

[More Information Needed]

### Recommendations

{recommendations}

## How to Get Started with the Model

Use the code below to get started with the model.

[More Information Needed]

## Training Details

### Training Hyperparameters

- learning_rate: 2e-05
- train_batch_size: 16

## Evaluation

### Results

Accuracy 0.93 on the IMDB test split.

## Environmental Impact

{carbon}

- **Hardware Type:** [More Information Needed]
""".format(  # the Hugging Face template's stock sentences, verbatim
    recommendations="Users (both direct and downstream) should be made aware of the risks, "
                    "biases and limitations of the model. More information needed for further "
                    "recommendations.",
    carbon="Carbon emissions can be estimated using the [Machine Learning Impact calculator]"
           "(https://mlco2.github.io/impact#compute) presented in [Lacoste et al. (2019)]"
           "(https://arxiv.org/abs/1910.09700).",
)


def _status(card: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    return {r.key: r.status for r in assess_card_dict(card, **kwargs).results}


def test_hand_checked_cards_score_as_the_dataset_does(sample_store: Store,
                                                      artifact_cards: dict[str, Any]) -> None:
    for model, card in artifact_cards.items():
        stored = assess(sample_store, model)
        tags = [t for t in (sample_store.scalar(
            "SELECT license FROM model_summary WHERE model = ?", [model]) or "").split(" AND ")
            if t]
        given = assess_card_dict(card, model=model, reuse_count=stored.reuse_count,
                                 license_tags=tags)
        assert [(r.key, r.status, r.counts) for r in given.results] == \
            [(r.key, r.status, r.counts) for r in stored.results], model
        assert (given.completeness, given.risk) == (stored.completeness, stored.risk), model


def test_a_readme_is_read_section_by_section() -> None:
    status = _status({"readme": TEMPLATE_README}, model="acme/sentiment")
    assert status["license"] == Status.PASS
    assert status["datasets"] == Status.PASS
    assert status["base_model"] == Status.PASS
    assert status["demo"] == Status.PASS  # "Uses" says something; the template's get-started does not
    assert status["hyper_parameters"] == Status.PASS
    assert status["evaluation"] == Status.PASS
    # template placeholders and boilerplate say nothing
    assert status["limitations_and_bias"] == Status.MISSING
    assert status["grant"] == Status.MISSING
    assert status["hardware"] == Status.MISSING
    assert status["carbon"] == Status.MISSING
    assert status["paper"] == Status.MISSING  # the template's arXiv link is not the model's paper


def test_a_prose_base_model_the_metadata_lacks_is_inconsistent() -> None:
    readme = TEMPLATE_README.replace("base_model: bert-base-uncased\n", "")
    a = assess_card_dict({"readme": readme}, model="acme/sentiment")
    assert a.result("base_model").status == Status.INCONSISTENT
    assert [f.kind for f in a.findings] == ["base-model-not-in-hub-metadata"]


def test_hub_metadata_without_prose_leaves_prose_fields_not_assessed() -> None:
    # The shape ptmx.hub.models.card_from_hub builds when the README was not fetched.
    live = {"model": "acme/x", "license": "apache-2.0", "datasets": ["imdb"],
            "base_model": None, "limitations_and_bias": None, "evaluation": None,
            "parameter_count": "110000000", "source": "hub-api"}
    a = assess_card_dict(live)
    status = {r.key: r.status for r in a.results}
    assert status["license"] == status["datasets"] == status["parameter_count"] == Status.PASS
    for prose_only in ("limitations_and_bias", "evaluation", "demo", "hyper_parameters"):
        assert status[prose_only] == Status.NOT_ASSESSED
    assert a.assessed and a.completeness is not None
    with_readme = assess_card_dict(live | {"readme": TEMPLATE_README})
    assert with_readme.result("limitations_and_bias").status == Status.MISSING


def test_other_license_named_in_metadata_is_consistent() -> None:
    unnamed = assess_card_dict({"cardData": {"license": "other"}, "readme": "# x\n\nhello"})
    named = assess_card_dict({"cardData": {"license": "other", "license_name": "acme-1.0",
                                           "license_link": "LICENSE.md"}, "readme": "# x"})
    assert [f.kind for f in unnamed.findings] == ["license-other-unnamed"]
    assert named.findings == []


def test_an_empty_card_is_not_assessed() -> None:
    a = assess_card_dict({"model": "acme/empty"})
    assert not a.assessed and a.completeness is None and a.risk is None
    assert completeness({}) is None


def test_completeness_hook_for_hub_drift(sample_store: Store) -> None:
    from ptmx.store import model_page

    page = model_page(sample_store, "facebook/bart-base")
    assert page.card is not None
    assert completeness(page.card) == assess(sample_store, "facebook/bart-base").completeness
