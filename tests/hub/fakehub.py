"""A small real HTTP server on 127.0.0.1 that speaks the Hugging Face Hub's JSON and headers.

It serves /api/models/{id}[/revision/{rev}], /api/models listings with ``Link`` pagination, and
/{id}/resolve/{rev}/README.md, and behaves like the hub on the edges ptmx must handle: 307 for
renamed ids (relative Location), 401 without error code for anonymous private/missing repos, 404
``RepoNotFound`` with a token, ``GatedRepo``, disabled repos, an invalid token breaking every call,
400 on an unknown ``expand``. Tests queue faults per path (status + headers, slow answers,
malformed JSON, dropped connections) and read back every request received.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

GOOD_TOKEN = "hf_fakehub_GOODtoken_0123456789abcdef"

VALID_EXPAND = {
    "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled",
    "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
    "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token",
    "model-index", "pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings",
    "spaces", "tags", "transformersInfo", "trendingScore", "usedStorage", "widgetData",
}


@dataclass
class Fault:
    """One scripted answer, used once, before the normal behaviour."""

    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: str | bytes = '{"error": "Internal Error"}'
    delay: float = 0.0  # seconds to wait before answering (timeouts)
    drop: bool = False  # close the connection without an answer
    passthrough: bool = False  # after the delay, answer normally


@dataclass
class Seen:
    """A request as the server received it."""

    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]


class FakeHub:
    """The server and its state; ``url`` is the endpoint to put in HF_ENDPOINT."""

    def __init__(self) -> None:
        self.models: dict[str, dict[str, Any]] = {}
        self.renames: dict[str, str] = {}  # old id -> new id (or absolute URL elsewhere)
        self.private: set[str] = set()
        self.disabled: set[str] = set()
        self.gated_files: set[str] = set()
        self.readmes: dict[str, str] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.requests: list[Seen] = []
        self.extra_headers: dict[str, str] = {}
        self.absolute_next: str | None = None  # origin to use in Link next URLs
        self.generated = 0  # models served lazily after the added ones (add_generated)
        self.page_cap = 1000  # the listing's per-page maximum, as on the real hub
        self.listing_faults: dict[int, list[Fault]] = {}  # by listing offset (page start)
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_model(self, model_id: str, **fields: Any) -> dict[str, Any]:
        payload = model_payload(model_id, **fields)
        self.models[model_id] = payload
        return payload

    def add_generated(self, n: int) -> None:
        """Serve ``n`` more models in listings, generated on demand (cheap at millions)."""
        self.generated += n

    def rename(self, old: str, new: str) -> None:
        """``old`` now lives at ``new``: the listing shows ``new``, ``old`` answers 307."""
        payload = self.models.pop(old, None) or model_payload(new)
        self.models[new] = {**payload, "id": new, "modelId": new}
        self.renames[old] = new

    def delete(self, model_id: str) -> None:
        """The model is gone: missing from listings, 401/404 on lookups."""
        self.models.pop(model_id, None)

    def fail_listing_at(self, offset: int, *faults: Fault) -> None:
        """Answer the listing page starting at ``offset`` with ``faults`` first."""
        self.listing_faults.setdefault(offset, []).extend(faults)

    def fail(self, path: str, *faults: Fault) -> None:
        self.faults.setdefault(path, []).extend(faults)

    def seen(self, path_prefix: str = "") -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    def record(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)

    def enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def next_fault(self, path: str) -> Fault | None:
        with self._lock:
            queue = self.faults.get(path)
            return queue.pop(0) if queue else None


def model_payload(model_id: str, **fields: Any) -> dict[str, Any]:
    """An /api/models/{id} answer shaped like the real one (trimmed)."""
    author = model_id.split("/")[0] if "/" in model_id else None
    payload: dict[str, Any] = {
        "_id": "621ffdc136468d709f17a5fd", "id": model_id, "modelId": model_id,
        "author": author, "sha": "a" * 40, "lastModified": "2024-09-24T15:48:47.000Z",
        "createdAt": "2022-03-02T23:29:05.000Z", "private": False, "gated": False,
        "disabled": False, "downloads": 100, "likes": 1, "library_name": "transformers",
        "pipeline_tag": "fill-mask", "tags": ["transformers", "pytorch", "license:apache-2.0"],
        "cardData": {"license": "apache-2.0"}, "siblings": [{"rfilename": "README.md"}],
    }
    payload.update(fields)
    return payload


# Keys the real hub leaves out of the default answer (they need ``expand``).
EXPAND_ONLY = {"baseModels", "childrenModelCount", "downloadsAllTime", "trendingScore",
               "evalResults", "resourceGroup", "gguf"}


GENERATED_AUTHOR = "synth"
LISTING_KEYS = ("_id", "id", "author", "downloads", "likes", "pipeline_tag", "library_name",
                "tags", "lastModified", "createdAt", "gated", "private")
SORT_KEYS = {"downloads", "likes", "lastModified", "createdAt", "trendingScore", "id"}


def generated_payload(i: int) -> dict[str, Any]:
    """Generated model number ``i``: older (and less downloaded) as ``i`` grows."""
    when = f"{2021 - i // 1_000_000:04d}-{12 - (i // 100_000) % 12:02d}-" \
           f"{28 - (i // 4000) % 28:02d}T{23 - (i // 200) % 24:02d}:{59 - (i // 4) % 60:02d}:00.000Z"
    model_id = f"{GENERATED_AUTHOR}/model-{i:07d}"
    return model_payload(
        model_id, _id=f"{i:024x}", downloads=max(0, 10_000_000 - i), likes=i % 50,
        lastModified=when, createdAt=when, tags=["transformers", "license:mit"],
        cardData={"license": "mit", "base_model": "synth/base"} if i % 3 == 0 else {"license": "mit"},
        baseModels={"relation": "finetune", "models": [{"id": "synth/base"}]} if i % 3 == 0 else None)


def _names_only(siblings: Any) -> Any:
    if not isinstance(siblings, list):
        return siblings
    return [{"rfilename": s["rfilename"]} for s in siblings if isinstance(s, dict)]


def _shaped(payload: dict[str, Any], query: list[tuple[str, str]]) -> dict[str, Any] | None:
    """The answer the real hub gives for these parameters: with ``expand``, only the listed
    properties (plus ids; siblings as bare names); without, the default keys, sizes only with
    ``blobs=true`` and the security scan only with ``securityStatus=true``."""
    expand = [v for k, v in query if k == "expand"]
    flags = {k for k, v in query if k in ("blobs", "securityStatus") and v == "true"}
    shaped: dict[str, Any]
    if expand:
        shaped = {k: payload[k] for k in ("_id", "id", *expand) if k in payload}
        if "siblings" in shaped:
            shaped["siblings"] = _names_only(shaped["siblings"])
        return shaped
    shaped = {k: v for k, v in payload.items()
              if k not in EXPAND_ONLY and k != "securityRepoStatus"}
    if "blobs" not in flags:
        shaped["siblings"] = _names_only(payload.get("siblings"))
    if "securityStatus" in flags and "securityRepoStatus" in payload:
        shaped["securityRepoStatus"] = payload["securityRepoStatus"]
    return shaped


def _sort_value(model: dict[str, Any], key: str) -> Any:
    value = model.get(key)
    if key in ("lastModified", "createdAt", "id"):
        return str(value or "")
    return int(value or 0)


def _handler_for(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def log_message(self, format: str, *args: Any) -> None:
            return

        # -- plumbing --------------------------------------------------------------------
        def _send(self, status: int, body: str | bytes | Any = b"",
                  headers: dict[str, str] | None = None, content_type: str | None = None) -> None:
            if not isinstance(body, str | bytes):
                body = json.dumps(body)
                content_type = content_type or "application/json; charset=utf-8"
            data = body.encode("utf-8") if isinstance(body, str) else body
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type or "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-Request-Id", "Root=1-fake-request")
                for k, v in {**hub.extra_headers, **(headers or {})}.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def _auth(self) -> str | None:
            """'good', 'bad' or None (anonymous)."""
            value = self.headers.get("Authorization")
            if value is None:
                return None
            return "good" if value == f"Bearer {GOOD_TOKEN}" else "bad"

        def _missing(self, auth: str | None) -> None:
            if auth is None:
                self._send(401, {"error": "Invalid username or password."})
            else:
                self._send(404, {"error": "Repository not found"},
                           {"X-Error-Code": "RepoNotFound",
                            "X-Error-Message": "Repository not found"})

        # -- routes ----------------------------------------------------------------------
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path, query = parts.path, parse_qsl(parts.query, keep_blank_values=True)
            hub.record(Seen(path, query, {k.lower(): v for k, v in self.headers.items()}))
            fault = hub.next_fault(path)
            if fault is not None:
                if fault.delay:
                    # Counted only while waiting, which lies strictly inside the request.
                    hub.enter()
                    time.sleep(fault.delay)
                    hub.leave()
                if fault.drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                if not fault.passthrough:
                    self._send(fault.status, fault.body, fault.headers)
                    return
            auth = self._auth()
            if auth == "bad":
                msg = "Invalid credentials in Authorization header"
                self._send(401, {"error": msg}, {"X-Error-Message": msg})
                return
            if path == "/api/models":
                self._listing(query, parts.query)
            elif path.startswith("/api/models/"):
                self._model(path[len("/api/models/"):], query, parts.query, auth)
            elif path.endswith("/README.md") and "/resolve/" in path:
                self._readme(path, auth)
            else:
                self._send(404, {"error": "Not Found"})

        def _redirect(self, target: str, query: str) -> None:
            location = target + (f"?{query}" if query else "")
            self._send(307, f"Temporary Redirect. Redirecting to {location}",
                       {"Location": location}, content_type="text/plain; charset=utf-8")

        def _model(self, rest: str, query: list[tuple[str, str]], raw_query: str,
                   auth: str | None) -> None:
            model_id, _, revision = rest.partition("/revision/")
            bad = [v for k, v in query if k == "expand" and v not in VALID_EXPAND]
            if bad:
                self._send(400, {"error": f'"expand" must be one of ... (got {bad[0]})'})
                return
            if any(k == "expand" for k, _ in query) and any(
                    k in ("blobs", "securityStatus") for k, _ in query):
                # huggingface_hub refuses this combination; ptmx must never send it.
                self._send(400, {"error": "expand cannot be combined with blobs/securityStatus"})
                return
            if model_id in hub.renames:
                target = hub.renames[model_id]
                if not target.startswith("http"):
                    target = f"/api/models/{target}" + (f"/revision/{quote(revision, safe='')}"
                                                        if revision else "")
                self._redirect(target, raw_query)
                return
            if model_id in hub.disabled:
                self._send(403, {"error": "Access to this resource is disabled."},
                           {"X-Error-Message": "Access to this resource is disabled."})
                return
            payload = hub.models.get(model_id)
            if payload is None or (model_id in hub.private and auth != "good"):
                self._missing(auth)
                return
            if revision and revision not in ("main", payload.get("sha")):
                self._send(404, {"error": f"Invalid rev id: {revision}"},
                           {"X-Error-Code": "RevisionNotFound",
                            "X-Error-Message": f"Invalid rev id: {revision}"})
                return
            self._send(200, _shaped(payload, query))

        def _listing(self, query: list[tuple[str, str]], raw_query: str) -> None:
            expand = [v for k, v in query if k == "expand"]
            bad = [v for v in expand if v not in VALID_EXPAND]
            if bad:
                self._send(400, {"error": f'"expand" must be one of ... (got {bad[0]})'})
                return
            sort = next((v for k, v in query if k == "sort"), "downloads")
            if sort not in SORT_KEYS:
                self._send(400, {"error": f'"sort" must be one of ... (got {sort})'})
                return
            filters = [v for k, v in query if k == "filter"]
            search = next((v for k, v in query if k == "search"), "")
            author = next((v for k, v in query if k == "author"), None)
            limit = min(int(next((v for k, v in query if k == "limit"), "1000")), hub.page_cap)
            cursor = int(next((v for k, v in query if k == "cursor"), "0"))
            fault = None
            with hub._lock:
                queue = hub.listing_faults.get(cursor)
                if queue:
                    fault = queue.pop(0)
            if fault is not None:
                time.sleep(fault.delay)
                if not fault.passthrough:
                    self._send(fault.status, fault.body, fault.headers)
                    return
            matches = [
                m for m in hub.models.values()
                if all(f in m.get("tags", []) for f in filters)
                and search.lower() in m["id"].lower() and m["id"] not in hub.private
                and (author is None or m.get("author") == author)
            ]
            matches.sort(key=lambda m: _sort_value(m, sort), reverse=True)
            # Generated models come after the added ones (their dates and downloads are lower).
            generated = hub.generated if (author in (None, GENERATED_AUTHOR) and not search
                                          and all(f in ("transformers", "license:mit")
                                                  for f in filters)) else 0
            total = len(matches) + generated
            page = [matches[i] if i < len(matches) else generated_payload(i - len(matches))
                    for i in range(cursor, min(cursor + limit, total))]
            keys = (*LISTING_KEYS, *(e for e in expand if e not in LISTING_KEYS))
            items = [{k: m.get(k) for k in keys if k in m or k in LISTING_KEYS} for m in page]
            if "siblings" in expand:
                for item, m in zip(items, page, strict=True):
                    item["siblings"] = _names_only(m.get("siblings"))
            headers = {}
            if cursor + limit < total:
                kept = [(k, v) for k, v in query if k != "cursor"]
                origin = hub.absolute_next or hub.url
                nxt = f"{origin}/api/models?{urlencode([*kept, ('cursor', cursor + limit)])}"
                headers["Link"] = f'<{nxt}>; rel="next"'
            self._send(200, items, headers)

        def _readme(self, path: str, auth: str | None) -> None:
            repo = path[1:].split("/resolve/")[0]
            if repo in hub.renames and not hub.renames[repo].startswith("http"):
                self._redirect(path.replace(f"/{repo}/", f"/{hub.renames[repo]}/", 1), "")
                return
            if repo in hub.gated_files and auth != "good":
                status = 401 if auth is None else 403
                self._send(status, {"error": "Access to model is restricted."},
                           {"X-Error-Code": "GatedRepo",
                            "X-Error-Message": "Access to model is restricted."})
                return
            if repo not in hub.models:
                self._missing(auth)
                return
            if repo not in hub.readmes:
                self._send(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"})
                return
            self._send(200, hub.readmes[repo], content_type="text/plain; charset=utf-8")

    return Handler
