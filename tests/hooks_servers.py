"""Real servers on loopback for the CDS Hooks tests and the benchmark: ``careplan serve`` in a subprocess
and a small FHIR server (http.server in a thread) that answers the prefetch templates' queries."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
READY = re.compile(r"CDS Hooks services at (http://\S+)/cds-services")
START_TIMEOUT_SECONDS = 180.0  # the pack is compiled before the port opens; slow on a shared machine


@dataclass
class CareplanServer:
    base_url: str
    process: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=60.0)


def _read_log(process: subprocess.Popen[str], log: list[str], ready: threading.Event) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        log.append(line.rstrip("\n"))
        if READY.search(line):
            ready.set()
    ready.set()  # the process ended: let the waiter see it


@contextmanager
def careplan_server(*extra: str) -> Iterator[CareplanServer]:
    """``careplan serve --port 0`` (any free port; the server says which) until the block ends."""
    command = [sys.executable, "-m", "engine.cli.app", "serve", "--host", "127.0.0.1", "--port", "0", *extra]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    log: list[str] = []
    ready = threading.Event()
    threading.Thread(target=_read_log, args=(process, log, ready), daemon=True).start()
    try:
        ready.wait(START_TIMEOUT_SECONDS)
        found = next((m for m in map(READY.search, log) if m), None)
        if found is None:
            raise RuntimeError("careplan serve did not start:\n" + "\n".join(log[-20:]))
        server = CareplanServer(found.group(1), process, log)
        with server.client() as client:
            assert client.get("/cds-services").status_code == 200
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class FhirStub:
    """Answers GET {base}/{path}?{query} with the resource registered for that relative URL, else 404;
    records every request (relative URL and Authorization header)."""

    resources: dict[str, dict[str, Any]]
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    base_url: str = ""


@contextmanager
def fhir_stub(resources: dict[str, dict[str, Any]]) -> Iterator[FhirStub]:
    stub = FhirStub(resources)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            relative = self.path.removeprefix("/fhir/")
            stub.requests.append((relative, self.headers.get("Authorization")))
            body = stub.resources.get(relative)
            payload = json.dumps(body if body is not None else {"resourceType": "OperationOutcome"}).encode()
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the test reads stub.requests

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}/fhir"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


def unused_loopback_url() -> str:
    """A FHIR server URL where nothing listens: any fetch from it fails."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/fhir"
