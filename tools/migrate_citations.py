"""Move a pack's written-out citations to keys of knowledge/citations.yaml (a one-off authoring tool).

Only the ``evidence:`` block of each rule file changes: ``source``, ``citation`` and ``url`` give way to
``cite`` (the records the citation text names, in the order it names them) and ``section`` (where in
the source, when the text said); ``strength`` and ``note`` stay as written. Table files with
``citation``/``url`` columns get ``cite``/``section`` columns. A rule's old url that is none of its
records' links is printed: those are the citations whose text and link disagreed.

    python tools/migrate_citations.py [PACK]      # default: the checkout's pack
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import yaml

# A fragment of citation text -> the record it names (the first fragment found wins a position).
SOURCES: tuple[tuple[str, str], ...] = (
    ("Whelton PK", "acc-aha-bp-2017"), ("Grundy SM", "aha-acc-cholesterol-2018"),
    ("Arnett DK", "acc-aha-primary-prevention-2019"), ("Goff DC", "acc-aha-risk-assessment-2013"),
    ("Jensen MD", "aha-acc-tos-obesity-2013"), ("Levine GN", "aha-meditation-2017"),
    ("Piercy KL", "hhs-physical-activity-2018"), ("Watson NF", "aasm-srs-sleep-2015"),
    ("Interventions for Tobacco Smoking Cessation", "uspstf-tobacco-2021"),
    ("Committee Opinion No. 548", "acog-weight-gain-pregnancy-2013"),
    ("Institute of Medicine. Weight Gain", "iom-weight-gain-pregnancy-2009"),
    ("Centers for Disease Control and Prevention. Alcohol", "cdc-alcohol-pregnancy"),
    ("Dietary Guidelines for Americans", "usda-hhs-dietary-guidelines-2020"),
    ("Kim MJ, Valerio C", "aafp-potassium-2023"), ("Cohen S, Kamarck", "pss10-cohen-1983"),
    ("Spitzer RL, Kroenke K, Williams JBW, Löwe", "gad7-spitzer-2006"),
    ("Kroenke K, Spitzer RL, Williams JBW", "phq9-kroenke-2001"),
    ("Kroenke K, Spitzer RL. The PHQ-9: a new", "phq9-kroenke-spitzer-2002"),
    ("Simon GE, Rutter CM", "phq9-suicide-simon-2013"), ("NICE clinical guideline CG90", "nice-cg90-2009"),
    ("NICE guideline NG222", "nice-ng222-2022"), ("replaced by NG222", "nice-ng222-2022"),
    ("Screening for Depression and Suicide Risk", "uspstf-depression-2023"), ("Siu AL", "uspstf-depression-2016"),
    ("Screening for Anxiety Disorders", "uspstf-anxiety-2023"),
    ("NPSG.15.01.01", "joint-commission-npsg-suicide-2018"),
    ("NPSG.03.06.01", "joint-commission-npsg-medication-information"),
    ("US FDA drug labels and Drug Safety Communications", "fda-drug-safety"),
    ("FDA restricts use of prescription codeine", "fda-dsc-codeine-tramadol-children-2017"),
    ("revised warnings for metformin", "fda-dsc-metformin-kidney-2016"),
    ("dose limitations for Zocor", "fda-dsc-simvastatin-2011"),
    ("Azathioprine (Imuran)", "fda-label-azathioprine"), ("Mercaptopurine (Purixan)", "fda-label-mercaptopurine"),
    ("Febuxostat (Uloric)", "fda-label-febuxostat"), ("Clopidogrel (Plavix)", "fda-label-clopidogrel"),
    ("KDIGO 2012", "kdigo-ckd-2012"), ("Lapi F", "lapi-triple-whammy-2013"),
    ("Coumadin (warfarin sodium)", "fda-label-warfarin"), ("Johnson JA et al.", "cpic-warfarin-2017"),
    ("Karnes JH", "cpic-cyp2c9-hla-b-phenytoin-2020"), ("Martin MA et al.", "cpic-hla-b-abacavir-2014"),
    ("Lee CR et al", "cpic-cyp2c19-clopidogrel-2022"), ("Gammal RS et al. CPIC Guideline for G6PD", "cpic-g6pd-2022"),
    ("McDermott JH", "cpic-mt-rnr1-aminoglycosides-2021"), ("Standardizing terms", "cpic-term-standardization-2016"),
    ("Standardizing CYP2D6", "cpic-cyp2d6-genotype-to-phenotype-2020"),
    ("CPIC allele functionality tables", "cpic-gene-tables"),
    ("CPIC gene-specific genotype to phenotype translation tables", "cpic-gene-tables"),
    ("CPIC guideline recommendation tables", "cpic-guidelines"), ("CPIC guidelines (cpicpgx.org", "cpic-guidelines"),
    ("Andre F, Ismaila", "asco-breast-biomarkers-2022"), ("Burstein HJ", "asco-endocrine-therapy-2014"),
    ("update on ovarian suppression", "asco-ovarian-suppression-2016"),
    ("focused update on extended therapy", "asco-extended-endocrine-2019"),
    ("Denduluri N, Chavez-MacGregor M, Telli ML", "asco-adjuvant-breast-2018"),
    ("Denduluri N, Somerfield MR", "asco-adjuvant-breast-2021"), ("Allison KH, Hammond", "asco-cap-er-pr-2020"),
    ("Wolff AC", "asco-cap-her2-2018"), ("von Minckwitz", "aphinity-2017"), ("Swain SM", "cleopatra-2015"),
    ("Tolaney SM", "aptrial-tolaney-2015"), ("Oncology: Breast Cancer", "nccn-breast"),
    ("Oncology: Colon Cancer", "nccn-colon"), ("Rectal Cancer", "nccn-rectal"),
    ("Oncology: Non-Small Cell Lung Cancer", "nccn-nsclc"), ("Riely GJ", "nccn-nsclc-jnccn-2024"),
    ("Breast, Ovarian, and Pancreatic", "nccn-genetics-bop-2025"),
    ("Colorectal, Endometrial, and Gastric", "nccn-genetics-ceg-2024"),
    ("With Driver Alterations", "asco-nsclc-driver-2022"), ("Without Driver Alterations", "asco-nsclc-no-driver-2022"),
    ("Baxter NN", "asco-stage2-colon-2022"), ("Sargent DJ", "sargent-dmmr-2010"),
    ("KEYNOTE-177", "keynote-177-2020"), ("Diaz LA", "keynote-177-final-2022"), ("CheckMate 8HW", "checkmate-8hw"),
    ("Burn J, Sheth H", "capp2-2020"), ("Kastrinos F", "premm5-kastrinos-2017"),
    ("BRCA-Related Cancer", "uspstf-brca-2019"), ("AJCC Cancer Staging Manual", "ajcc-staging-8th-2017"),
    ("Engineering rule", "careplan-engine-design"),
)

# Where in a source the text points (a parenthesis or a recommendation number after the source's name).
SECTIONS: tuple[str, ...] = (
    r"\((testing criteria[^)]*)\)", r"\((BRCA pathogenic[^)]*)\)", r"\((Lynch syndrome (?:testing|management)[^)]*)\)",
    r"(recommendation \d+(?:\.\d+)+(?: \([^)]*\))?)", r"(section \d+(?:\.\d+)* \([^)]*\))",
    r"Oncology: Breast Cancer \(([^)]*)\)", r"Colon Cancer \(([^)]*)\)", r"Rectal Cancer \(([^)]*)\)",
    r"Non-Small Cell Lung Cancer \((biomarker[^)]*)\)", r"US prescribing information, ([^;]*)",
    r"(contraindication in the labels)", r"(populations as CPIC defines them per guideline)",
)


def cites(text: str) -> list[str]:
    found = sorted((text.find(fragment), key) for fragment, key in SOURCES if fragment in text)
    return list(dict.fromkeys(key for _, key in found))


def section(text: str) -> str | None:
    parts = [m.group(1) for pattern in SECTIONS for m in re.finditer(pattern, text)]
    return "; ".join(dict.fromkeys(parts)) or None


def _quoted(value: str) -> str:
    return yaml.safe_dump(value, default_style='"', width=10_000).strip()


def _evidence_block(lines: list[str]) -> tuple[int, int]:
    start = next(i for i, line in enumerate(lines) if line.rstrip() == "evidence:")
    end = next((i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")), len(lines))
    return start, end


def _kept(block: list[str]) -> list[str]:
    """The block's lines without source, citation and url (and their continuation lines)."""
    kept: list[str] = []
    dropping = False
    for line in block:
        key = re.match(r"^  ([a-z_]+):", line)
        if key:
            dropping = key.group(1) in ("source", "citation", "url")
        if not dropping:
            kept.append(line)
    return kept


def migrate_rule(path: Path, links: dict[str, set[str]]) -> str | None:
    """Rewrite one rule file's evidence block; the disagreement found, if any."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    evidence = data.get("evidence") if isinstance(data, dict) else None
    if not isinstance(evidence, dict) or "cite" in evidence:
        return None
    keys = cites(evidence["citation"])
    if not keys:
        raise SystemExit(f"{path}: no record for citation {evidence['citation']!r}")
    lines = text.split("\n")
    start, end = _evidence_block(lines)
    where = section(evidence["citation"])
    head = [f"  cite: {keys[0]}" if len(keys) == 1 else f"  cite: [{', '.join(keys)}]"]
    head += [f"  section: {_quoted(where)}"] if where else []
    lines[start + 1:end] = head + _kept(lines[start + 1:end])
    path.write_text("\n".join(lines), encoding="utf-8")
    old = evidence.get("url")
    if old and not any(old in links.get(key, set()) for key in keys):
        return f"{path}: url {old} is no link of {', '.join(keys)}"
    return None


def migrate_table(path: Path) -> None:
    """A table's citation/url columns become cite/section columns."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    if not rows or "citation" not in rows[0]:
        return
    columns = [c for c in rows[0] if c not in ("citation", "url")] + ["cite", "section"]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        text = row.pop("citation")
        row.pop("url", None)
        keys = cites(text)
        if not keys:
            raise SystemExit(f"{path}: no record for citation {text!r}")
        writer.writerow({**row, "cite": ";".join(keys), "section": section(text) or ""})
    path.write_text(out.getvalue(), encoding="utf-8")


def main(pack: Path) -> None:
    records = yaml.safe_load((pack / "knowledge" / "citations.yaml").read_text(encoding="utf-8"))
    links = {key: {r.get("url")} | ({f"https://doi.org/{r['doi']}"} if r.get("doi") else set())
             for key, r in records.items()}
    for path in sorted((pack / "rules").rglob("*.yaml")):
        disagreement = migrate_rule(path, links)
        if disagreement:
            print(disagreement)
    for path in sorted((pack / "knowledge").rglob("*.csv")):
        migrate_table(path)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
