"""The FastAPI application: discovery, the three services, feedback, and the plans the cards link to.

Bodies are read and parsed here rather than by FastAPI's body binding, so that every refusal is a
4xx with this service's own body (``engine.service.errors``): malformed JSON is 400 with where it
broke, a body that is not CDS Hooks is 400 naming the fields, a too large one 413. Nothing a client
sent is echoed back. An unexpected failure is a 500 with one line and no traceback in the body.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.generator import Generator
from engine.service.answer import HookAnswerer
from engine.service.discovery import BY_ID, discovery_document
from engine.service.errors import Problem, ServiceError, invalid
from engine.service.hook_requests import FeedbackRequest
from engine.service.plan_store import PlanStore

MAX_BODY_BYTES = 10 * 1024 * 1024
log = logging.getLogger("careplan.service")
_NO_STORE = {"Cache-Control": "no-store"}


def _error(exc: ServiceError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=_NO_STORE)


async def _json_body(request: Request) -> Any:
    content_type = request.headers.get("content-type", "")
    if "json" not in content_type.lower():
        raise ServiceError(415, "unsupported-media-type", "send the body as application/json")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ServiceError(413, "too-large", f"the body is larger than {MAX_BODY_BYTES} bytes")
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ServiceError(413, "too-large", f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw)
    except UnicodeDecodeError:
        raise ServiceError(400, "malformed-json", "the body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ServiceError(400, "malformed-json",
                           f"the body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ServiceError(400, "malformed-json", "the body nests too deeply") from None
    if not isinstance(body, dict):
        raise ServiceError(400, "invalid-request", "the body is a JSON object", [Problem("(body)", "an object")])
    return body


class FeedbackLog:
    """Counts of outcomes per service and rule card; logged one line each with the card's uuid only."""

    def __init__(self) -> None:
        self.outcomes: Counter[tuple[str, str]] = Counter()

    def record(self, service_id: str, feedback: FeedbackRequest) -> None:
        for item in feedback.feedback:
            self.outcomes[(service_id, item.outcome)] += 1
            accepted = len(item.acceptedSuggestions or [])
            log.info("feedback %s card=%s outcome=%s accepted_suggestions=%d", service_id, item.card,
                     item.outcome, accepted)


def create_app(generator: Generator, store: PlanStore | None = None) -> FastAPI:
    answerer = HookAnswerer(generator, store)
    feedback_log = FeedbackLog()
    app = FastAPI(title="careplan CDS Hooks service", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.answerer = answerer
    app.state.feedback = feedback_log
    _install_error_handlers(app)
    _install_routes(app, answerer, feedback_log)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return _error(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [Problem(".".join(str(p) for p in e["loc"]), str(e["msg"])) for e in exc.errors()]
        return _error(ServiceError(400, "invalid-request", "the request is not valid", problems))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return _error(ServiceError(exc.status_code, code, str(exc.detail)))



def _internal(exc: Exception) -> ServiceError:
    """One line in the log and the body, naming the exception's type only (its message may quote patient
    data). Caught in the routes: Starlette re-raises what reaches its last handler, and uvicorn would
    then log the traceback."""
    log.error("internal error: %s", type(exc).__name__)
    return ServiceError(500, "internal-error", f"internal error: {type(exc).__name__}")


async def _guarded(work: Callable[[], Any]) -> Any:
    try:
        return await run_in_threadpool(work)
    except ServiceError:
        raise
    except Exception as exc:
        raise _internal(exc) from None


def _install_routes(app: FastAPI, answerer: HookAnswerer, feedback_log: FeedbackLog) -> None:
    generator = answerer.generator

    @app.get("/cds-services")
    def discovery() -> dict[str, Any]:
        return discovery_document()

    @app.post("/cds-services/{service_id}")
    async def call_service(service_id: str, request: Request) -> JSONResponse:
        if service_id not in BY_ID:
            raise ServiceError(404, "unknown-service", "no CDS service has this id; GET /cds-services lists them")
        body = await _json_body(request)
        base_url = str(request.base_url)
        answer = await _guarded(lambda: answerer.answer(service_id, body, base_url))
        return JSONResponse(answer, headers=_NO_STORE)

    @app.post("/cds-services/{service_id}/feedback")
    async def feedback(service_id: str, request: Request) -> JSONResponse:
        if service_id not in BY_ID:
            raise ServiceError(404, "unknown-service", "no CDS service has this id; GET /cds-services lists them")
        body = await _json_body(request)
        try:
            parsed = FeedbackRequest.model_validate(body)
        except ValidationError as exc:
            raise invalid("feedback", exc) from None
        feedback_log.record(service_id, parsed)
        return JSONResponse({}, headers=_NO_STORE)

    @app.get("/plans/{token}")
    async def plan_document(token: str) -> Response:
        html = await _guarded(lambda: answerer.store.document(token, lambda plan: generator.render(plan, "html")))
        if html is None:
            raise ServiceError(404, "plan-expired", "no plan at this address: it expired or never was")
        return HTMLResponse(html, headers={**_NO_STORE, "Referrer-Policy": "no-referrer"})
