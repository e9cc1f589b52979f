@hypertension
Feature: Blood pressure (AHA/ACC 2025) and cardiovascular risk
  The category comes from the mean of the readings; in stage 1, clinical cardiovascular disease,
  stroke, diabetes, CKD or a 10-year PREVENT risk of 7.5% decides drug treatment, otherwise a 3- to
  6-month lifestyle trial comes first; the first-line medicine depends on who the patient is. The
  Pooled Cohort Equations' ASCVD risk is still shown (the cholesterol guideline uses it).
  The 2017 rules are the pack packs/acc-aha-2017 (tests/test_bp_2025.py).

  Scenario Outline: The Pooled Cohort Equations give the guideline's worked example
    # Goff 2013, Table A: 55 years, total cholesterol 213, HDL 50, untreated systolic 120,
    # non-smoker, no diabetes. The white man is 5.38% at full precision; the guideline's 5.3
    # adds up rounded terms, so the plan (rounding once) says 5.4.
    Given a patient "pce-<race>-<sex>"
    And the patient is a 55-year-old <sex>
    And the patient's race is "<race>"
    And the patient's blood pressure is 120/78
    And the patient's labs:
      | field                   | value |
      | total_cholesterol_mg_dl | 213   |
      | hdl_mg_dl               | 50    |
    And the patient's smoking status is "never"
    When the care plan is generated
    Then the assessment "ascvd-risk-10y" is "<risk>"

    Examples:
      | sex    | race  | risk |
      | female | white | 2.1  |
      | female | black | 3.0  |
      | male   | white | 5.4  |
      | male   | black | 6.1  |

  Scenario: Stage 1 at low risk starts with lifestyle, not medicine
    Given the patient from "examples/patient-a.yaml"
    When the care plan is generated
    Then the assessment "ascvd-risk-10y" is "5.0"
    And the plan has a "lifestyle" recommendation "bp.stage1-lifestyle-first"
    And the recommendation "bp.stage1-lifestyle-first" mentions "3- to 6-month trial"
    And the plan has no recommendation "bp.start-first-line-medicine"
    And the plan has a goal mentioning "130/80"
    And the plan has a goal mentioning "below 120"
    And the follow-up interval is 90 days

  Scenario: Stage 1 with a 10-year PREVENT risk of 7.5% or more adds one first-line medicine
    Given a patient "stage1-prevent-high"
    And the patient is a 60-year-old male
    And the patient's race is "white"
    And the patient's blood pressure is 134/84
    And the patient's labs:
      | field                   | value |
      | total_cholesterol_mg_dl | 206   |
      | hdl_mg_dl               | 45    |
      | egfr                    | 90    |
    And the patient's smoking status is "never"
    When the care plan is generated
    Then the rule "bp.stage1-ascvd-risk-medicine" fired
    And the recommendation "bp.start-first-line-medicine" has action "start"
    And the plan has no recommendation "bp.stage1-lifestyle-first"
    And the follow-up interval is 30 days

  Scenario: Stage 1 just under a PREVENT risk of 7.5% starts with the lifestyle trial
    Given a patient "stage1-prevent-low"
    And the patient is a 60-year-old male
    And the patient's race is "white"
    And the patient's blood pressure is 134/84
    And the patient's labs:
      | field                   | value |
      | total_cholesterol_mg_dl | 205   |
      | hdl_mg_dl               | 45    |
      | egfr                    | 90    |
    And the patient's smoking status is "never"
    When the care plan is generated
    Then the rule "bp.stage1-ascvd-risk-medicine" did not fire
    And the plan has a "lifestyle" recommendation "bp.stage1-lifestyle-first"
    And the plan has no recommendation "bp.start-first-line-medicine"

  Scenario: Stage 1 without an eGFR says the PREVENT risk is missing and does not decide silently
    Given a patient "stage1-no-egfr"
    And the patient is a 60-year-old male
    And the patient's blood pressure is 134/84
    And the patient's labs:
      | field                   | value |
      | total_cholesterol_mg_dl | 206   |
      | hdl_mg_dl               | 45    |
    And the patient's smoking status is "never"
    When the care plan is generated
    Then the plan has a data gap mentioning "could not be computed (eGFR not recorded)"
    And the plan has a "lifestyle" recommendation "bp.stage1-lifestyle-first"
    And the plan has no recommendation "bp.start-first-line-medicine"

  Scenario: Stage 1 with diabetes adds one first-line medicine without a risk estimate
    Given a patient "stage1-diabetes"
    And the patient is a 58-year-old female
    And the patient's race is "white"
    And the patient's blood pressure is 132/78
    And the patient has the condition "type 2 diabetes"
    When the care plan is generated
    Then the rule "bp.stage1-high-risk-medicine" fired
    And the recommendation "bp.start-first-line-medicine" has action "start"
    And the recommendation "bp.start-first-line-medicine" offers "chlorthalidone, lisinopril, losartan, amlodipine"
    And the plan has no recommendation "bp.stage1-lifestyle-first"
    And the follow-up interval is 30 days

  Scenario: Stage 2 starts two first-line medicines of different classes
    Given a patient "stage2"
    And the patient is a 50-year-old female
    And the patient's race is "white"
    And the patient's blood pressure is 152/96
    When the care plan is generated
    Then the rule "bp.first-line-medicine[general,2]" fired
    And the recommendation "bp.start-first-line-medicine" mentions "two first-line"
    And the recommendation "bp.start-first-line-medicine" mentions "single-pill combination"
    And the recommendation "bp.start-first-line-medicine" cites "AHA/ACC" and has strength "strong"
    And the follow-up interval is 30 days

  Scenario: A Black adult without heart failure or CKD starts with a thiazide or a calcium-channel blocker
    Given a patient "black-stage1-diabetes"
    And the patient is a 58-year-old male
    And the patient's race is "black"
    And the patient's blood pressure is 136/84
    And the patient has the condition "type 2 diabetes"
    When the care plan is generated
    Then the rule "bp.first-line-medicine[black-no-hf-ckd,1]" fired
    And the recommendation "bp.start-first-line-medicine" offers "chlorthalidone, amlodipine"
    And the recommendation "bp.start-first-line-medicine" does not offer "lisinopril, losartan"

  Scenario: A Black adult with chronic kidney disease and albuminuria gets an ACE inhibitor or ARB
    Given a patient "black-ckd"
    And the patient is a 58-year-old male
    And the patient's race is "black"
    And the patient's blood pressure is 136/84
    And the patient has the condition "chronic kidney disease"
    And the patient's labs:
      | field          | value |
      | egfr           | 48    |
      | urine_acr_mg_g | 420   |
    When the care plan is generated
    Then the rule "bp.first-line-medicine[ckd,1]" fired
    And the rule "bp.population-black" did not fire
    And the recommendation "bp.start-first-line-medicine" offers "lisinopril, losartan"
    And the recommendation "bp.start-first-line-medicine" mentions "ACE inhibitor"

  Scenario: Pregnancy replaces the first-line choice with labetalol or extended-release nifedipine
    Given a patient "pregnant-stage2"
    And the patient is a 31-year-old female
    And the patient is pregnant
    And the patient's blood pressure is 152/98
    When the care plan is generated
    Then the recommendation "bp.pregnancy-medicine" offers "labetalol, nifedipine"
    And the plan has a goal mentioning "below 140/90"
    And the plan has a "medication" recommendation "bp.pregnancy-aspirin"
    And "bp.start-first-line-medicine" is suppressed by "bp.pregnancy-medicine"
    And the plan has no recommendation "bp.start-first-line-medicine"

  Scenario: A pregnant patient taking lisinopril is told to stop it, urgently
    Given a patient "pregnant-on-lisinopril"
    And the patient is a 31-year-old female
    And the patient is pregnant
    And the patient takes "lisinopril"
    When the care plan is generated
    Then the plan recommends "stop" for "lisinopril" with alternatives "labetalol, nifedipine"
    And the plan has a warning mentioning "lisinopril"
    And the command would exit with code 1

  Scenario: Severe hypertension without target-organ damage is urgent but managed as an outpatient
    Given a patient "crisis-urgency"
    And the patient is 67 years old
    And the patient's blood pressure is 192/118
    When the care plan is generated
    Then the assessment "bp-category" is "hypertensive crisis"
    And the plan has a warning mentioning "severe hypertension"
    And the plan has a recommendation "bp.hypertensive-urgency"
    And the recommendation "bp.hypertensive-urgency" mentions "outpatient"
    And the plan has no recommendation "bp.hypertensive-emergency"
    And the follow-up interval is 0 days
    And the command would exit with code 1

  Scenario: Severe hypertension with target-organ damage is a hypertensive emergency
    Given a patient "crisis-emergency"
    And the patient is 67 years old
    And the patient's blood pressure is 204/126
    And the patient has the condition "acute kidney injury"
    When the care plan is generated
    Then the plan has a "referral" recommendation "bp.hypertensive-emergency"
    And the plan has a warning mentioning "intensive care"
    And the recommendation "bp.hypertensive-emergency" mentions "130-140 mmHg over 24 to 48 hours"
    And the plan has no recommendation "bp.hypertensive-urgency"
    And the command would exit with code 1

  Scenario: An older adult's target is a systolic pressure below 130
    Given a patient "older-adult"
    And the patient is a 72-year-old female
    And the patient's race is "white"
    And the patient's blood pressure is 148/76
    When the care plan is generated
    Then the plan has a goal mentioning "systolic < 130 mmHg"
    And the rule "bp.target" did not fire

  Scenario Outline: The follow-up interval follows the category (<category>)
    Given a patient "follow-up-<systolic>"
    And the patient is a 50-year-old female
    And the patient's blood pressure is <systolic>/<diastolic>
    When the care plan is generated
    Then the assessment "bp-category" is "<category>"
    And the rule "<rule>" fired
    And the plan has 1 follow-up from "bp." rules

    Examples:
      | systolic | diastolic | category             | rule                                            |
      | 112      | 72        | normal               | bp.follow-up[normal]                            |
      | 124      | 76        | elevated             | bp.follow-up[elevated]                          |
      | 134      | 78        | stage 1 hypertension | bp.follow-up-untreated[stage 1 hypertension]    |
      | 152      | 96        | stage 2 hypertension | bp.follow-up-medicine-started                   |
      | 186      | 100       | hypertensive crisis  | bp.follow-up[severe hypertension]               |

  Scenario: Above target on an ACE inhibitor, treatment is intensified, not duplicated
    Given a patient "on-treatment"
    And the patient is a 60-year-old female
    And the patient's race is "white"
    And the patient's blood pressure is 152/94
    And the patient takes "lisinopril"
    When the care plan is generated
    Then the plan recommends "increase-dose" for "lisinopril"
    And the recommendation "bp.intensify-on-treatment/lisinopril" mentions "add a first-line medicine of another class"
    And the plan has no recommendation "bp.start-first-line-medicine"
    And the plan has 1 follow-up from "bp." rules

  Scenario: Office pressure above home readings suggests white-coat hypertension
    Given a patient "white-coat"
    And the patient is a 48-year-old male
    And the patient has these blood pressure readings:
      | systolic | diastolic | setting |
      | 146      | 92        | office  |
      | 144      | 90        | office  |
      | 122      | 76        | home    |
      | 120      | 74        | home    |
    When the care plan is generated
    Then the plan has a "testing" recommendation "bp.confirm-out-of-office"
    And the recommendation "bp.confirm-out-of-office" mentions "white-coat"
    And the assessment "bp-category" is "stage 2 hypertension"
    And the assessment "bp-pattern" is "white-coat hypertension"
    And the plan has no recommendation "bp.start-first-line-medicine"

  Scenario: Home pressure above an elevated office pressure suggests masked hypertension
    Given a patient "masked"
    And the patient is a 48-year-old male
    And the patient has these blood pressure readings:
      | systolic | diastolic | setting |
      | 124      | 76        | office  |
      | 138      | 86        | home    |
    When the care plan is generated
    Then the recommendation "bp.confirm-out-of-office" mentions "masked hypertension"
    And the assessment "bp-category" is "elevated"
    And the assessment "bp-pattern" is "masked hypertension"

  Scenario: Home readings alone are read against the home thresholds
    # 2025 Table 7 (2017's Table 11 values): a home mean of 135/85 corresponds to office 140/90, so home 136/84 is stage 2
    Given a patient "home-only"
    And the patient is a 48-year-old male
    And the patient has these blood pressure readings:
      | systolic | diastolic | setting |
      | 138      | 84        | home    |
      | 134      | 84        | home    |
    When the care plan is generated
    Then the assessment "bp-category" is "stage 2 hypertension"
    And the plan has no assessment "bp-pattern"

  Scenario: Office and home readings in the hypertension range are sustained hypertension
    Given a patient "sustained"
    And the patient is a 48-year-old male
    And the patient has these blood pressure readings:
      | systolic | diastolic | setting |
      | 146      | 92        | office  |
      | 142      | 88        | home    |
    When the care plan is generated
    Then the assessment "bp-category" is "stage 2 hypertension"
    And the plan has no assessment "bp-pattern"
    And the plan has no recommendation "bp.confirm-out-of-office"

  Scenario: In severe hypertension the patient document says what to do in plain words
    Given a patient "crisis-patient-words"
    And the patient is 67 years old
    And the patient's blood pressure is 196/124
    When the care plan is generated
    And the plan is rendered as "md" for the "patient"
    Then the document contains "Contact your care team today"
    And the document contains "Your care team needs to see you today"
    And the document does not contain "target-organ damage"

  Scenario: For a race the equations were not derived in, the plan says which equation stood in
    Given a patient "pce-hispanic"
    And the patient is a 55-year-old female
    And the patient's race is "hispanic"
    And the patient's blood pressure is 120/78
    And the patient's labs:
      | field                   | value |
      | total_cholesterol_mg_dl | 213   |
      | hdl_mg_dl               | 50    |
    And the patient's smoking status is "never"
    When the care plan is generated
    Then the assessment "ascvd-risk-10y" is "2.1"
    And the assessment "ascvd-risk-10y" shows "equation" as "white female"
    And the assessment "ascvd-risk-10y" shows "caveat" as "white equations used: the guideline advises them for races other than white or African-American, and they may over- or underestimate risk"

  Scenario: Every adult with hypertension is asked for a urine albumin-to-creatinine ratio
    Given a patient "uacr"
    And the patient is a 50-year-old female
    And the patient's blood pressure is 136/84
    When the care plan is generated
    Then the plan has a "testing" recommendation "bp.uacr-testing"
    And the recommendation "bp.uacr-testing" cites "AHA/ACC" and has strength "strong"

  Scenario: A ratio on file is not asked for again
    Given a patient "uacr-on-file"
    And the patient is a 50-year-old female
    And the patient's blood pressure is 136/84
    And the patient's labs:
      | field          | value |
      | urine_acr_mg_g | 18    |
    When the care plan is generated
    Then the plan has no recommendation "bp.uacr-testing"

  Scenario: Resistant hypertension is screened for primary aldosteronism whatever the potassium
    Given a patient "resistant"
    And the patient is a 61-year-old male
    And the patient's blood pressure is 148/90
    And the patient has these conditions:
      | condition              |
      | hypertension           |
      | resistant hypertension |
    And the patient's labs:
      | field            | value |
      | potassium_mmol_l | 4.4   |
    When the care plan is generated
    Then the plan has a "screening" recommendation "bp.aldosteronism-screening"
    And the recommendation "bp.aldosteronism-screening" mentions "aldosterone-to-renin ratio"
    And the plan has no recommendation "bp.aldosteronism-screening-stage2"

  Scenario: In pregnancy 160/110 is treated urgently, below the non-pregnant severe threshold
    Given a patient "pregnant-severe"
    And the patient is a 29-year-old female
    And the patient is pregnant
    And the patient's blood pressure is 164/104
    When the care plan is generated
    Then the plan has a warning mentioning "within 30 to 60 minutes"
    And the plan has no recommendation "bp.hypertensive-urgency"
    And the command would exit with code 1

  Scenario: Elevated pressure gets the 2025 lifestyle targets
    Given a patient "elevated"
    And the patient is a 44-year-old male
    And the patient's blood pressure is 124/76
    When the care plan is generated
    Then the recommendation "bp.nonpharmacological-therapy" mentions "ideally below 1,500 mg"
    And the recommendation "bp.nonpharmacological-therapy" mentions "at least 5% of body weight"
    And the recommendation "bp.nonpharmacological-therapy" mentions "the goal is none"
