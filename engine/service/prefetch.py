"""The FHIR resources a hook call is planned from: its prefetch, else its FHIR server.

CDS Hooks 2.0, "Prefetch Template": a key the client did not satisfy is left out, and a key whose
data does not exist is sent as ``null``. So a key present with a resource is used as given, a key
present with ``null`` means "none" and is never fetched, and only a key left out is fetched from
``fhirServer`` (with the ``fhirAuthorization`` bearer token when there is one). When a key is left
out and there is no server to ask, or the server cannot answer, the answer is 412 Precondition
Failed ("HTTP Status Codes" of "CDS Service Response"). Every template is needed: a plan made
without the medicines would miss their interactions without saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from engine.service.discovery import PATIENT_ID, PREFETCH
from engine.service.errors import Problem, ServiceError
from engine.service.hook_requests import HookRequest

FETCH_TIMEOUT_SECONDS = 3.0
MAX_PAGES = 20  # a searchset's "next" links followed at most this often per template
MAX_RESOURCES = 5000


Found = tuple[str, dict[str, Any]]  # where in the request (or which fetch) a resource came from, and it


@dataclass
class Gathered:
    """The resources found with where each came from, and which templates were read from the FHIR
    server (none when prefetch was complete)."""

    found: list[Found] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)


def resources_of(value: dict[str, Any], where: str) -> list[Found]:
    """A prefetched read gives one resource; a search gives a searchset Bundle of them."""
    if value.get("resourceType") != "Bundle":
        return [(where, value)]
    found = []
    for index, entry in enumerate(value.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise ServiceError(400, "invalid-prefetch", "a Bundle entry holds no resource",
                               [Problem(f"{where}.entry[{index}].resource", "a FHIR resource is expected")])
        if resource["resourceType"] != "OperationOutcome":  # search messages, not the patient's data
            found.append((f"{where}.entry[{index}].resource", resource))
    return found


def _failed(value: dict[str, Any] | None) -> bool:
    """A client may send an OperationOutcome for a template it failed to satisfy: read as left out."""
    return value is not None and value.get("resourceType") == "OperationOutcome"


def _unprefetched(request: HookRequest) -> list[str]:
    given = request.prefetch or {}
    for key, value in given.items():
        if key in PREFETCH and value is not None and not isinstance(value.get("resourceType"), str):
            raise ServiceError(400, "invalid-prefetch", "a prefetch value is a FHIR resource or null",
                               [Problem(f"prefetch.{key}", "no resourceType")])
    return [key for key in PREFETCH if key not in given or _failed(given[key])]


def gather(request: HookRequest, patient_id: str) -> Gathered:
    gathered = Gathered()
    missing = _unprefetched(request)
    given = request.prefetch or {}
    for key in PREFETCH:
        value = given.get(key)
        if key not in missing and value is not None:
            gathered.found.extend(resources_of(value, f"prefetch.{key}"))
    if missing:
        gathered.found.extend(_fetch_all(request, patient_id, missing))
        gathered.fetched = missing
    if len(gathered.found) > MAX_RESOURCES:
        raise ServiceError(413, "too-many-resources", f"more than {MAX_RESOURCES} resources for one patient")
    return gathered


def _server_base(request: HookRequest, missing: list[str]) -> str:
    if request.fhirServer is None:
        raise ServiceError(412, "prefetch-incomplete",
                           "prefetch left out keys this service needs and no fhirServer was given to fetch them",
                           [Problem(f"prefetch.{key}", "not prefetched") for key in missing])
    parts = urlsplit(request.fhirServer)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ServiceError(400, "invalid-request", "fhirServer is not an http(s) base URL",
                           [Problem("fhirServer", "an absolute http or https URL is expected")])
    return request.fhirServer.rstrip("/") + "/"


def _fetch_all(request: HookRequest, patient_id: str, missing: list[str]) -> list[Found]:
    base = _server_base(request, missing)
    headers = {"Accept": "application/fhir+json"}
    if request.fhirAuthorization is not None:
        headers["Authorization"] = f"Bearer {request.fhirAuthorization.access_token}"
    found: list[Found] = []
    with httpx.Client(timeout=FETCH_TIMEOUT_SECONDS, headers=headers, follow_redirects=False) as client:
        for key in missing:
            found.extend(_fetch(client, base, key, PREFETCH[key].replace(PATIENT_ID, patient_id)))
    return found


def _fetch(client: httpx.Client, base: str, key: str, query: str) -> list[Found]:
    """One template's resources, following a searchset's "next" links on the same server only
    (the bearer token is for the client's FHIR server, nowhere else)."""
    url: str | None = urljoin(base, query)
    found: list[Found] = []
    for page in range(MAX_PAGES):
        if url is None:
            return found
        body = _get(client, url, key)
        found.extend(resources_of(body, f"fhirServer {key} page {page + 1}"))
        url = _next_link(body, base)
    raise ServiceError(412, "fhir-server-unusable", f"the FHIR server's search for '{key}' has more than "
                       f"{MAX_PAGES} pages")


def _get(client: httpx.Client, url: str, key: str) -> dict[str, Any]:
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise ServiceError(412, "fhir-server-unreachable",
                           f"'{key}' was not prefetched and the FHIR server could not be reached "
                           f"({type(exc).__name__})") from None
    if response.status_code != 200:
        raise ServiceError(412, "fhir-server-unusable",
                           f"'{key}' was not prefetched and the FHIR server answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("resourceType"), str):
        raise ServiceError(412, "fhir-server-unusable", f"the FHIR server's answer for '{key}' is not a FHIR resource")
    return body


def _next_link(bundle: dict[str, Any], base: str) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and isinstance(link.get("url"), str):
            target = urljoin(base, str(link["url"]))
            if not target.startswith(base):
                raise ServiceError(412, "fhir-server-unusable",
                                   "a search's next page is on another server; the token is not sent there")
            return target
    return None
