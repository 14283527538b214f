"""Build the web app: pages, the JSON API under /api, local assets, one error handler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import date
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kintrace import __version__
from kintrace.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    KintraceError,
    NotFound,
    TooManyAttempts,
)
from kintrace.instance import Instance
from kintrace.notify.schedule import NEWS_EVERY_S, every, send_news
from kintrace.reconciliation.daily import every_day, recompute_clocks
from kintrace.web.deps import NotSignedIn, SecondFactorRequired
from kintrace.web.limits import UploadTooLarge, add_limits
from kintrace.web.render import templates
from kintrace.web.routes import (
    account,
    admin,
    api,
    attachments,
    chats,
    dna,
    dossier,
    handover,
    language,
    letters,
    links,
    lists,
    notifications,
    pages,
    pfif,
    portal,
    requests,
    stats,
    tokens,
)

HERE = Path(__file__).parent

STATUS_CODES: list[tuple[type[KintraceError], int]] = [
    (NotSignedIn, 401),
    (NotFound, 404),
    (TooManyAttempts, 429),
    (Forbidden, 403),
    (Conflict, 409),
    (UploadTooLarge, 413),
    (InvalidInput, 422),
]


def status_code_of(error: KintraceError) -> int:
    """Map an error of the tree to its HTTP status code."""
    for kind, code in STATUS_CODES:
        if isinstance(error, kind):
            return code
    return 500


async def handle_error(request: Request, error: Exception) -> Response:
    """Render a KintraceError as JSON under /api and as a page elsewhere."""
    assert isinstance(error, KintraceError)
    code = status_code_of(error)
    problems = list(error.problems) if isinstance(error, InvalidInput) else [str(error)]
    headers = {}
    if isinstance(error, TooManyAttempts) and error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    if request.url.path.startswith("/api"):
        if isinstance(error, NotSignedIn):
            headers["WWW-Authenticate"] = 'Bearer realm="kintrace"'  # RFC 6750: a token works
        return JSONResponse(
            {"error": type(error).__name__, "detail": problems}, code, headers=headers
        )
    if isinstance(error, NotSignedIn):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if isinstance(error, SecondFactorRequired):
        return RedirectResponse("/account?enrol=required", status_code=303)
    return templates.TemplateResponse(
        request, "error.html", {"code": code, "problems": problems, "viewer": None}, code
    )


async def handle_invalid_request(request: Request, error: Exception) -> Response:
    """Render a malformed query or form as one clear error: JSON under /api, a page elsewhere."""
    assert isinstance(error, RequestValidationError)
    problems = [
        f"field {'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]!r}: {e['msg']}"
        for e in error.errors()
    ]
    return await handle_error(request, InvalidInput("; ".join(problems), problems))


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'"
)


class SecurityHeaders:
    """Put the security headers on every answer, and ``no-store`` on all but static files.

    Pages and API answers hold personal data: no copy in any cache, shared or not. A plain
    ASGI middleware (Starlette's ``BaseHTTPMiddleware`` ran every request through a task
    group and memory streams, a millisecond or so of each request's CPU).
    """

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                if not static:
                    headers["Cache-Control"] = "no-store"
                if self.https:
                    headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(instance: Instance, *, daily_clocks: bool = False) -> FastAPI:
    """Return the web app serving this instance.

    With ``daily_clocks`` (``kintrace serve``), the date-driven flags are recomputed at
    start-up and every day after midnight while the app runs (kintrace.reconciliation.daily),
    with the day's e-mail digests; the news of the cases is found and mailed every minute
    (kintrace.notify).
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if not daily_clocks:
            yield
            return

        def job() -> object:
            clocks = recompute_clocks(
                instance.sessions, today=date.today(), settings=instance.settings
            )
            send_news(instance.sessions, instance.settings, daily=True)  # the day's digests
            return clocks

        def news() -> object:
            return send_news(instance.sessions, instance.settings)

        tasks = [
            asyncio.create_task(every_day(job)),
            asyncio.create_task(every(NEWS_EVERY_S, news)),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with suppress(asyncio.CancelledError):
                    await task

    app = FastAPI(
        lifespan=lifespan,
        title="kintrace",
        version=__version__,
        docs_url=None,  # Swagger UI loads from a CDN; /api/docs is our own page, served locally
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.instance = instance
    app.add_exception_handler(KintraceError, handle_error)
    app.add_exception_handler(RequestValidationError, handle_invalid_request)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(attachments.router)
    app.include_router(portal.router)
    app.include_router(requests.router)
    app.include_router(account.router)
    app.include_router(admin.router)
    app.include_router(tokens.router)
    app.include_router(dna.router)
    app.include_router(dossier.router)
    app.include_router(handover.router)
    app.include_router(notifications.router)
    app.include_router(letters.router)
    app.include_router(links.router)
    app.include_router(chats.router)
    app.include_router(lists.router)
    app.include_router(pfif.router)
    app.include_router(stats.router)
    app.include_router(language.router)
    app.include_router(api.router)
    add_limits(app, max_upload_mb=instance.settings.max_upload_mb)  # inside the headers

    app.add_middleware(SecurityHeaders, https=instance.settings.https)  # outermost of ours

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        """A readable reference of the JSON API, rendered from its OpenAPI description."""
        return templates.TemplateResponse(
            request, "api_docs.html", {"spec": app.openapi(), "viewer": None}
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> HTMLResponse:
        return HTMLResponse("ok")

    return app
