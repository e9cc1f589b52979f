"""The service's refusals: an HTTP status and a reason, never the patient's data.

Every 4xx body is ``{"error": CODE, "reason": TEXT, "problems": [{"field": PATH, "message": TEXT}]}``.
FastAPI's default 422 body repeats the refused ``input``; the handlers in ``engine.service.app`` build
this body instead, so a malformed request never has its values echoed back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from engine.source.diagnostics import Diagnostic


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


@dataclass
class ServiceError(Exception):
    status: int
    code: str
    reason: str
    problems: list[Problem] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "reason": self.reason,
                "problems": [{"field": p.field, "message": p.message} for p in self.problems]}


def field_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def problems_from(exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> list[Problem]:
    """pydantic's errors by field; ``msg`` only (pydantic's messages state the rule, not the input)."""
    return [Problem(field_path(prefix + tuple(error["loc"])) or "(body)", error["msg"])
            for error in exc.errors(include_input=False, include_url=False)]


def invalid(what: str, exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> ServiceError:
    return ServiceError(400, "invalid-request", f"the {what} does not follow CDS Hooks 2.0", problems_from(exc, prefix))


def from_diagnostics(reason: str, diagnostics: list[Diagnostic]) -> ServiceError:
    """The FHIR reader's findings (which never quote a value) as a 422: ``field`` is where in the request
    the resource is, the message names the patient-file field it would fill."""
    return ServiceError(422, "unusable-patient-data", reason,
                        [Problem(d.location.path, f"{d.code}: {d.message}") for d in diagnostics])
