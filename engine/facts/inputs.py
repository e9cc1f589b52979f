"""The structural input fact types: what the normaliser produces from the structural parts of a
patient file (readings, medicines, genotypes, cancers, family history, preferences) and what it
derives (means, BMI, alleles, family sides, risk scores).

The fact types of the flat sections (demographics into ``patient``, ``lab``, ``lifestyle``,
``stress``, ...) come from the pack's field declarations (``engine.facts.fields``); derived fact
types from its ``knowledge/fact-types.yaml``.
"""

from __future__ import annotations

from engine.facts.schema import FactType, FieldKind


def _t(**fields: FieldKind) -> dict[str, FieldKind]:
    return dict(fields)


T, N, I, B = FieldKind.TEXT, FieldKind.NUMBER, FieldKind.INTEGER, FieldKind.BOOLEAN

INPUT_TYPES: dict[str, FactType] = {
    ft.name: ft
    for ft in [
        FactType("patient", _t(bmi=N, height_cm=N, weight_kg=N),
                 "patient age {age} {sex} BMI {bmi}", False,
                 "demographics (declared by the pack) and body measures; bmi is derived"),
        FactType("blood_pressure", _t(systolic=N, diastolic=N, readings=I, settings=T),
                 "mean blood pressure {systolic} / {diastolic} mmHg over {readings} readings", False,
                 "the mean of the patient's readings"),
        FactType("blood_pressure_setting", _t(setting=T, systolic=N, diastolic=N, readings=I),
                 "{setting} blood pressure {systolic} / {diastolic} mmHg over {readings} readings", False,
                 "the mean of the readings taken in one setting (office, home, ambulatory)"),
        FactType("condition", _t(name=T, system=T, code=T), "condition {name}", False),
        FactType("ascvd_risk", _t(value=N, equation=T, caveat=T, missing=T, lipids_missing=B),
                 "10-year ASCVD risk {value}% ({equation} equation)", False,
                 "Pooled Cohort Equations (engine.clinical.pce); value when computable, else missing says why"),
        FactType("allergy", _t(substance=T, drug_class=T, names_class=B), "allergy to {substance}", False,
                 "drug_class: the class the substance belongs to (lisinopril) or names (ACE inhibitors); "
                 "names_class: the substance is a class word"),
        FactType("medication", _t(name=T, status=T, indication=T, dose_mg=N, months_on_drug=I, drug_class=T),
                 "medication {name} ({status}) {indication}", False,
                 "drug_class comes from the pack's knowledge/medications/drug-classes.csv"),
        FactType("genotype", _t(gene=T, diplotype=T, allele=T, result=T, phenotype=T, activity_score=N),
                 "genotype {gene} {diplotype} {allele} {result} {phenotype} {activity_score}", False),
        FactType("allele", _t(gene=T, name=T, slot=I, copies=I, copies_at_least=B, alleles=I, diplotype=T),
                 "allele {gene} {name} (copy {slot} of {diplotype})", False,
                 "each allele of a star-allele diplotype, split by the normaliser"),
        FactType("cancer", _t(type=T, stage=T, stage_group=I, er=T, pr=T, her2=T, nodes_positive=I,
                              tumour_size_mm=N, menopausal_status=T, oncotype_dx_recurrence_score=I,
                              pd_l1_tps_percent=N, msi_status=T, mmr_status=T, biomarker_testing=T),
                 "{type} cancer, stage {stage}, ER {er}, PR {pr}, nodes {nodes_positive}, "
                 "biomarkers {biomarker_testing}, MSI {msi_status}, MMR {mmr_status}", False,
                 "one per diagnosis; type canonical and lower-case, stage upper-case, stage_group its number "
                 "(0 to 4, from the Roman numeral); see docs/oncology.md"),
        FactType("somatic_variant", _t(gene=T, variant=T, cancer_type=T, cancer_stage_group=I),
                 "somatic variant {gene} {variant} in {cancer_type} cancer", False,
                 "a tumour alteration; gene upper-case, protein changes upper-case (L858R), other variants "
                 "lower-case (exon 19 deletion, fusion); cancer_type and cancer_stage_group from its cancer"),
        FactType("family_history", _t(relative=T, condition=T, age_at_diagnosis=I, instance=I),
                 "family history: {relative} {condition} (age {age_at_diagnosis})", False,
                 "relative and condition lower-cased; instance numbers repeats of an identical entry (2, 3, ...): "
                 "they are different relatives"),
        FactType("family_side", _t(side=T, hboc_cancers=I, breast_or_prostate=I, high_risk=I, lynch_cancers=I,
                                   lynch_close=I, hboc_relatives=T, lynch_relatives=T),
                 "{side} side of the family: {hboc_cancers} with breast, ovarian, pancreatic or prostate cancer "
                 "({hboc_relatives}), {lynch_cancers} with a Lynch-related cancer ({lynch_relatives})", False,
                 "the family-history cancers on one side of the family (maternal, paternal, unknown), counted once by "
                 "the normaliser through the pack's knowledge/hereditary tables, so that criteria compare counts "
                 "instead of joining the family history with itself. Counted among close blood relatives (first- to "
                 "third-degree), a known variant aside: hboc_cancers, breast, ovarian, pancreatic or prostate cancer; "
                 "breast_or_prostate; high_risk, ovarian, pancreatic or high-risk prostate cancer, breast cancer at 50 "
                 "or younger or in a man; lynch_cancers, Lynch-related cancers; lynch_close, those in first- or "
                 "second-degree relatives. hboc_relatives and lynch_relatives name the relatives counted, sorted "
                 "('maternal aunt (ovarian cancer); mother (breast cancer at 63)')"),
        FactType("preference", _t(prefers_non_pharmacologic=B), "preferences", False),
        FactType("declined", _t(item=T), "patient declines {item}", False),
        FactType("patient_goal", _t(text=T), "patient goal: {text}", False),
    ]
}
