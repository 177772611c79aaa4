"""From verdict to remedy: for a conflict, drift or use-constrained finding, up to three models of
the dataset that do the same job under terms the downstream licence accepts, and for drift the
exact licence the downstream should carry.

"The same job", first that the dataset can answer: the model's architecture, its base family
(its bases and their other derivatives), its task (a Hugging Face pipeline tag, or its card's
task; a broad one such as feature-extraction only within the name family), its name family
(``bert-base-uncased`` → ``bert*``, also after one prefix word: ``open_llama``). The remedy says
which was used. A candidate must also have the same role words in its id (a DPR reader is no
context encoder, a chat model no base LM), a similar size where the ids name one (7b vs 134m),
and not be a test fixture. A candidate qualifies when its *effective* terms (its licence and its
bases') give ``ok`` or ``ok-with-obligations`` for the same downstream licence and activity, and
it is not presumed to carry the flagged terms unrecorded (a port named after a restricted model;
another owner's model of a vendor's line whose every release is restricted). Candidates come most
reused first, then most downloaded.

With a Hub source (``--hub``), up to three more come from the Hub for the model's task: crawled
``hub_models`` rows and the live listing the source returns, most downloaded first. A Hub model
is judged on its licence (``other`` read through license_name / license_link) AND the licences
of the bases its tags name; one whose bases' terms cannot be read is not suggested.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ptmx.licenses import queries
from ptmx.licenses.audit import AuditRecord
from ptmx.licenses.audit import lineage as load_lineage
from ptmx.licenses.chains import Chain, Lineage, judge_effective
from ptmx.licenses.expressions import NONE, leaves, parse
from ptmx.licenses.other import is_other, resolve_other
from ptmx.licenses.rules.book import preferred_id
from ptmx.licenses.symbols import knowledge
from ptmx.licenses.verdicts import verdict_for
from ptmx.licenses.vocabulary import Activity, Family, Verdict
from ptmx.store import Store

Pool = Callable[[], list[dict[str, Any]]]
# A task's live Hub candidates (ptmx.hub.alternatives.HubCandidate.to_dict rows); the caller
# bounds the requests and raises ptmx.errors.HubError when the hub fails.
HubSource = Callable[[str], list[dict[str, Any]]]
MAX_ALTERNATIVES = 3
POOL = 60  # candidates read per job before judging; the best qualifying three are kept
REMEDIED = frozenset({Verdict.CONFLICT, Verdict.DRIFT, Verdict.USE_CONSTRAINED})
_ACCEPTABLE = frozenset({Verdict.OK, Verdict.OK_WITH_OBLIGATIONS})

# First words of model names that say nothing of the job (``text-to-video-ms`` is no ``text*``).
_GENERIC_HEADS = frozenset({"text", "model", "my", "test", "new", "custom", "fine", "finetuned",
                            "ft", "base", "tiny", "small", "large", "image", "audio", "video",
                            "stable"})  # stable-diffusion is no stablelm, stable-code or SVD
# Words of a model id that name its role in a system or its tuned head: a DPR reader, question
# encoder and context encoder are not interchangeable, nor is a chat model a base LM or a QA
# head an NER head. Synonyms share a role. A first word among them is dropped from the name
# family (``instruct-llama-7b`` is a llama, not an ``instruct*`` like instruct-pix2pix).
_ROLE_WORDS = {"question": "question", "query": "question", "ctx": "context",
               "context": "context", "passage": "context", "reader": "reader",
               "encoder": "encoder", "chat": "dialogue", "instruct": "dialogue",
               "instruction": "dialogue", "qa": "qa", "squad": "qa", "squad2": "qa", "mrc": "qa",
               "ner": "ner", "nli": "nli", "mnli": "nli", "xnli": "nli", "sentiment": "sentiment",
               "reward": "reward"}
# Words of test fixtures (hf-internal-testing/tiny-random-*): never a replacement.
_FIXTURE_WORDS = frozenset({"random", "dummy", "testing"})
# Languages as model ids spell them out (``wav2vec2-base-vietnamese-250h``): a model for one
# language does not do the job of a model for another, nor of a model that names none. Short
# codes (en, ko, vi) are left out: as words of an id they are too often something else.
_LANGUAGE_WORDS = frozenset({
    "english", "vietnamese", "korean", "japanese", "chinese", "arabic", "german", "french",
    "spanish", "portuguese", "italian", "russian", "turkish", "dutch", "polish", "czech",
    "greek", "hindi", "bengali", "indonesian", "thai", "persian", "farsi", "hebrew", "swedish",
    "finnish", "danish", "norwegian", "ukrainian", "romanian", "hungarian", "urdu", "tamil",
    "swahili", "catalan", "basque", "malay", "tagalog", "filipino", "bulgarian", "serbian",
    "croatian", "slovak", "slovenian", "estonian", "latvian", "lithuanian", "icelandic"})
# Size words by rank; a candidate more than one step away does not do the same job. BERT's
# "medium" is below "base", GPT-2's above "small": both rank as "base".
_SIZE_WORDS = {"tiny": 0, "mini": 1, "small": 2, "base": 3, "medium": 3, "large": 4, "xl": 5,
               "xxl": 6}
_PARAMS = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)([mb])(?![a-z])")
MAX_SIZE_RATIO = 3.0  # 7b accepts 3b..13b (dolly-v2-3b for dolly-v1-6b), not 30b or 134m
# Tasks too broad to define a job alone ("feature extraction" holds DPR, BART and a Japanese
# sentence encoder): used only within the model's name family.
BROAD_TASKS = frozenset({"feature-extraction", "text2text-generation", "text-generation",
                         "fill-mask", "sentence-similarity", "image-feature-extraction",
                         "conversational", "any-to-any", "image-text-to-text"})

# Hugging Face pipeline tags (huggingface/hub-docs, tasks): tags that name what a model does.
PIPELINE_TAGS = (
    "text-classification", "token-classification", "table-question-answering",
    "question-answering", "zero-shot-classification", "translation", "summarization",
    "feature-extraction", "text-generation", "text2text-generation", "fill-mask",
    "sentence-similarity", "text-to-speech", "text-to-audio", "automatic-speech-recognition",
    "audio-to-audio", "audio-classification", "voice-activity-detection", "depth-estimation",
    "image-classification", "object-detection", "image-segmentation", "text-to-image",
    "image-to-text", "image-to-image", "image-to-video", "unconditional-image-generation",
    "video-classification", "reinforcement-learning", "robotics", "tabular-classification",
    "tabular-regression", "time-series-forecasting", "visual-question-answering",
    "document-question-answering", "zero-shot-image-classification", "graph-ml",
    "mask-generation", "zero-shot-object-detection", "text-to-3d", "image-to-3d",
    "image-feature-extraction", "text-to-video", "conversational", "multiple-choice",
    "any-to-any", "image-text-to-text", "keypoint-detection", "video-text-to-text",
)


@dataclass(frozen=True)
class Alternative:
    """A model that does the same job under acceptable terms."""

    model: str
    license: str
    verdict: str
    reuse_count: int
    downloads: int | None
    source: str = "dataset"  # dataset | hub (live listing) | hub crawl (hub_models rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (``source`` only for a Hub model)."""
        out: dict[str, Any] = {"model": self.model, "license": self.license,
                               "verdict": self.verdict, "reuse_count": self.reuse_count,
                               "downloads": self.downloads}
        if self.source != "dataset":
            out["source"] = self.source
        return out

    def label(self) -> str:
        """``model (licence)``, saying when it comes from the Hub."""
        return f"{self.model} ({self.license}{', hub' if self.source != 'dataset' else ''})"


@dataclass
class Remedy:
    """What to do about one finding: alternatives (with the job they match) and, where a
    licence change fixes it, the licence to carry."""

    job: str | None = None  # e.g. "task text-classification", "name family bert*"
    alternatives: list[Alternative] = field(default_factory=list)
    carry: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and SARIF."""
        out: dict[str, Any] = {"job": self.job,
                               "alternatives": [a.to_dict() for a in self.alternatives]}
        if self.carry is not None:
            out["carry"] = self.carry
        return out

    def text(self) -> str:
        """One line for a table."""
        parts = []
        if self.carry:
            parts.append(f"declare {self.carry['license']}")
        if self.alternatives:
            names = ", ".join(a.label() for a in self.alternatives)
            parts.append(f"or use {names} [{self.job}]" if parts else
                         f"use {names} [{self.job}]")
        elif self.job:
            parts.append(f"no alternative found [{self.job}]")
        return "; ".join(parts)


# ------------------------------------------------------------------------------------ jobs
def name_family(model: str) -> tuple[str, str] | None:
    """The name family of a model id and a regular expression matching its members:
    ``google/bert-base-uncased`` → ``bert``; ``spacy/en_core_web_sm`` → ``en-core``."""
    tokens = _tokens(model)
    if len(tokens) > 1 and tokens[0] in _ROLE_WORDS:
        tokens = tokens[1:]
    if not tokens:
        return None
    head = tokens[:1] if len(tokens[0]) >= 3 or len(tokens) == 1 else tokens[:2]
    if tokens[0] in _GENERIC_HEADS:  # "text*" would match text2vec for text-to-video
        head = [t for t in tokens[:3] if not t.isdigit()] or tokens[:1]
    if len(head[0]) < 2:
        return None
    # One owner-less word may come first when the name goes on after the family or the family
    # ends on a size: open_llama_7b is of the llama family and open_lm_7b of lm-7b, but
    # MagicPrompt-Stable-Diffusion, which ends on the family's words, is a tool for it.
    words = "[-_.]".join(re.escape(t) for t in head)
    after = r"([-_.]|$|\d)" if any(c.isdigit() for c in head[-1]) else r"([-_.]|\d)"
    pattern = f"(^|/)({words}([-_.]|$|\\d)|[a-z0-9]+[-_]{words}{after})"
    return "-".join(head), pattern


def _tokens(model: str) -> list[str]:
    """The lower-case words of a model's name (after the owner)."""
    return [t for t in re.split(r"[-_.]+", model.rsplit("/", 1)[-1].lower()) if t]


def _owner(model: str) -> str:
    return model.rsplit("/", 1)[0].lower() if "/" in model else ""


def roles(model: str) -> frozenset[str]:
    """The roles a model's id names (``dpr-question_encoder`` → question, encoder)."""
    return frozenset(_ROLE_WORDS[t] for t in _tokens(model) if t in _ROLE_WORDS)


def size(model: str) -> tuple[float | None, int | None]:
    """The parameter count (in millions) and the size word's rank its id names, if any."""
    name = model.rsplit("/", 1)[-1].lower()
    counts = [float(n) * (1000 if unit == "b" else 1) for n, unit in _PARAMS.findall(name)]
    words = [_SIZE_WORDS[t] for t in _tokens(model) if t in _SIZE_WORDS]
    return (counts[0] if counts else None), (words[0] if words else None)


def similar_size(candidate: str, model: str) -> bool:
    """Whether ``candidate`` is of a size like ``model``'s: within a factor of three when the
    model's id names a parameter count (then the candidate must name one too), within one size
    word when it names a size word; anything when the model's id names no size."""
    (count, word), (c_count, c_word) = size(model), size(candidate)
    if count is not None:
        return c_count is not None and max(count, c_count) <= MAX_SIZE_RATIO * min(count, c_count)
    if word is not None and c_word is not None:
        return abs(word - c_word) <= 1
    return True


def languages(model: str) -> frozenset[str]:
    """The languages a model's id spells out (``wav2vec2-base-vietnamese-250h`` → vietnamese)."""
    return frozenset(t for t in _tokens(model) if t in _LANGUAGE_WORDS)


def same_kind(candidate: str, model: str) -> bool:
    """Whether ``candidate`` could stand in for ``model`` by its id: the same roles and
    languages, a similar size, not a test fixture."""
    if _FIXTURE_WORDS & set(_tokens(candidate)) or "internal-testing" in _owner(candidate):
        return False
    return roles(candidate) == roles(model) and languages(candidate) == languages(model) and \
        similar_size(candidate, model)


def _line(candidate: str, head: str) -> bool:
    """Whether the candidate's name starts with the family head (not after a prefix word)."""
    return "-".join(_tokens(candidate)).startswith(head)


def _contains(candidate: str, model: str) -> bool:
    """Whether the candidate's name holds the whole name of ``model`` of three words or more
    (``sentence-transformers/facebook-dpr-ctx_encoder-single-nq-base``: a port of it)."""
    own = _tokens(model)
    return len(own) >= 3 and f"-{'-'.join(own)}-" in f"-{'-'.join(_tokens(candidate))}-"


def named_after(candidate: str, model: str) -> bool:
    """Whether ``candidate`` is named as a derivative of ``model`` (``tiennvcs/layoutlmv2-base-
    uncased-finetuned-docvqa`` of ``microsoft/layoutlmv2-base-uncased``): it most likely carries
    the very terms that made the finding, whatever licence it declares, and the dataset may not
    record the base edge. Only a model name of two words or more counts (``gpt2-large`` is no
    fine-tune of ``gpt2``)."""
    own = model.rsplit("/", 1)[-1].lower()
    if len([t for t in re.split(r"[-_.]+", own) if t]) < 2:
        return False
    name = candidate.rsplit("/", 1)[-1].lower()
    return len(name) > len(own) + 1 and name.startswith(own) and name[len(own)] in "-_."


class Remedies:
    """Remedies for findings of one dataset; candidate pools and judgements are cached, so a
    whole-dataset check asks the store once per job."""

    def __init__(self, store: Store, lineage: Lineage, hub: HubSource | None = None) -> None:
        self.store = store
        self.lineage = lineage
        self.hub = hub
        self._hub_pools: dict[str, list[dict[str, Any]]] = {}
        self._hub_tasks: dict[int, str] = {}  # tasks only a hub row records (for --hub)
        # With hub rows, the lineage holds the Hub's bases of reused models and of models on
        # the dataset's base edges only (see queries.hub_bases); others are not suggested.
        self._hub_rows = any(store.has(t) for t in queries.HUB_TABLES)
        self._hub_judged: dict[tuple[str, str | None, Activity],
                               dict[str, tuple[str, Verdict] | None]] = {}
        self._hub_known: dict[str, dict[str, dict[str, Any]]] = {}
        self._pools: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._tasks: dict[int, str] = {}
        self._archs: dict[int, str] = {}
        self._verdicts: dict[tuple[int, str | None, Activity], Verdict] = {}
        self._found: dict[tuple[str, int | None, str | None, Activity],
                          tuple[str | None, list[Alternative]]] = {}

    def prepare(self, model_ids: list[int]) -> None:
        """Read the task and architecture of these models in two queries."""
        ids = sorted({m for m in model_ids if m is not None})
        if ids:
            self._tasks.update(queries.tasks(self.store, ids, list(PIPELINE_TAGS)))
            self._archs.update(queries.architectures(self.store, ids))
        if ids and self.hub is not None:  # the Hub's pipeline tag where the dataset has none
            untasked = [m for m in ids if m not in self._hub_tasks and m not in self._tasks]
            self._hub_tasks.update(queries.hub_tasks(self.store, untasked))

    def _pool(self, kind: str, value: str, ids: list[int] | None = None) -> list[dict[str, Any]]:
        key = (kind, value)
        if key not in self._pools:
            if kind == "task":
                table = queries.candidates_by_task(self.store, value, POOL)
            elif kind == "architecture":
                table = queries.candidates_by_architecture(self.store, value, POOL)
            elif kind == "base family":
                table = queries.candidates_by_ids(self.store, ids or [], POOL)
            else:
                table = queries.candidates_by_name(self.store, value, POOL)
            self._pools[key] = table.to_pylist() if table.num_columns else []
        return self._pools[key]

    def _jobs(self, model: str, model_id: int | None) -> Iterator[tuple[str, Pool]]:
        """The ways to find models doing the same job, in order of precision: architecture,
        base family, task (a broad one only within the name family), name family (its own
        line before names with a prefix word); each pool is read only when the ones before it
        gave nothing."""
        if model_id is not None and model_id in self._archs:
            arch = self._archs[model_id]
            yield f"architecture {arch}", lambda: self._pool("architecture", arch)
        if model_id is not None:
            relatives = self.lineage.relatives(model_id)
            if relatives:
                key = ",".join(map(str, sorted(relatives)))
                yield (f"base family of {model}",
                       lambda: self._pool("base family", key, relatives))
        family = name_family(model)
        task = self._tasks.get(model_id) if model_id is not None else None
        if task is not None and task not in BROAD_TASKS:
            yield f"task {task}", lambda: self._pool("task", task)
        if family is None:
            return
        head, pattern = family
        if task is not None:  # a broad task: only its models of the same name family
            yield (f"task {task} in name family {head}*",
                   lambda: self._in_line(head, [r for r in self._pool("task", task)
                                                if re.search(pattern, r["model"].lower())]))
        yield f"name family {head}*", lambda: self._in_line(head, self._pool("name", pattern))

    @staticmethod
    def _in_line(head: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows of a name family, those of its own line first (xlm-roberta before
        paraphrase-xlm-r), each part still most reused first."""
        return sorted(rows, key=lambda r: not _line(r["model"], head))

    def alternatives(self, model: str, model_id: int | None, downstream: str | None,
                     activity: Activity) -> tuple[str | None, list[Alternative]]:
        """Up to three models doing the same job whose effective terms are acceptable under
        ``downstream`` for ``activity``; the job used (the first that yields any). Cached per
        (model, downstream, activity): a model's findings share their answer."""
        key = (model, model_id, downstream, activity)
        if key not in self._found:
            self._found[key] = self._alternatives(model, model_id, downstream, activity)
        return self._found[key]

    def _verdict(self, row: dict[str, Any], downstream: str | None,
                 activity: Activity) -> Verdict | None:
        """A dataset model's verdict on its effective terms (its licence and its bases'),
        None without a licence; cached."""
        if not row["license"]:
            return None
        key = (row["model_id"], downstream, activity)
        if key not in self._verdicts:
            chain = self.lineage.chain(row["model_id"], row["model"])
            act = None if activity is not Activity.DERIVE else activity
            self._verdicts[key] = judge_effective(row["license"], chain, downstream,
                                                  act).judgement.verdict
        return self._verdicts[key]

    def _presumed_derived(self, model: str, downstream: str | None,
                          activity: Activity) -> Callable[[dict[str, Any]], bool]:
        """A test for candidates that most likely carry the flagged terms though the dataset
        records no base for them: a model named after a restricted member of the family
        (``sentence-transformers/facebook-dpr-…`` for ``facebook/dpr-…``), or, when every
        licensed member of the flagged model's owner in the family (two or more) is
        restricted, another owner's model of the same name line without a recorded base
        (``mattmdjaga/segformer_b2_clothes`` of NVIDIA's segformer, ``NHNDQ/nllb-finetuned-…``
        of FAIR's NLLB): such a vendor published no free weights it could start from."""
        family = name_family(model)
        if family is None:
            return lambda row: False
        head, pattern = family
        members = self._pool("name", pattern)
        judged = [(r, self._verdict(r, downstream, activity)) for r in members]
        restricted = [r["model"] for r, v in judged if v is not None and v not in _ACCEPTABLE]
        restricted.append(model)
        owner = _owner(model)
        own = [v for r, v in judged if _owner(r["model"]) == owner and v is not None]
        vendor = len(own) >= 2 and all(v not in _ACCEPTABLE for v in own)

        def derived(row: dict[str, Any]) -> bool:
            name = row["model"]
            if any(_contains(name, r) for r in restricted):
                return True
            return vendor and _owner(name) != owner and _line(name, head) and \
                not self.lineage.has_bases(row["model_id"])
        return derived

    def _alternatives(self, model: str, model_id: int | None, downstream: str | None,
                      activity: Activity) -> tuple[str | None, list[Alternative]]:
        first = None
        derived = self._presumed_derived(model, downstream, activity)
        for job, pool in self._jobs(model, model_id):
            first = first or job
            found = []
            for row in pool():
                if row["model_id"] == model_id or not row["license"] or \
                        named_after(row["model"], model) or not same_kind(row["model"], model):
                    continue
                if self._hub_rows and not row["reuse_count"] and \
                        not self.lineage.has_bases(row["model_id"]):
                    continue  # the audit did not walk its Hub bases: its terms are not known
                verdict = self._verdict(row, downstream, activity)
                if verdict in _ACCEPTABLE and not derived(row):
                    found.append(Alternative(row["model"], row["license"], verdict,
                                             int(row["reuse_count"] or 0), row["downloads"]))
                    if len(found) == MAX_ALTERNATIVES:
                        break
            if found:
                return job, found
        return first, []

    def _hub_pool(self, task: str) -> list[dict[str, Any]]:
        """Crawled and live Hub candidates of a task, most downloaded first, one per model."""
        if task not in self._hub_pools:
            rows = [{**r, "source": "hub crawl"}
                    for r in queries.hub_task_candidates(self.store, task, POOL)]
            rows += [{**r, "source": "hub"} for r in (self.hub(task) if self.hub else [])]
            by_model: dict[str, dict[str, Any]] = {}
            for r in rows:  # the live answer (later) wins over a crawled row of the same model
                by_model[r["model"].lower()] = r
            self._hub_pools[task] = sorted(by_model.values(),
                                           key=lambda r: (-(r["downloads"] or 0), r["model"]))
        return self._hub_pools[task]

    def hub_alternatives(self, task: str, downstream: str | None, activity: Activity,
                         model: str | None = None) -> list[Alternative]:
        """Up to three Hub models of ``task`` whose effective terms are acceptable under
        ``downstream`` for ``activity``, most downloaded first; with ``model``, only those of
        its kind (roles, size) and, for a broad task, of its name family. Judgements are
        cached per task and licence."""
        key = (task, downstream, activity)
        pool = self._hub_pool(task)
        if key not in self._hub_judged:
            self._hub_judged[key] = {}
            self._hub_known[task] = queries.models_by_name(
                self.store, sorted({b for r in pool for b in r["bases"] or []}))
        judged = self._hub_judged[key]
        found = []
        for row in pool:
            name = row["model"]
            if model is not None and not _hub_fits(name, model, task):
                continue
            if name not in judged:
                judged[name] = self._judge_hub(row, self._hub_known[task], downstream, activity)
            verdict = judged[name]
            if verdict is not None:
                found.append(Alternative(name, verdict[0], verdict[1], 0, row["downloads"],
                                         row["source"]))
                if len(found) == MAX_ALTERNATIVES:
                    break
        return found

    def _judge_hub(self, row: dict[str, Any], known: dict[str, dict[str, Any]],
                   downstream: str | None, activity: Activity) -> tuple[str, Verdict] | None:
        """A Hub candidate's licence and verdict when acceptable, else None: its licence (or
        what license_name / license_link say for ``other``) AND its bases' along the dataset's
        lineage; a base outside the dataset, or one without a licence, disqualifies it."""
        lic = row["license"]
        if lic is None or is_other(lic):
            found = resolve_other(row["license_name"], row["license_link"], row["model"]) \
                if lic is not None or row["license_name"] or row["license_link"] else None
            if found is None:
                return None
            lic = found.license.symbol
        bases = [known.get(b.lower()) for b in row["bases"] or []]
        if any(b is None or not b["license"] for b in bases):
            return None
        edges = [{"base": b["model"], "base_id": b["model_id"], "upstream": b["license"],
                  "derived": row["model"], "derived_id": -1, "relation": None}
                 for b in bases if b is not None]
        chain = _hub_chain(self.store, edges, row["model"])
        if chain.gaps:
            return None
        act = None if activity is not Activity.DERIVE else activity
        judged = judge_effective(lic, chain, downstream, act).judgement
        return (lic, judged.verdict) if judged.verdict in _ACCEPTABLE else None

    def for_record(self, rec: AuditRecord) -> Remedy | None:
        """The remedy of one audit record (None when its verdict needs none)."""
        verdict = Verdict(rec.verdict)
        if verdict not in REMEDIED:
            return None
        activity = Activity(rec.activity)
        # a link: replace the used model; an edge: derive from another base
        model = rec.model or ""
        job, found = self.alternatives(model, rec.model_id, rec.downstream, activity)
        task = (self._tasks.get(rec.model_id) or self._hub_tasks.get(rec.model_id)
                if rec.model_id is not None else None)
        if self.hub is not None and task is not None:
            found = found + self.hub_alternatives(task, rec.downstream, activity, model)
            job = job or f"task {task}"
        remedy = Remedy(job, found)
        if verdict in (Verdict.DRIFT, Verdict.CONFLICT):
            remedy.carry = carry(rec)
        return remedy


def _hub_fits(candidate: str, model: str, task: str) -> bool:
    """Whether a Hub model of ``model``'s task may stand in for it: not the model, not named
    after it, of its kind, and of its name family when the task is broad."""
    if candidate.lower() == model.lower() or named_after(candidate, model) or \
            _contains(candidate, model) or not same_kind(candidate, model):
        return False
    if task not in BROAD_TASKS:
        return True
    family = name_family(model)
    return family is not None and re.search(family[1], candidate.lower()) is not None


def _hub_chain(store: Store, edges: list[dict[str, Any]], model: str) -> Chain:
    """The chain of a Hub model (id -1) whose bases are dataset models: its edges to them and
    the dataset's lineage above them."""
    ids = [e["base_id"] for e in edges]
    rows = queries.ancestry(store, ids) if ids else []
    return Lineage.from_rows([*edges, *rows]).chain(-1, model)


# ------------------------------------------------------------------------------------ carry
def _deciding_license(rec: AuditRecord) -> str | None:
    """The licence whose terms decided: the ancestor's when inherited, else the model's own."""
    if rec.inherited_from and rec.chain:
        for a in json.loads(rec.chain):
            if a.get("model") == rec.inherited_from:
                return str(a.get("license"))
    return rec.upstream


def _with_own(rec: AuditRecord, deciding: str) -> str:
    """For an edge an ancestor decided: the deciding licence AND the base's own when carrying
    the ancestor's alone would break the base's (a CC-BY-NC fine-tune of Gemma: its derivative
    must keep Gemma *and* NonCommercial, seen on the Hub's real lineage)."""
    own = rec.upstream
    if rec.kind != "edge" or not rec.inherited_from or not own or own == deciding:
        return deciding
    if not all(leaf.license.family.is_grant for leaf in leaves(parse(own))):
        return deciding  # the base's own licence is not known: nothing to add
    if verdict_for(own, deciding, Activity.DERIVE).verdict.failing:
        return f"{deciding} AND {own}"
    return deciding


def card_license(expression: str) -> str:
    """The model-card metadata that declares ``expression`` (an AND of licence ids) as the Hub
    reads it: Hub licence ids in lower case, a list for several, and ``other`` with
    ``license_name`` / ``license_link`` for a licence the Hub's list does not hold — the Hub
    accepts no SPDX expression and no LicenseRef in ``license:``."""
    kb = knowledge()
    listed: list[str] = []
    unlisted: list[tuple[str, str | None]] = []  # (slug, url) of licences the Hub cannot name
    for symbol in dict.fromkeys(leaf.license.symbol for leaf in leaves(parse(expression))):
        hub = kb.hub_id(symbol)
        if hub is not None:
            listed.append(hub)
            continue
        record = kb.get(symbol)
        slug = re.sub(r"^licenseref-(ptmx|scancode)-", "", preferred_id(symbol).lower())
        unlisted.append((re.sub(r"[^a-z0-9.+-]+", "-", slug), record.url if record else None))
    tags = listed + (["other"] if unlisted else [])
    lines = [f"license: {tags[0]}"] if len(tags) == 1 else ["license:", *(f"- {t}" for t in tags)]
    if unlisted:
        # One license_name per card: several unlisted licences share a name and a LICENSE file
        # in the repository that holds each text.
        url = unlisted[0][1] if len(unlisted) == 1 else None
        lines += [f"license_name: {'-and-'.join(slug for slug, _ in unlisted)}",
                  f"license_link: {url or 'LICENSE'}"]
    return "\n".join(lines)


def carry(rec: AuditRecord) -> dict[str, Any] | None:
    """The exact licence the downstream should carry so the finding goes away (checked with the
    engine): for a derived model the upstream licence (or its copyleft carrier); for a project
    that ships weights, its own licences AND the model's. None when no licence change helps."""
    upstream = _deciding_license(rec)
    if not upstream or upstream.strip().upper() == NONE:
        return None
    upstream = _with_own(rec, upstream)
    terms = [leaf.license for leaf in leaves(parse(upstream)) if leaf.license.family.is_grant]
    if not terms or any(t.family in (Family.NO_GRANT, Family.NO_DERIVATIVES) for t in terms):
        return None
    activity = Activity(rec.activity)
    ids = [preferred_id(t.carriers[0] if t.carriers else t.symbol) for t in terms]
    target = " AND ".join(dict.fromkeys(ids))
    options = [target]
    if activity is not Activity.DERIVE and rec.downstream and rec.downstream != NONE:
        options.insert(0, f"{rec.downstream} AND {target}")
    for option in options:
        judged = verdict_for(upstream, option, activity)
        if not judged.verdict.failing and not judged.verdict.undecided:
            first = terms[0]
            who = rec.derived or rec.project
            where = "model card" if activity is Activity.DERIVE else "LICENSE / NOTICE"
            return {
                "license": option, "for": who, "where": where,
                "text": card_license(option) if activity is Activity.DERIVE else
                f"The model weights {rec.model} are licensed under {first.name} "
                f"({preferred_id(first.symbol)}), not under this project's licence"
                + (f": {first.url}" if first.url else "") + ".",
                "licence_text": first.url, "version": first.version,
                "verdict_after": judged.verdict.value,
            }
    return None


def remedies_for(store: Store, records: list[AuditRecord], lineage: Lineage | None = None,
                 hub: HubSource | None = None) -> list[Remedy | None]:
    """The remedy of each record (None for records that need none), in order; with ``hub``,
    Hub models of the same task too (see :class:`Remedies`)."""
    chains = lineage if lineage is not None else load_lineage(store)
    finder = Remedies(store, chains, hub)
    finder.prepare([r.model_id for r in records
                    if r.model_id is not None and Verdict(r.verdict) in REMEDIED])
    return [finder.for_record(r) for r in records]
