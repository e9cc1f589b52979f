@cross_domain
Feature: Cross-domain conflicts
  One domain's finding rules out another domain's medicine: a genotype, a pregnancy, an
  allergy or a current medicine. What is removed is listed under "suppressed" with the rule
  and the reason, so the clinician sees what was deliberately not recommended.

  Background:
    Given a patient "conflicts"
    And the patient is a 66-year-old male
    And the patient's race is "white"
    And the patient's blood pressure is 136/84
    And the patient's labs:
      | field                   | value |
      | total_cholesterol_mg_dl | 210   |
      | hdl_mg_dl               | 45    |
      | ldl_mg_dl               | 140   |
      | egfr                    | 90    |
    And the patient's smoking status is "never"

  Scenario: The patient's risk calls for a blood-pressure medicine and a statin
    When the care plan is generated
    Then the assessment "ascvd-risk-10y" is "16.5"
    And the recommendation "bp.start-first-line-medicine" offers "chlorthalidone, lisinopril, losartan, amlodipine"
    And the recommendation "cardiovascular.start-statin" offers "atorvastatin, rosuvastatin, simvastatin"
    And the plan suppresses nothing

  Scenario: A statin CPIC advises against for the genotype is not offered
    Given the patient's SLCO1B1 diplotype is "*5/*5"
    When the care plan is generated
    Then the assessment "phenotype" for "SLCO1B1" is "Poor Function"
    And the recommendation "cardiovascular.start-statin" does not offer "simvastatin"
    And the recommendation "cardiovascular.start-statin" offers "atorvastatin, rosuvastatin"
    And the recommendation "cardiovascular.start-statin" offers one of "simvastatin or rosuvastatin"
    And "cardiovascular.start-statin/alternative:simvastatin" is suppressed by "pgx.avoided-drug-not-offered"

  Scenario: An allergy to one ACE inhibitor rules out the class as a blood-pressure option
    Given the patient is allergic to "lisinopril"
    When the care plan is generated
    Then the recommendation "bp.start-first-line-medicine" does not offer "lisinopril"
    And the recommendation "bp.start-first-line-medicine" offers "losartan, amlodipine"
    And "bp.start-first-line-medicine/alternative:lisinopril" is suppressed by "medications.allergy-ace-inhibitor"

  Scenario: An allergy to one medicine removes only that medicine
    Given the patient is allergic to "amlodipine"
    When the care plan is generated
    Then the recommendation "bp.start-first-line-medicine" does not offer "amlodipine"
    And the recommendation "bp.start-first-line-medicine" offers "chlorthalidone, lisinopril"
    And "bp.start-first-line-medicine/alternative:amlodipine" is suppressed by "medications.allergy-drug"

  Scenario: A patient taking an ARB is not offered an ACE inhibitor on top
    Given the patient takes "losartan"
    When the care plan is generated
    Then the plan recommends "increase-dose" for "losartan"
    And the plan has no recommendation "bp.start-first-line-medicine"
    And the plan has no recommendation for "lisinopril"

  Scenario: Pregnancy removes ACE inhibitors and ARBs wherever they appear, and says why
    Given a patient "pregnant-conflicts"
    And the patient is a 33-year-old female
    And the patient is pregnant
    And the patient's blood pressure is 152/98
    When the care plan is generated
    Then "bp.start-first-line-medicine" is suppressed by "bp.pregnancy-medicine"
    And "bp.start-first-line-medicine/alternative:lisinopril" is suppressed by "bp.pregnancy-contraindicated-classes"
    And "bp.start-first-line-medicine/alternative:losartan" is suppressed by "bp.pregnancy-contraindicated-classes"
    And the recommendation "bp.pregnancy-medicine" offers "labetalol, nifedipine"
