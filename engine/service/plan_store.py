"""The plans behind patient-view links, kept in memory for a bounded time and count.

A card's link opens the full plan at ``/plans/{token}``. The token is an HMAC of the hookInstance
under a key made when the process starts: the same request to the same process gives the same
bytes, and nobody without the key can guess another call's link (the document holds patient data,
and hookInstance values are seen by every service the client calls). Plans leave the store after
``ttl_seconds`` or when ``capacity`` newer ones arrived, whichever is first; nothing is written to disk.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from engine.plan.model import Plan

DEFAULT_CAPACITY = 256
DEFAULT_TTL_SECONDS = 30 * 60


@dataclass
class _Kept:
    plan: Plan
    stored_at: float
    html: str | None = None


class PlanStore:
    def __init__(self, capacity: int = DEFAULT_CAPACITY, ttl_seconds: float = DEFAULT_TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = capacity
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._key = secrets.token_bytes(32)
        self._plans: OrderedDict[str, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def token(self, hook_instance: str) -> str:
        return hmac.new(self._key, hook_instance.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def keep(self, hook_instance: str, plan: Plan) -> str:
        token = self.token(hook_instance)
        with self._lock:
            self._expire()
            self._plans[token] = _Kept(plan, self._clock())
            self._plans.move_to_end(token)
            while len(self._plans) > self.capacity:
                self._plans.popitem(last=False)
        return token

    def document(self, token: str, render: Callable[[Plan], str]) -> str | None:
        """The plan's HTML, rendered on first request (patient-view answers need not wait for it)."""
        with self._lock:
            self._expire()
            kept = self._plans.get(token)
            if kept is None:
                return None
            if kept.html is None:
                kept.html = render(kept.plan)
            return kept.html

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._plans)

    def _expire(self) -> None:
        now = self._clock()
        while self._plans:
            oldest = next(iter(self._plans.values()))
            if now - oldest.stored_at < self.ttl_seconds:
                return
            self._plans.popitem(last=False)
