"""Bounds on what a pack's template may cost: a template is data from the pack, and rendering it
must end, quickly, with a document of sane size, or fail with a located error.

Jinja's sandbox stops templates reaching Python internals; it does not stop them running for
ever (``{% for i in range(100000) %}{% for j in range(100000) %}``) or filling memory
(``"x" * 10**10``). The environment here counts *steps* (every loop iteration, call, filter
and attribute or item lookup) against a budget and a wall-clock deadline, refuses operators,
calls and filters whose result would be larger than ``MAX_SIZE`` before making it, and the
renderer stops a document at ``MAX_OUTPUT`` characters. Lists and mappings cannot be changed
from a template (Jinja's immutable sandbox), and ``range`` is capped.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

MAX_STEPS = 1_000_000  # a clinician plan of the default pack takes a few thousand
MAX_SECONDS = 20.0
MAX_SIZE = 1_000_000  # characters of a string, items of a list, or the size of a number in a call
MAX_OUTPUT = 8 * 1024 * 1024  # characters of one document
MAX_RANGE = 100_000
MAX_BITS = 4096  # of an integer a template computes
_INTERNAL_ARGUMENTS = frozenset({"_loop_vars", "_block_vars", "caller"})  # what Jinja itself passes
_BIG_NUMBER = re.compile(r"[0-9]{7,}")  # in a format string: a width or precision of a million or more


class RenderLimit(Exception):
    """A template went past one of the bounds; the message says which."""


class Budget:
    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise RenderLimit(f"the template takes more than {MAX_STEPS:,} steps (loop iterations, calls, "
                              "lookups): a loop or a recursive macro that does not end?")
        if self.steps % 512 == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimit(f"the template took more than {MAX_SECONDS:g} seconds to render")


def _size(value: Any) -> int:
    if isinstance(value, (str, list, tuple, dict, set, frozenset)):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value)
    return 0


def _check_sizes(values: Iterable[Any], what: str) -> None:
    for value in values:
        if _size(value) > MAX_SIZE:
            raise RenderLimit(f"{what} is given a value larger than {MAX_SIZE:,} (characters, items or units)")


def _check_format(text: str) -> None:
    if any(int(digits) > MAX_SIZE for digits in _BIG_NUMBER.findall(text)):
        raise RenderLimit(f"a format string asks for a width or precision over {MAX_SIZE:,}")


def _checked_result(value: Any, what: str) -> Any:
    if _size(value) > MAX_SIZE and not isinstance(value, int):
        raise RenderLimit(f"{what} makes a value larger than {MAX_SIZE:,} characters or items")
    return value


def _binop_size(operator: str, left: Any, right: Any) -> int:
    """What the result's size would be, computed before the result is made."""
    sequences = (str, list, tuple)
    if operator == "*":
        if isinstance(left, int) and isinstance(right, sequences):
            left, right = right, left
        if isinstance(left, sequences) and isinstance(right, int):
            return len(left) * max(right, 0)
        if isinstance(left, int) and isinstance(right, int):
            return MAX_SIZE + 1 if abs(left).bit_length() + abs(right).bit_length() > MAX_BITS else 0
    if operator == "+" and isinstance(left, sequences) and isinstance(right, sequences):
        return len(left) + len(right)
    if operator == "**" and isinstance(left, int) and isinstance(right, (int, float)) and abs(left) > 1:
        return MAX_SIZE + 1 if right * abs(left).bit_length() > MAX_BITS else 0
    return 0


class _Counted(Extension):
    """Makes every ``{% for %}`` count its iterations (the parser wraps each loop's iterable)."""

    identifier = "careplan.counted"

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        budget: Budget = self.environment.budget  # type: ignore[attr-defined]
        for item in iterable:
            budget.tick()
            yield item


class BoundedNamespace(Namespace):
    """``namespace()``, whose attributes may not grow past ``MAX_SIZE`` (``{% set ns.s = ns.s ~ ns.s %}``)."""

    def __setitem__(self, name: str, value: Any) -> None:
        _checked_result(value, "a namespace assignment")
        super().__setitem__(name, value)


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with a step budget, a deadline and size limits (see the module's docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        extensions = [*options.pop("extensions", ()), _Counted]
        super().__init__(extensions=extensions, **options)
        self._budgets = threading.local()  # one environment serves every thread: each render has its own budget
        self.globals["range"] = self._range
        self.globals["namespace"] = BoundedNamespace
        self.globals.pop("lipsum", None)  # paragraphs of filler text on demand: nothing a plan needs

    @property
    def budget(self) -> Budget:
        """The budget of the render under way in this thread (a fresh one if none was set)."""
        found: Budget | None = getattr(self._budgets, "budget", None)
        if found is None:
            found = self._budgets.budget = Budget()
        return found

    @budget.setter
    def budget(self, budget: Budget) -> None:
        self._budgets.budget = budget

    def bound_filters(self) -> None:
        """Wrap every filter (Jinja calls filters directly, not through :meth:`call`)."""
        self.filters = {name: self._bounded_filter(name, f) for name, f in self.filters.items()}

    def _bounded_filter(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)  # keeps Jinja's pass_context / pass_environment marks
        def bounded(*args: Any, **kwargs: Any) -> Any:
            self.budget.tick()
            plain = [a for a in args if not isinstance(a, (Context, BoundedEnvironment))]
            _check_sizes([*plain, *kwargs.values()], f"the filter '{name}'")
            if name == "format" and plain and isinstance(plain[0], str):
                _check_format(plain[0])
            return _checked_result(function(*args, **kwargs), f"the filter '{name}'")
        return bounded

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise RenderLimit(f"range() of more than {MAX_RANGE:,} numbers")
        return numbers

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            counted = nodes.ExtensionAttribute(_Counted.identifier, "counted", lineno=loop.lineno)
            loop.iter = nodes.Call(counted, [loop.iter], [], None, None, lineno=loop.lineno)
        return tree

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.budget.tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.budget.tick()
        return super().getitem(obj, argument)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self.budget.tick()
        if __obj != __self._range:  # range() says what is wrong itself
            given = [v for k, v in kwargs.items() if k not in _INTERNAL_ARGUMENTS]
            _check_sizes([*args, *given], "a call")
        return _checked_result(super().call(__context, __obj, *args, **kwargs), "a call")

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.budget.tick()
        if _binop_size(operator, left, right) > MAX_SIZE:
            raise RenderLimit(f"'{operator}' would make a value larger than {MAX_SIZE:,} characters or items "
                              f"(or an integer over {MAX_BITS} bits)")
        if operator == "%" and isinstance(left, str):
            _check_format(left)
            _check_sizes(right if isinstance(right, tuple) else [right], "'%' formatting")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped
