"""The review app's HTTP side: pages, a small JSON API, and the guards around them.

Starlette (a small, well-kept ASGI toolkit) with Jinja2 templates: no
database, no build step, plain JavaScript. The guards, each with a test:

- the server binds to 127.0.0.1 unless told otherwise; a non-loopback
  ``--host`` needs the access token printed at start (kept in a cookie);
- the Host header must name this server (no DNS rebinding);
- every state-changing request is JSON with the page's CSRF token in a
  header, from this origin;
- bodies are limited in size; ids and versions are checked; a stale
  version is a conflict, never an overwrite;
- every text is escaped by the templates, and a Content-Security-Policy
  lets only this page's own script run and nothing load from elsewhere;
- only review files found under the served folder are served.
"""

from __future__ import annotations

import functools
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from pipeline.errors import PipelineError
from pipeline.formats.html import TEMPLATES as PAGE_TEMPLATES
from pipeline.formats.html import counts, css, language_name, page_context, row_view
from pipeline.review import ReviewUnit, Status, summary
from pipeline.webapp.store import Conflict, Invalid, NotFound, Store

HERE = Path(__file__).resolve().parent
MAX_BODY_BYTES = 256 * 1024  # one segment's edit is a few kilobytes
TOKEN_COOKIE = "pipeline_review_token"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True, slots=True)
class Settings:
    host: str
    port: int
    token: str = ""  # required when serving beyond loopback
    csrf: str = ""


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([HERE / "templates", PAGE_TEMPLATES]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


@functools.cache
def app_script() -> str:
    return (HERE / "static" / "app.js").read_text("utf-8")


@functools.cache
def app_css() -> str:
    return css() + (HERE / "static" / "app.css").read_text("utf-8")


def create_app(store: Store, settings: Settings) -> Starlette:
    """The ASGI app serving ``store``'s review files."""
    csrf = settings.csrf or secrets.token_urlsafe(32)
    allowed_hosts = _allowed_hosts(settings)

    def page(name: str, request: Request, **context: Any) -> HTMLResponse:
        nonce = secrets.token_urlsafe(16)
        text = environment().get_template(name).render(css=app_css(), script=app_script(), nonce=nonce, csrf=csrf, **context)
        return HTMLResponse(text, headers=_security_headers(nonce))

    async def index(request: Request) -> Response:
        rows = []
        for file in store.files().values():
            try:
                loaded = store.load(file.key)
            except PipelineError as exc:
                rows.append({"file": file, "error": str(exc)})
                continue
            rows.append({"file": file, "counts": counts(loaded.document.units), "error": ""})
        return page("index.html.j2", request, rows=rows, root=str(store.root), language_name=language_name)

    async def article(request: Request) -> Response:
        key = _key(request)
        loaded = store.load(key)
        context = page_context(loaded.document, loaded.versions)
        state = {
            "file": key,
            "units": {u.id: _unit_state(u, loaded.versions.get(u.id, "")) for u in loaded.document.units},
        }
        return page("article.html.j2", request, state=state, key=key, **context)

    async def publish_page(request: Request) -> Response:
        key = _key(request)
        markdown = store.publish(key, "md")
        html = store.publish(key, "html")
        return page("publish.html.j2", request, key=key, markdown=markdown.text, html=html.text, unreviewed=markdown.unreviewed)

    async def download(request: Request) -> Response:
        key = _key(request)
        fmt = request.path_params["fmt"]
        if fmt not in ("md", "html", "txt"):
            raise Refused(404, f"no download format {fmt!r}; choose md, html or txt")
        published = store.publish(key, fmt)
        name = f"{store.file(key).name}.{store.file(key).lang}.{fmt}"
        media = {"md": "text/markdown", "html": "text/html", "txt": "text/plain"}[fmt]
        return Response(
            published.text,
            media_type=f"{media}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"', **_security_headers("")},
        )

    async def check(request: Request) -> Response:
        body = await _json_body(request, csrf)
        unit = store.check(_str(body, "file"), _str(body, "id"), _str(body, "text"))
        return JSONResponse(
            {
                "findings": [_finding(f) for f in unit.findings],
                "terms": [
                    {"surface": m.surface, "approved": m.approved, "status": m.status.value, "entry": m.entry_id}
                    for m in unit.terms
                    if m.checked
                ],
            }
        )

    async def save(request: Request) -> Response:
        body = await _json_body(request, csrf)
        key, segment_id = _str(body, "file"), _str(body, "id")
        approved = body.get("approved")
        if not isinstance(approved, bool):
            raise Refused(400, "“approved” must be true or false")
        try:
            loaded = store.save(key, segment_id, _str(body, "text"), approved, _str(body, "version"))
        except Conflict as conflict:
            current = conflict.current
            return JSONResponse(
                {
                    "error": str(conflict),
                    "current": {"text": current.text, "approved": current.approved, "version": current.version},
                },
                status_code=409,
            )
        unit = next(u for u in loaded.document.units if u.id == segment_id)
        row = (
            environment()
            .get_template("row.html.j2")
            .render(view=row_view(unit, loaded.versions[segment_id]), doc=loaded.document)
        )
        totals = summary(loaded.document.units)
        return JSONResponse(
            {
                "row": row,
                "unit": _unit_state(unit, loaded.versions[segment_id]),
                "summary": {k: totals[k] for k in ("segments", "reviewed", "attention")},
            }
        )

    routes = [
        Route("/", index),
        Route("/a/{lang}/{name}", article),
        Route("/a/{lang}/{name}/publish", publish_page),
        Route("/a/{lang}/{name}/download.{fmt}", download),
        Route("/api/check", check, methods=["POST"]),
        Route("/api/save", save, methods=["POST"]),
    ]
    # Known errors become 4xx answers with a clear message; anything else is a bug (500).
    handlers = {
        Refused: lambda request, exc: _error(exc.status, exc.message),
        NotFound: lambda request, exc: _error(404, str(exc)),
        Invalid: lambda request, exc: _error(400, str(exc)),
        PipelineError: lambda request, exc: _error(422, str(exc)),
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    return _Guarded(app, settings, allowed_hosts)  # type: ignore[return-value]


class _Guarded:
    """The guards every request passes before a route sees it, and the one place errors become answers."""

    def __init__(self, app: Starlette, settings: Settings, allowed_hosts: set[str]) -> None:
        self.app = app
        self.settings = settings
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = self._gate(request)
        except Refused as refused:
            response = _error(refused.status, refused.message)
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    def _gate(self, request: Request) -> Response | None:
        host = (request.headers.get("host") or "").lower()
        if host not in self.allowed_hosts:
            raise Refused(421, "this server answers only to the address it printed at start")
        if not self.settings.token:
            return None
        given = request.query_params.get("token")
        if given is not None:
            if not hmac.compare_digest(given, self.settings.token):
                raise Refused(403, "wrong access token; open the URL printed when `pipeline review` started")
            # The token moves into a cookie and out of the address bar (and the history).
            target = request.url.remove_query_params("token")
            response = RedirectResponse(str(target), status_code=303)
            response.set_cookie(TOKEN_COOKIE, self.settings.token, httponly=True, samesite="strict")
            return response
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        if not hmac.compare_digest(cookie, self.settings.token):
            raise Refused(403, "this review server needs its access token; open the URL printed when it started")
        return None


def _allowed_hosts(settings: Settings) -> set[str]:
    names = {settings.host.lower()}
    if settings.host in LOOPBACK or settings.host in ("0.0.0.0", "::"):
        names |= set(LOOPBACK)
    hosts = set()
    for name in names:
        shown = f"[{name}]" if ":" in name else name
        hosts.add(f"{shown}:{settings.port}")
        if settings.port == 80:
            hosts.add(shown)
    return hosts


def _security_headers(nonce: str) -> dict[str, str]:
    script = f"script-src 'nonce-{nonce}'" if nonce else "script-src 'none'"
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; {script}; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
            "frame-src 'self'; child-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers={"Cache-Control": "no-store"})


def _key(request: Request) -> str:
    return f"{request.path_params['lang']}/{request.path_params['name']}"


async def _json_body(request: Request, csrf: str) -> dict[str, Any]:
    """The request's JSON object, after the CSRF, origin, type and size checks."""
    if not hmac.compare_digest(request.headers.get("x-csrf-token", ""), csrf):
        raise Refused(403, "missing or wrong CSRF token; reload the page")
    origin = request.headers.get("origin")
    if origin is not None and origin.split("://", 1)[-1].lower() != (request.headers.get("host") or "").lower():
        raise Refused(403, "a request from another site was refused")
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Refused(415, "send JSON (Content-Type: application/json)")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise Refused(413, f"the request is larger than {MAX_BODY_BYTES // 1024} KB")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise Refused(413, f"the request is larger than {MAX_BODY_BYTES // 1024} KB")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "the request is not valid JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "the request must be a JSON object")
    return data


def _str(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise Refused(400, f"“{name}” must be a string")
    return value


def _finding(finding: Any) -> dict[str, str]:
    return {"severity": finding.severity.value, "check": finding.check, "message": finding.message}


def _unit_state(unit: ReviewUnit, version: str) -> dict[str, Any]:
    """What the page's script needs about a unit to edit it."""
    return {
        "source": unit.source,
        "target": unit.target,
        "approved": unit.status is Status.REVIEWED,
        "editable": unit.status is not Status.NOT_FOR_TRANSLATION,
        "attention": unit.needs_attention,
        "version": version,
        "terms": list(dict.fromkeys(m.approved for m in unit.terms if m.checked)),
    }
