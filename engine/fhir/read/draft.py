"""The patient-file mapping being built from FHIR resources, with where each part came from.

Each resource adds to ``data`` (the same mapping a YAML patient file gives) and records its origin
(entry index and element path), so a value the patient model then refuses is reported at the
resource that carried it. What cannot be mapped is a gap, in words that name codes, never values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from engine.facts.fields import FieldDeclarations
from engine.fhir.read.tables import Code, FhirTables

PathKey = tuple[str | int, ...]


@dataclass
class _Chosen:
    value: Any
    date: dt.date | None
    index: int


@dataclass
class Draft:
    tables: FhirTables
    declarations: FieldDeclarations | None = None  # the pack's declared sections: which fields exist
    data: dict[str, Any] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    origins: list[tuple[PathKey, int, tuple[str | int, ...]]] = field(default_factory=list)
    _fields: dict[tuple[str, str], _Chosen] = field(default_factory=dict)
    cancers: dict[str, int] = field(default_factory=dict)  # Condition reference -> index in data["cancer"]

    def gap(self, kind: str, code: Code | None, reason: str) -> None:
        named = f" {code[1]} ({code[0]})" if code is not None else ""
        self.gaps.append(f"FHIR {kind}{named} was not used: {reason}")

    def append(self, key: str, item: Any, index: int, element: tuple[str | int, ...] = (),
               section: str | None = None) -> None:
        """An item of the list ``key`` (of ``section``'s mapping when given, e.g. vitals.blood_pressure)."""
        holder = self.data.setdefault(section, {}) if section else self.data
        items = holder.setdefault(key, [])
        prefix: PathKey = (section, key) if section else (key,)
        self.origins.append(((*prefix, len(items)), index, element))
        items.append(item)

    def set_field(self, section: str, name: str, value: Any, date: dt.date | None, index: int) -> None:
        """A flat field; several resources giving it: the latest dated one is used (as for observations)."""
        current = self._fields.get((section, name))
        if current is not None:
            if date is None or (current.date is not None and date <= current.date):
                if date == current.date and value != current.value:
                    self.gaps.append(f"FHIR resources give {section}.{name} twice on one date with different "
                                     "values: the first was used")
                return
        self._fields[(section, name)] = _Chosen(value, date, index)

    def finish(self) -> dict[str, Any]:
        for (section, name), chosen in sorted(self._fields.items()):
            self.data.setdefault(section, {})[name] = chosen.value
            self.origins.append(((section, name), chosen.index, ("value",)))
        return self.data

    def origin_of(self, path: PathKey) -> tuple[int, tuple[str | int, ...]] | None:
        """The resource (index, element) a path of the mapping came from: the longest recorded prefix."""
        best: tuple[int, tuple[str | int, ...]] | None = None
        length = -1
        for prefix, index, element in self.origins:
            if path[:len(prefix)] == prefix and len(prefix) > length:
                best, length = (index, element), len(prefix)
        return best
