"""``careplan init DIR``: an institution's own pack that extends the default pack.

The scaffold holds only what the institution changes, and each file shows one way to change it:

* ``pack.yaml`` with ``extends: default`` (engine.pack.extend merges the two packs);
* ``rules/lifestyle/alcohol-men.yaml``: a default rule overridden by id (same id, a local change to
  its wording), made from the default rule's own file so its conditions, evidence and tests stay the
  guideline's; at the default's path, as the id-path convention (``careplan lint``) wants;
* ``rules/local/<name>/stop-smoking-service.yaml``: a new rule of the institution's with inline tests;
* ``examples/`` a patient the override applies to, and a README on extending and overriding.

Templates and knowledge tables are inherited; a file of the same path would replace the default's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.pack.extend import rule_id_of
from engine.pack.locate import default_pack_root
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

OVERRIDDEN_RULE = "lifestyle.alcohol-men"  # a plain rule (no table) whose wording an institution may localise
LOCAL_SENTENCE = "Offer a referral to {name}'s alcohol support service."
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Scaffold:
    root: Path
    name: str
    files: list[str]
    overridden: str


def scaffold_pack(target: Path, name: str | None = None, base: Path | None = None) -> Scaffold:
    """Write a new pack at ``target`` (which must not exist, or be an empty directory)."""
    pack_name = name or target.name.lower()
    where = Location(str(target))
    if not _NAME.fullmatch(pack_name):
        raise DiagnosticError([Diagnostic(Location("--name"), "usage.bad-name",
                                          "a pack name is lower-case letters, digits and single hyphens",
                                          hint="e.g. --name st-elsewhere")])
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DiagnosticError([Diagnostic(where, "usage.not-empty", "the directory exists and is not empty",
                                          hint="give a new directory; init never overwrites files")])
    if not target.parent.is_dir():
        raise DiagnosticError([Diagnostic(where, "usage.bad-output", "the directory to create it in does not exist")])
    base_root = base or default_pack_root()
    overridden = _base_rule_file(base_root, OVERRIDDEN_RULE)
    override_file = overridden.relative_to(base_root).as_posix()  # the default's own path: ids follow paths
    files = {
        "pack.yaml": _pack_yaml(pack_name),
        override_file: _override(overridden, pack_name),
        f"rules/local/{pack_name}/stop-smoking-service.yaml": _new_rule(pack_name),
        "examples/man-drinking-above-limit.yaml": _EXAMPLE_PATIENT,
        "README.md": _readme(pack_name, override_file),
    }
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Scaffold(target, pack_name, sorted(files), OVERRIDDEN_RULE)


def _pack_yaml(name: str) -> str:
    return (f"name: {name}\nversion: 0.1.0\n"
            f"description: {name}'s care-plan pack; the default pack with local changes\n"
            "extends: default\n")


def _base_rule_file(base: Path, rule_id: str) -> Path:
    for path in sorted((base / "rules").rglob("*.yaml")):
        if rule_id_of(path) == rule_id:
            return path
    raise DiagnosticError([Diagnostic(Location(str(base / "rules")), "pack.missing-rule",
                                      f"the base pack has no rule '{rule_id}' to show an override of")])


def _override(rule_file: Path, name: str) -> str:
    """The default rule, same id and conditions, with a local sentence added to its recommendation."""
    data: dict[str, Any] = yaml.safe_load(rule_file.read_text(encoding="utf-8"))
    major, minor, _ = (int(part) for part in str(data["version"]).split("."))
    data["version"] = f"{major}.{minor + 1}.0"
    data["description"] = (f"{name}'s override of the default rule {OVERRIDDEN_RULE} (same id, so it replaces "
                           "it): the same conditions and evidence, with a referral to the local service added "
                           "to the advice. " + str(data.get("description", "")).strip())
    for item in data["then"]:
        recommend = item.get("recommend")
        if isinstance(recommend, dict):
            recommend["text"] = f"{recommend['text']} {LOCAL_SENTENCE.format(name=name)}"
    header = (f"# Overrides {OVERRIDDEN_RULE} of the default pack: a rule with the same id replaces the base's.\n")
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def _new_rule(name: str) -> str:
    return f"""\
# A rule of {name}'s own: a new id adds a rule to the default pack's.
id: local.{name}.stop-smoking-service
title: Refer current smokers to {name}'s stop-smoking service
version: 0.1.0
status: active
owner: {name} clinical informatics
description: >
  Local pathway: every current smoker is offered the institution's stop-smoking service, alongside the
  default pack's cessation advice (lifestyle.smoking-cessation). Replace the text and the evidence with
  the institution's own policy.
evidence:
  source: {name}
  citation: "{name} stop-smoking pathway (local policy document; name its title, version and date here)"
  strength: expert-opinion
when:
  all:
    - lifestyle: {{smoking: current}}
then:
  - recommend:
      category: referral
      action: refer
      text: "Offer a referral to {name}'s stop-smoking service."
      patient_text: "We can put you in touch with our stop-smoking service."
tests:
  - name: current smoker is offered the service
    given: {{lifestyle: {{smoking: current}}}}
    expect: fires
  - name: never smoker is not
    given: {{lifestyle: {{smoking: never}}}}
    expect: does_not_fire
"""


_EXAMPLE_PATIENT = """\
# A man who drinks above the limit and smokes: the override and the local rule both apply.
id: example-local
demographics: {age: 50, sex: male}
lifestyle: {alcohol_drinks_per_week: 20, smoking: current}
"""


def _readme(name: str, override_file: str) -> str:
    return f"""\
# {name}: a careplan pack that extends the default pack

`pack.yaml` says `extends: default`: this pack is the default pack's rules, knowledge tables and
templates, with the files here laid over them.

- **Override a rule**: write a rule file with the default rule's `id`. It replaces that rule
  whole (conditions, actions, evidence, tests). `{override_file}` overrides
  `{OVERRIDDEN_RULE}` and adds a referral to the local alcohol service. `careplan lint --pack .`
  lists every rule this pack overrides.
- **Add a rule**: write a rule file with a new id. `rules/local/{name}/` holds one, with inline tests.
  A rule's id follows its file's path (`careplan lint` warns otherwise), so an override sits at the
  default rule's own path.
- **Replace a table or a template**: put a file at the same path as the default's
  (`knowledge/...`, `templates/plan.md.j2`); every other file is inherited.
- `extends:` may also name another pack's directory, relative to this one.

Check and try it:

```sh
careplan validate --pack .                           # rules, templates, inline tests of both packs
careplan generate examples/man-drinking-above-limit.yaml --pack .
careplan rules --pack . local                        # the catalogue of this pack's own rules
careplan diff --base HEAD --pack . --cohort examples  # once in git: what an edit changes in plans
```
"""
