"""The wire between ``careplan generate`` and the resident process: one frame each way.

A frame is a 4-byte big-endian length, a JSON header of that length, then the byte strings the
header's ``sizes`` lists. The client sends ``{"op": "run" | "status" | "stop", ...}``; the server
answers ``{"status": "done" | "declined" | "ok", ...}``. For a run the answer's byte strings are
what the command wrote, in the order it wrote it, as ``streams`` names them (1 standard output,
2 standard error), so a terminal shows the two interleaved as the command itself would have.
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

VERSION = 1
_LENGTH = struct.Struct(">I")
MAX_HEADER = 1 << 20  # a header is a few hundred bytes; anything near this is not a careplan peer
MAX_BODY = 1 << 30


class ProtocolError(Exception):
    """The other end sent something that is not a frame (or closed the connection mid-frame)."""


def send_frame(sock: socket.socket, header: dict[str, Any], blobs: list[bytes] | None = None) -> None:
    blobs = blobs or []
    head = json.dumps({**header, "sizes": [len(b) for b in blobs]}, sort_keys=True).encode()
    sock.sendall(_LENGTH.pack(len(head)) + head + b"".join(blobs))


def recv_frame(sock: socket.socket) -> tuple[dict[str, Any], list[bytes]]:
    (length,) = _LENGTH.unpack(_exactly(sock, _LENGTH.size))
    if length > MAX_HEADER:
        raise ProtocolError("the header is too long")
    try:
        header = json.loads(_exactly(sock, length))
    except ValueError as exc:
        raise ProtocolError("the header is not JSON") from exc
    sizes = header.get("sizes") if isinstance(header, dict) else None
    if not isinstance(sizes, list) or not all(isinstance(n, int) and n >= 0 for n in sizes):
        raise ProtocolError("the header lists no sizes")
    if sum(sizes) > MAX_BODY:
        raise ProtocolError("the body is too long")
    return header, [_exactly(sock, n) for n in sizes]


def _exactly(sock: socket.socket, count: int) -> bytes:
    parts: list[bytes] = []
    left = count
    while left:
        part = sock.recv(min(left, 1 << 20))
        if not part:
            raise ProtocolError("the connection closed mid-frame")
        parts.append(part)
        left -= len(part)
    return b"".join(parts)
