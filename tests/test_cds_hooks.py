"""``careplan serve`` over HTTP: the real server on a loopback port, a real FHIR server stub beside it.

CDS Hooks 2.0: discovery, patient-view, order-select and order-sign, prefetch present / absent
(fetched from fhirServer) / null (never fetched), malformed requests refused with a 4xx and a
reason, and feedback.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests import cds_hooks_data as data
from tests.hooks_servers import ROOT, CareplanServer, careplan_server, fhir_stub, unused_loopback_url

SERVICES = {"patient-view": "careplan-patient-view", "order-select": "careplan-order-select",
            "order-sign": "careplan-order-sign"}


@pytest.fixture(scope="module")
def server() -> Iterator[CareplanServer]:
    with careplan_server() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: CareplanServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


def call(client: httpx.Client, hook: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(f"/cds-services/{SERVICES[hook]}", json=body)


def fhir_resources() -> dict[str, dict[str, Any]]:
    """The prefetch templates' queries for the test patient, as a FHIR server answers them."""
    given = data.prefetch()
    pid = data.PATIENT_ID
    return {f"Patient/{pid}": given["patient"], f"Condition?patient={pid}": given["conditions"],
            f"MedicationRequest?patient={pid}": given["medications"],
            f"AllergyIntolerance?patient={pid}": data.searchset(),
            f"Observation?patient={pid}": given["observations"]}


def test_discovery_lists_the_three_hooks_with_prefetch_templates(client: httpx.Client) -> None:
    response = client.get("/cds-services")
    assert response.status_code == 200
    services = {s["id"]: s for s in response.json()["services"]}
    assert {s["hook"] for s in services.values()} == {"patient-view", "order-select", "order-sign"}
    for service in services.values():
        assert service["description"] and service["title"]
        assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
        assert service["prefetch"]["observations"] == "Observation?patient={{context.patientId}}"


def test_patient_view_summarises_the_plan_and_links_to_the_full_document(client: httpx.Client) -> None:
    response = call(client, "patient-view", data.patient_view(data.prefetch()))
    assert response.status_code == 200, response.text
    [card] = response.json()["cards"]
    assert len(card["summary"]) < 140 and card["summary"].startswith("Care plan: ")
    assert card["indicator"] in ("info", "warning", "critical")
    assert card["source"]["label"].startswith("careplan (")
    assert "SLCO1B1" in card["detail"]  # atorvastatin without an SLCO1B1 result: the plan asks for the test
    [link] = card["links"]
    assert link["type"] == "absolute" and link["url"].startswith(client.base_url.join("/plans/").__str__())
    document = client.get(link["url"])
    assert document.status_code == 200 and document.headers["content-type"].startswith("text/html")
    assert "atorvastatin" in document.text and "SLCO1B1" in document.text
    assert client.get("/plans/0123456789abcdef0123456789abcdef").status_code == 404


def test_the_same_request_gives_the_same_bytes(client: httpx.Client) -> None:
    body = data.order_request("order-select")
    first, second = call(client, "order-select", body), call(client, "order-select", body)
    assert first.status_code == 200 and first.json()["cards"]
    assert first.content == second.content


def _pgx_card(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    cards: list[dict[str, Any]] = [c for c in response.json()["cards"] if c["summary"].startswith("Avoid clopidogrel")]
    assert len(cards) == 1, response.json()["cards"]
    return cards[0]


def test_order_select_clopidogrel_for_a_poor_metabolizer_suggests_the_plans_alternatives(
        client: httpx.Client) -> None:
    request = data.order_request("order-select")
    assert request["context"]["draftOrders"]["entry"][0]["resource"]["dosageInstruction"]
    card = _pgx_card(call(client, "order-select", request))
    assert card["indicator"] == "critical"  # CPIC 2022: strong recommendation to avoid
    assert "pgx.clopidogrel" in card["detail"] and "PMID 35034351" in card["detail"]
    assert card["source"]["url"] == "https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/"
    assert card["selectionBehavior"] == "at-most-one"
    labels = {s["label"] for s in card["suggestions"]}
    assert labels == {"Replace clopidogrel with prasugrel", "Replace clopidogrel with ticagrelor"}
    for suggestion in card["suggestions"]:
        [action] = suggestion["actions"]
        assert action["type"] == "update" and action["description"]
        resource = action["resource"]
        assert resource["resourceType"] == "MedicationRequest" and resource["id"] == "draft-1"
        assert resource["medicationCodeableConcept"]["text"] in ("prasugrel", "ticagrelor")
        assert "dosageInstruction" not in resource  # the clopidogrel dose does not carry over


def test_order_select_for_a_normal_metabolizer_gives_no_card(client: httpx.Client) -> None:
    _pgx_card(call(client, "order-select", data.order_request("order-select")))  # the card this test looks for
    response = call(client, "order-select", data.order_request("order-select", data.prefetch(poor_metabolizer=False)))
    assert response.status_code == 200 and response.json() == {"cards": []}


def test_order_select_checks_only_the_selected_orders(client: httpx.Client) -> None:
    statin = data.medication_request("simvastatin", "36567", "draft-2", "draft")
    both = data.order_request("order-select", None, data.clopidogrel_order(), statin)
    _pgx_card(call(client, "order-select", both))
    both["context"]["selections"] = ["MedicationRequest/draft-2"]
    response = call(client, "order-select", both)
    assert response.status_code == 200
    assert not [c for c in response.json()["cards"] if "clopidogrel" in c["summary"]]


def test_order_sign_checks_every_draft_order(client: httpx.Client) -> None:
    card = _pgx_card(call(client, "order-sign", data.order_request("order-sign")))
    assert {s["label"] for s in card["suggestions"]} >= {"Replace clopidogrel with prasugrel"}


def test_prefetch_absent_is_fetched_from_the_fhir_server_with_the_token(client: httpx.Client) -> None:
    with fhir_stub(fhir_resources()) as stub:
        body = data.order_request("order-select")
        del body["prefetch"]
        body["fhirServer"] = stub.base_url
        body["fhirAuthorization"] = data.hook_request("order-select", {}, None, stub.base_url)["fhirAuthorization"]
        card = _pgx_card(call(client, "order-select", body))
    asked = sorted(path for path, _ in stub.requests)
    assert asked == sorted(fhir_resources())
    assert {auth for _, auth in stub.requests} == {"Bearer opaque-test-token"}
    assert card["indicator"] == "critical"  # the genotype came from the server


def test_prefetch_complete_fetches_nothing(client: httpx.Client) -> None:
    with fhir_stub(fhir_resources()) as stub:
        body = data.order_request("order-select")
        body["fhirServer"] = stub.base_url
        _pgx_card(call(client, "order-select", body))
    assert stub.requests == []
    body["fhirServer"] = unused_loopback_url()  # a server that would fail if asked
    _pgx_card(call(client, "order-select", body))


def test_prefetch_null_means_no_data_and_is_not_fetched(client: httpx.Client) -> None:
    with fhir_stub(fhir_resources()) as stub:
        body = data.order_request("order-select")
        body["fhirServer"] = stub.base_url
        body["prefetch"]["observations"] = None  # the client has no observations: no genotype
        response = call(client, "order-select", body)
        assert response.status_code == 200 and response.json() == {"cards": []}
        del body["prefetch"]["observations"]  # left out instead: fetched, and the genotype found
        _pgx_card(call(client, "order-select", body))
    assert [path for path, _ in stub.requests] == [f"Observation?patient={data.PATIENT_ID}"]


def test_prefetch_absent_without_a_fhir_server_is_412_naming_the_keys(client: httpx.Client) -> None:
    body = data.patient_view(data.prefetch())
    del body["prefetch"]["medications"]
    response = call(client, "patient-view", body)
    assert response.status_code == 412
    assert response.json()["error"] == "prefetch-incomplete"
    assert [p["field"] for p in response.json()["problems"]] == ["prefetch.medications"]


def test_a_fhir_server_without_the_data_is_412(client: httpx.Client) -> None:
    partial = fhir_resources()
    del partial[f"Observation?patient={data.PATIENT_ID}"]  # the stub answers 404 for it
    with fhir_stub(partial) as stub:
        response = call(client, "patient-view", data.patient_view(None, stub.base_url))
    assert response.status_code == 412 and response.json()["error"] == "fhir-server-unusable"
    assert "'observations'" in response.json()["reason"] and "404" in response.json()["reason"]


def test_an_unreachable_fhir_server_is_412(client: httpx.Client) -> None:
    body = data.patient_view(None, unused_loopback_url())
    response = call(client, "patient-view", body)
    assert response.status_code == 412 and response.json()["error"] == "fhir-server-unreachable"


def test_malformed_json_is_400_with_where_it_broke(client: httpx.Client) -> None:
    response = client.post("/cds-services/careplan-patient-view", content=b'{"hook": "patient-view",,}',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "malformed-json" and "line 1 column" in response.json()["reason"]


def test_a_request_to_the_wrong_service_for_its_hook_is_400(client: httpx.Client) -> None:
    response = call(client, "order-select", data.patient_view(data.prefetch()))
    assert response.status_code == 400
    assert response.json()["error"] == "wrong-hook" and "order-select" in response.json()["reason"]


@pytest.mark.parametrize(("hook", "remove", "field"), [
    ("order-sign", ("context", "patientId"), "context.patientId"),
    ("order-sign", ("context", "draftOrders"), "context.draftOrders"),
    ("order-sign", ("hookInstance",), "hookInstance"),
    ("order-sign", ("context",), "context"),
    ("order-select", ("context", "selections"), "context.selections"),  # REQUIRED for order-select only
])
def test_missing_fields_are_400_naming_the_field(client: httpx.Client, hook: str, remove: tuple[str, ...],
                                                 field: str) -> None:
    body = data.order_request(hook)
    target = body
    for key in remove[:-1]:
        target = target[key]
    del target[remove[-1]]
    response = call(client, hook, body)
    assert response.status_code == 400
    assert field in [p["field"] for p in response.json()["problems"]]


def test_refusals_never_echo_the_clients_values(client: httpx.Client) -> None:
    body = data.patient_view(data.prefetch())
    body["context"]["patientId"] = "Jane Doe 1961"  # not a FHIR id
    assert "Jane" in json.dumps(body)
    response = call(client, "patient-view", body)
    assert response.status_code == 400 and "context.patientId" in response.text
    assert "Jane" not in response.text
    body = data.patient_view(data.prefetch())
    egfr = {"resourceType": "Observation", "id": "egfr-1", "status": "final",
            "code": {"coding": [{"system": data.LOINC, "code": "98979-8"}]},
            "valueQuantity": {"value": 987.6, "unit": "mL/min/{1.73_m2}", "code": "mL/min/{1.73_m2}"}}
    body["prefetch"]["observations"] = data.searchset(egfr)
    assert "987.6" in json.dumps(body)
    response = call(client, "patient-view", body)
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["field"].startswith("prefetch.observations.entry[0].resource") and "labs.egfr" in problem["message"]
    assert "987" not in response.text


def test_an_invalid_draft_order_is_refused_naming_its_place(client: httpx.Client) -> None:
    order = data.clopidogrel_order()
    del order["intent"]  # required by FHIR R4 MedicationRequest
    response = call(client, "order-sign", data.order_request("order-sign", None, order))
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["problems"]] == ["context.draftOrders.entry[0].resource.intent"]


@pytest.mark.parametrize(("change", "field"), [
    ({"hookInstance": "not-a-uuid"}, "hookInstance"),
    ({"fhirAuthorization": {"access_token": "t", "token_type": "Bearer", "expires_in": 60, "scope": "s",
                            "subject": "c"}}, "(body)"),  # a token with no fhirServer to use it on
    ({"fhirAuthorization": {"access_token": "t", "token_type": "MAC", "expires_in": 60, "scope": "s",
                            "subject": "c"}, "fhirServer": "http://127.0.0.1:9/fhir"}, "fhirAuthorization.token_type"),
    ({"prefetch": {"patient": "Patient/1"}}, "prefetch.patient"),
    ({"context": "patient-1"}, "context"),
])
def test_requests_that_break_the_spec_are_400_naming_the_field(client: httpx.Client, change: dict[str, Any],
                                                               field: str) -> None:
    response = call(client, "patient-view", {**data.patient_view(data.prefetch()), **change})
    assert response.status_code == 400, response.text
    assert field in [p["field"] for p in response.json()["problems"]]


def test_other_bad_requests_are_4xx_never_500(client: httpx.Client) -> None:
    assert client.post("/cds-services/no-such-service", json={}).status_code == 404
    assert client.post("/cds-services/careplan-patient-view", content=b"[1, 2]",
                       headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post("/cds-services/careplan-patient-view", content=b"hook=x",
                       headers={"Content-Type": "text/plain"}).status_code == 415
    other = data.patient_view(data.prefetch())
    other["prefetch"]["patient"] = data.patient("someone-else")
    response = call(client, "patient-view", other)
    assert response.status_code == 400 and response.json()["error"] == "wrong-patient"
    odd = data.order_request("order-sign")
    odd["context"]["draftOrders"]["entry"] = [{"resource": "MedicationRequest/1"}]
    assert call(client, "order-sign", odd).status_code == 400


def test_the_harness_reports_a_server_that_does_not_start(tmp_path: Any) -> None:
    with pytest.raises(RuntimeError, match=r"did not start(.|\n)*pack"), careplan_server("--pack", str(tmp_path)):
        pass


def test_feedback_is_accepted_and_logged_by_card(client: httpx.Client, server: CareplanServer) -> None:
    card = _pgx_card(call(client, "order-select", data.order_request("order-select")))
    feedback = {"feedback": [{"card": card["uuid"], "outcome": "accepted",
                              "acceptedSuggestions": [{"id": card["suggestions"][0]["uuid"]}],
                              "outcomeTimestamp": "2026-12-01T10:00:00Z"}]}
    response = client.post("/cds-services/careplan-order-select/feedback", json=feedback)
    assert response.status_code == 200
    assert any(card["uuid"] in line and "outcome=accepted" in line for line in server.log)
    del feedback["feedback"][0]["acceptedSuggestions"]
    response = client.post("/cds-services/careplan-order-select/feedback", json=feedback)
    assert response.status_code == 400 and "feedback[0]" in json.dumps(response.json())


def test_a_port_in_use_is_exit_2_with_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "engine.cli.app", "serve", "--port", str(port)], cwd=ROOT,
                              check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "usage.cannot-listen" in done.stderr and "Traceback" not in done.stderr
