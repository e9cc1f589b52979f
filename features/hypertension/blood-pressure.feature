@hypertension
Feature: Blood pressure and cardiovascular risk (ACC/AHA 2017, Pooled Cohort Equations)
  The category comes from the mean of the readings, the 10-year ASCVD risk decides drug
  treatment in stage 1, and the first-line medicine depends on who the patient is.

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
    And the plan has no recommendation "bp.start-first-line-medicine"
    And the plan has a goal mentioning "130/80"
    And the follow-up interval is 90 days

  Scenario: Stage 1 with a 10-year risk of 10% or more adds one first-line medicine
    Given a patient "stage1-high-risk"
    And the patient is a 66-year-old male
    And the patient's race is "white"
    And the patient's blood pressure is 136/84
    And the patient's labs:
      | field                   | value |
      | total_cholesterol_mg_dl | 230   |
      | hdl_mg_dl               | 40    |
    And the patient's smoking status is "current"
    When the care plan is generated
    Then the rule "bp.stage1-ascvd-risk-medicine" fired
    And the recommendation "bp.start-first-line-medicine" has action "start"
    And the recommendation "bp.start-first-line-medicine" offers "chlorthalidone, lisinopril, losartan, amlodipine"
    And the plan has no recommendation "bp.stage1-lifestyle-first"
    And the follow-up interval is 30 days

  Scenario: Stage 1 without cholesterol results asks for a lipid panel before deciding
    Given a patient "stage1-no-lipids"
    And the patient is a 55-year-old male
    And the patient's blood pressure is 134/82
    And the patient's smoking status is "never"
    When the care plan is generated
    Then the plan has no assessment "ascvd-risk-10y"
    And the plan has a data gap suggesting "lipid panel (total and HDL cholesterol)"
    And the plan has a data gap mentioning "total cholesterol and HDL cholesterol are missing"
    And the plan has a "lifestyle" recommendation "bp.stage1-lifestyle-first"

  Scenario: A 35-year-old is outside the equations' age range
    Given a patient "stage1-young"
    And the patient is a 35-year-old female
    And the patient's blood pressure is 134/82
    And the patient's labs:
      | field                   | value |
      | total_cholesterol_mg_dl | 190   |
      | hdl_mg_dl               | 55    |
    And the patient's smoking status is "never"
    When the care plan is generated
    Then the plan has no assessment "ascvd-risk-10y"
    And the plan has a data gap mentioning "40-79"

  Scenario: Stage 2 starts two first-line medicines of different classes
    Given a patient "stage2"
    And the patient is a 50-year-old female
    And the patient's race is "white"
    And the patient's blood pressure is 152/96
    When the care plan is generated
    Then the rule "bp.first-line-medicine[general,2]" fired
    And the recommendation "bp.start-first-line-medicine" mentions "two first-line"
    And the recommendation "bp.start-first-line-medicine" cites "ACC/AHA" and has strength "strong"
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

  Scenario: Pregnancy replaces the first-line choice with labetalol, nifedipine or methyldopa
    Given a patient "pregnant-stage2"
    And the patient is a 31-year-old female
    And the patient is pregnant
    And the patient's blood pressure is 152/98
    When the care plan is generated
    Then the recommendation "bp.pregnancy-medicine" offers "labetalol, nifedipine, methyldopa"
    And "bp.start-first-line-medicine" is suppressed by "bp.pregnancy-medicine"
    And the plan has no recommendation "bp.start-first-line-medicine"

  Scenario: A pregnant patient taking lisinopril is told to stop it, urgently
    Given a patient "pregnant-on-lisinopril"
    And the patient is a 31-year-old female
    And the patient is pregnant
    And the patient takes "lisinopril"
    When the care plan is generated
    Then the plan recommends "stop" for "lisinopril" with alternatives "labetalol, methyldopa, nifedipine"
    And the plan has a warning mentioning "lisinopril"
    And the command would exit with code 1

  Scenario: A hypertensive crisis without target-organ damage is urgent but managed orally
    Given a patient "crisis-urgency"
    And the patient is 67 years old
    And the patient's blood pressure is 192/118
    When the care plan is generated
    Then the assessment "bp-category" is "hypertensive crisis"
    And the plan has a recommendation "bp.hypertensive-urgency"
    And the plan has no recommendation "bp.hypertensive-emergency"
    And the follow-up interval is 0 days
    And the command would exit with code 1

  Scenario: A hypertensive crisis with target-organ damage is an emergency
    Given a patient "crisis-emergency"
    And the patient is 67 years old
    And the patient's blood pressure is 204/126
    And the patient has the condition "acute kidney injury"
    When the care plan is generated
    Then the plan has a "referral" recommendation "bp.hypertensive-emergency"
    And the plan has a warning mentioning "intensive care"
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
      | 186      | 100       | hypertensive crisis  | bp.follow-up[hypertensive crisis]               |

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

  Scenario: Home pressure above an elevated office pressure suggests masked hypertension
    Given a patient "masked"
    And the patient is a 48-year-old male
    And the patient has these blood pressure readings:
      | systolic | diastolic | setting |
      | 124      | 76        | office  |
      | 138      | 86        | home    |
    When the care plan is generated
    Then the recommendation "bp.confirm-out-of-office" mentions "masked hypertension"

  Scenario: In a crisis the patient document says what to do in plain words
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
