@preferences
Feature: Preferences and collaboration
  What the patient wants changes how the plan is put, never what the guideline says:
  a declined treatment becomes a documented shared decision with options, a medicine the
  patient declines is not offered as an alternative, and a preference for non-drug
  treatment puts lifestyle first and marks medicine starts for discussion.

  Background:
    Given a patient "preferences"
    And the patient is a 50-year-old female
    And the patient's race is "white"
    And the patient's lifestyle:
      | field                     | value |
      | sodium_mg_per_day         | 3600  |
      | activity_minutes_per_week | 40    |

  Scenario: Without stated preferences, medicine is recommended plainly
    Given the patient's blood pressure is 152/96
    When the care plan is generated
    Then the recommendation "bp.start-first-line-medicine" has action "start"
    And the recommendation "bp.start-first-line-medicine" is not a shared decision
    And the first recommendation is a "medication" recommendation

  Scenario: Declining blood-pressure medicine makes it a shared decision with options
    Given the patient's blood pressure is 152/96
    And the patient declines "blood pressure medicine"
    When the care plan is generated
    Then the recommendation "bp.start-first-line-medicine" is a shared decision because the patient declines "blood pressure medicine"
    And the recommendation "bp.start-first-line-medicine" has action "start"

  Scenario: A declined medicine is not offered as an alternative, and the plan says why
    Given the patient's blood pressure is 152/96
    And the patient declines "amlodipine"
    When the care plan is generated
    Then the recommendation "bp.start-first-line-medicine" does not offer "amlodipine"
    And the recommendation "bp.start-first-line-medicine" offers "chlorthalidone, lisinopril, losartan"
    And "bp.start-first-line-medicine/alternative:amlodipine" is suppressed by "patient.preferences"

  Scenario: Preferring non-drug treatment puts lifestyle first and marks the medicine for discussion
    Given the patient's blood pressure is 152/96
    And the patient prefers non-pharmacologic treatment
    When the care plan is generated
    Then the first recommendation is a "lifestyle" recommendation
    And the recommendation "bp.start-first-line-medicine" is a shared decision
    And the plan has a "lifestyle" recommendation "lifestyle.sodium-reduction"

  Scenario: Where the guideline allows lifestyle alone, the preference needs no shared decision
    Given the patient prefers non-pharmacologic treatment
    And the patient's blood pressure is 134/82
    And the patient's labs:
      | field                   | value |
      | total_cholesterol_mg_dl | 180   |
      | hdl_mg_dl               | 60    |
    And the patient's smoking status is "never"
    When the care plan is generated
    Then the plan has no recommendation "bp.start-first-line-medicine"
    And the plan has a "lifestyle" recommendation "bp.stage1-lifestyle-first"

  Scenario: Declining a statin keeps its options visible for the discussion
    Given the patient's blood pressure is 136/84
    And the patient is a 66-year-old male
    And the patient's labs:
      | field                   | value |
      | total_cholesterol_mg_dl | 210   |
      | hdl_mg_dl               | 45    |
      | ldl_mg_dl               | 140   |
    And the patient's smoking status is "never"
    And the patient declines "statin"
    When the care plan is generated
    Then the recommendation "cardiovascular.start-statin" is a shared decision because the patient declines "statin"
    And the recommendation "cardiovascular.start-statin" offers "atorvastatin, rosuvastatin"

  Scenario: Goals are SMART and phrased for the patient
    Given the patient's blood pressure is 152/96
    When the care plan is generated
    And the plan is rendered as "md" for the "patient"
    Then the plan has a goal mentioning "< 1500 mg/day"
    And the document contains "within 3 months"
    And the document does not contain "mmHg above target"
