"""The JSON a CDS Client sends (CDS Hooks 2.0, "Calling a CDS Service" and "Feedback"), as pydantic models.

Validation errors become 4xx answers that name the field (``engine.service.errors``); a model here
never echoes the value it refused, since a hook request carries patient data.
"""

# The field names are the spec's JSON names (camelCase), so the models read like its tables.
# ruff: noqa: N815

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

# FHIR ids: 1-64 of A-Z a-z 0-9 - . (FHIR R4 datatype id); a patient id that is not one cannot be fetched
FhirId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-.]{1,64}$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=4096)]

HOOKS = ("patient-view", "order-select", "order-sign")
Hook = Literal["patient-view", "order-select", "order-sign"]


class HookModel(BaseModel):
    # unknown keys are allowed: the spec reserves 'extension' and hooks may add context fields in later versions
    model_config = ConfigDict(extra="allow")


class FhirAuthorization(HookModel):
    """CDS Hooks 2.0, "Passing the Access Token to the CDS Service": every field is required."""

    access_token: NonEmpty
    token_type: Literal["Bearer"]
    expires_in: int = Field(ge=0)
    scope: NonEmpty
    subject: NonEmpty


class PatientViewContext(HookModel):
    """patient-view 1.0 context: the user and patient in view; the encounter when there is one."""

    userId: NonEmpty
    patientId: FhirId
    encounterId: NonEmpty | None = None


class Bundle(HookModel):
    resourceType: Literal["Bundle"]
    entry: list[dict[str, Any]] = Field(default_factory=list, max_length=1000)


class OrderContext(HookModel):
    """order-sign context: ``draftOrders`` is a Bundle of the orders about to be signed."""

    userId: NonEmpty
    patientId: FhirId
    encounterId: NonEmpty | None = None
    draftOrders: Bundle
    selections: list[NonEmpty] | None = Field(default=None, max_length=1000)


class OrderSelectContext(OrderContext):
    """order-select context: also the ``selections`` (references such as "MedicationRequest/103") the user
    just chose among the draft orders; REQUIRED by the hook."""

    selections: list[NonEmpty] = Field(min_length=1, max_length=1000)


class HookRequest(HookModel):
    """A service call's body. ``prefetch`` maps a key of the discovery's templates to a resource, or to
    null when the client has no data for it; a key left out was not prefetched (spec: "Prefetch Template")."""

    hook: NonEmpty
    hookInstance: UUID  # "A universally unique identifier (UUID) for this particular hook call"
    fhirServer: NonEmpty | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, dict[str, Any] | None] | None = None

    @model_validator(mode="after")
    def _token_has_a_server(self) -> HookRequest:
        if self.fhirAuthorization is not None and self.fhirServer is None:
            raise PydanticCustomError("server-missing", "fhirServer is required when fhirAuthorization is given")
        return self


class Coding(HookModel):
    system: str | None = None
    code: str | None = None
    display: str | None = None


class OverrideReason(HookModel):
    reason: Coding | None = None
    userComment: str | None = Field(default=None, max_length=4096)


class AcceptedSuggestion(HookModel):
    id: NonEmpty


class FeedbackItem(HookModel):
    """One card's outcome (spec: "Feedback"); ``acceptedSuggestions`` is required when it was accepted."""

    card: NonEmpty
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: NonEmpty

    @model_validator(mode="after")
    def _accepted_names_suggestions(self) -> FeedbackItem:
        if self.outcome == "accepted" and not self.acceptedSuggestions:
            raise PydanticCustomError("accepted-without-suggestions",
                                      "an 'accepted' outcome names its acceptedSuggestions")
        return self


class FeedbackRequest(HookModel):
    feedback: list[FeedbackItem] = Field(min_length=1, max_length=1000)
