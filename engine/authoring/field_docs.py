"""docs/patient-fields.md, generated from a pack's field declarations (``careplan fields``).

The prose says how a pack declares its patient fields; the tables are the pack's own
declarations and observation codes, so the page cannot drift from what the loader reads
(tests/test_patient_fields_doc.py keeps the committed page equal to the output).
"""

from __future__ import annotations

from engine.facts.fields import FieldDeclarations, FieldSpec, SectionSpec, ValueType

INTRODUCTION = """\
# Patient fields

The flat sections of the patient file (`demographics`, `labs`, `lifestyle`, `stress`, and any a pack
adds) are declared by the rule pack, not written in Python: `knowledge/fields.yaml` and
`knowledge/<domain>/fields.yaml`. The patient loader, `careplan schema patient`, the input fact types
that rules match and this page are all built from those declarations. The structural parts of the
file stay in the engine: `id`, `as_of`, `vitals` (blood-pressure readings, height, weight),
`conditions`, `allergies`, `medications`, `genotypes`, `cancer`, `family_history`, `preferences` and
`observations`, and what the normaliser derives (blood-pressure means, BMI, alleles, family sides).

This page is generated: `careplan fields > docs/patient-fields.md` (`--pack DIR` for another pack).

## Declaring a field

```yaml
# knowledge/lung/fields.yaml
lifestyle:                    # a section of the patient file
  fact: lifestyle             # the fact type it fills (default: the section's name)
  fields:
    pack_years:
      type: number            # text, number, integer, boolean, date, one-of
      unit: pack-years        # shown in errors and in the schema
      range: [0, 300]         # inclusive; a value outside it is refused, never clamped
      places: 1               # decimal places the engine keeps (a value that would round to 0 is refused)
      description: packs a day times years smoked
    quit_date: {type: date}
    years_since_quit:         # computed, never written in the patient file
      type: integer
      years_since: quit_date  # or age_at: quit_date (the patient's age at that date)
```

- `one-of` fields list their words under `values`; a rule pattern with another word
  (`smoking: nevr`) is an error of every pack load (`lint.unknown-value`, with a did-you-mean), and a
  pattern bound outside a field's `range` a warning (`lint.out-of-range`).
- A section may be extended from several files (each file only adds fields); its settings (`fact`,
  `per_field`, `label`, `description`) are given once. A field declared twice is refused naming both
  places (`fields.duplicate`). A field that would fill the `patient` fact's `bmi`, `height_cm` or
  `weight_kg` is refused where it is declared (`fields.engine-filled`): the engine fills those from
  the vitals section's height and weight, so a declared value would be written over.
- `per_field: true` makes one fact per field given instead of one fact for the section
  (`labs` gives `lab {name: egfr, value: 55.0}`); `fact_field` renames a field in its fact.
- `demographics` fills the `patient` fact, which the engine completes with `bmi`, `height_cm` and
  `weight_kg` from `vitals`.
- A pack without any `fields.yaml` reads the default pack's fields (and its observation codes), so a
  pack written before declarations reads the same patient file. A pack with one reads exactly what
  it declares.

## Dates

`years_since: D` is the number of completed years from the date field `D` to the patient file's
`as_of` date; `age_at: D` is the patient's age (the declared field that fills the patient fact's
`age`) less those years. The reference date is never today's clock: the same file gives the same
plan whenever it is run. A file that gives `D` without `as_of` is refused (exit 2, "as_of
(YYYY-MM-DD) is needed"), and so is a `D` after `as_of`.

## Coded observations

```yaml
observations:
  - {code: {system: http://loinc.org, code: 98979-8}, value: 48, unit: "mL/min/{1.73_m2}", date: 2026-10-01}
```

`knowledge/observations.csv` (`system,code,section,field,unit`) maps a code to the declared number
field it fills and the unit it must be written in (no conversion is guessed). A new lab or
measurement is a table row and a field declaration, not code. An observation in another unit, or
whose value fails the field's checks, is exit 2 naming `observations[i]`; several observations of
one field: the latest dated one is used (two of the same date that disagree are refused); a field
given both in its section and as an observation is refused. An observation whose code the pack
does not map is a located warning (`patient.unmapped-observation`) and is not used.
"""


def _range(spec: FieldSpec) -> str:
    if spec.low is None or spec.high is None:
        return ""
    low, high = (str(int(v)) if float(v).is_integer() else str(v) for v in (spec.low, spec.high))
    return f"{low}..{high}"


def _accepts(spec: FieldSpec) -> str:
    if spec.derived is not None:
        return f"computed: {spec.derived.how.value} {spec.derived.date_field}"
    if spec.type is ValueType.ONE_OF:
        return " / ".join(spec.values)
    if spec.type is ValueType.DATE:
        return "YYYY-MM-DD"
    text = " ".join(part for part in (_range(spec), spec.unit or "") if part)
    if spec.places is not None:
        text += f" ({spec.places} decimal places)"
    return text or spec.type.value


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _section(section: SectionSpec) -> list[str]:
    becomes = (f"one `{section.fact}` fact per field: `{{name, value}}`" if section.per_field
               else f"the `{section.fact}` fact")
    lines = [f"### `{section.name}`", ""]
    if section.description:
        lines += [section.description[0].upper() + section.description[1:] + ".", ""]
    lines += [f"Becomes {becomes}.", "", "| field | type | accepts | description |", "| --- | --- | --- | --- |"]
    for spec in section.fields:
        name = spec.name if not spec.fact_field else f"{spec.name} (fact field `{spec.fact_field}`)"
        kind = "integer" if spec.derived is not None else spec.type.value
        lines.append(f"| `{name}` | {kind} | {_cell(_accepts(spec))} | {_cell(spec.description)} |")
    return [*lines, ""]


def patient_fields_markdown(declarations: FieldDeclarations, pack_name: str) -> str:
    lines = [INTRODUCTION, f"## The fields of the `{pack_name}` pack", ""]
    for section in sorted(declarations.sections, key=lambda s: s.name):
        lines += _section(section)
    lines += ["### Observation codes", ""]
    if not declarations.observations:
        lines += ["This pack maps no observation codes.", ""]
    else:
        lines += ["| system | code | fills | unit |", "| --- | --- | --- | --- |"]
        lines += [f"| {o.system} | `{o.code}` | `{o.section}.{o.field}` | `{o.unit}` |"
                  for o in declarations.observations]
        lines.append("")
    return "\n".join(lines)
