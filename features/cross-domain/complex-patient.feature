@cross_domain
Feature: One patient, every domain (examples/complex-patient.yaml)
  A 47-year-old premenopausal woman with early breast cancer (recurrence score 19), a family
  history of breast and ovarian cancer, stage 2 hypertension with diabetes and CKD, a past
  ACE-inhibitor angioedema, SLCO1B1 poor function, smoking, high stress and moderate
  depressive symptoms. She declines chemotherapy and prefers treatment without medicines.

  Background:
    Given the patient from "examples/complex-patient.yaml"
    When the care plan is generated

  Scenario: Every domain is assessed
    Then the assessment "bp-category" is "stage 2 hypertension"
    And the assessment "ascvd-risk-10y" is "18.5"
    And the assessment "recurrence-risk" is "intermediate"
    And the assessment "cancer-risk" is "hereditary breast/ovarian cancer criteria met"
    And the assessment "depression-severity" is "moderate"
    And the assessment "stress-level" is "high"
    And the assessment "phenotype" for "SLCO1B1" is "Poor Function"

  Scenario: Blood pressure treatment protects the kidneys and leaves out ACE inhibitors
    Then the rule "bp.first-line-medicine[ckd,2]" fired
    And the recommendation "bp.start-first-line-medicine" offers "losartan, valsartan"
    And the recommendation "bp.start-first-line-medicine" does not offer "lisinopril, ramipril"
    And "bp.start-first-line-medicine/alternative:lisinopril" is suppressed by "medications.allergy-ace-inhibitor"
    And the plan has a recommendation "lifestyle.potassium-not-indicated"

  Scenario: The statin due for diabetes is not simvastatin
    Then the recommendation "cardiovascular.start-statin" does not offer "simvastatin"
    And "cardiovascular.start-statin/alternative:simvastatin" is suppressed by "pgx.avoided-drug-not-offered"

  Scenario: Her preferences shape the plan without hiding the guideline
    Then the first recommendation is a "lifestyle" recommendation
    And the recommendation "oncology.breast-chemo-shared-decision" is a shared decision because the patient declines "chemotherapy"
    And the recommendation "bp.start-first-line-medicine" is a shared decision
    And the plan has a recommendation "oncology.breast-endocrine-therapy"

  Scenario: Referrals, follow-up, goals and missing data are all in the plan
    Then the plan has a "referral" recommendation "hereditary.refer-hboc"
    And the plan has a "referral" recommendation "stress.depression-evaluation"
    And the plan has a goal mentioning "130/80"
    And the plan has a goal mentioning "quit"
    And the follow-up interval is 14 days
    And the plan has a data gap suggesting "GAD-7 anxiety screen"
    And the plan has no urgent warning

  Scenario: The patient document speaks to her in plain words
    When the plan is rendered as "md" for the "patient"
    Then the document contains "You said no to: chemotherapy"
    And the document contains "keep working while I get treated"
    And the document does not contain "bp.start-first-line-medicine"

  Scenario: The clinician document shows what was deliberately not recommended
    When the plan is rendered as "html"
    Then the document contains "Deliberately not recommended"
    And the document contains "Shared decision"
    And the document contains "medications.allergy-ace-inhibitor"

  Scenario: The chemotherapy discussion lists what else she can choose
    Then the shared decision on "oncology.breast-chemo-shared-decision" offers "ovarian function suppression"
    And the assessment "recurrence-risk" shows "recurrence score (Oncotype DX)" as "19"
    And the plan has a follow-up in 84 days mentioning "lipids"
    And the plan has no data gap suggesting "lipid panel (total and HDL cholesterol)"
    And the plan has no goal mentioning "potassium"
    And the recommendation "bp.start-first-line-medicine" does not mention "Black adult without heart failure or chronic kidney disease"

  Scenario: Next to each recommendation the clinician sees which options were left out and why
    When the plan is rendered as "md"
    Then the document contains "- **Not offered here:**"
    And the document contains "  - lisinopril: documented allergy to lisinopril"
    And the document contains "  - simvastatin: SLCO1B1 Poor Function: CPIC advises against simvastatin"
