@stress
Feature: Perceived stress and sleep: Patient B
  Patient B (examples/patient-b.yaml) has blood pressure like Patient A's, but a healthy diet,
  180 min/week of activity and 1400 mg sodium/day; her PSS-10 is 29 (high) and she sleeps 5.5 h.
  Her plan should centre on stress reduction and sleep, not on diet or exercise.

  Scenario: Patient B has high perceived stress and stage 1 hypertension
    Given the patient from "examples/patient-b.yaml"
    When the care plan is generated
    Then the assessment "stress-level" is "high"
    And the assessment "bp-category" is "stage 1 hypertension"

  Scenario: Patient B's plan centres on stress reduction and sleep
    Given the patient from "examples/patient-b.yaml"
    When the care plan is generated
    Then the plan has a "stress" recommendation "stress.stress-reduction"
    And the plan has a "lifestyle" recommendation "lifestyle.sleep"

  Scenario: Patient B's healthy habits are left alone
    Given the patient from "examples/patient-b.yaml"
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.dash-diet"
    And the plan has no recommendation "lifestyle.sodium-reduction"
    And the plan has no recommendation "lifestyle.physical-activity"
    And the plan has no recommendation "lifestyle.weight-loss"
    And the plan has no recommendation "lifestyle.smoking-cessation"

  Scenario Outline: A PSS-10 score of <pss10> is "<level>" stress
    Given a patient "stress-outline"
    And the patient's pss10 score is <pss10>
    When the care plan is generated
    Then the assessment "stress-level" is "<level>"

    Examples:
      | pss10 | level    |
      | 8     | low      |
      | 20    | moderate |
      | 31    | high     |

  Scenario: Low stress needs no stress plan
    Given a patient "stress-low"
    And the patient's stress scores:
      | field | value |
      | pss10 | 6     |
      | phq9  | 1     |
      | gad7  | 2     |
    When the care plan is generated
    Then the assessment "stress-level" is "low"
    And the plan has no recommendation "stress.stress-reduction"
    And the plan has no "stress" recommendations

  Scenario: Patient B with more sleep is not advised on sleep
    Given the patient from "examples/patient-b.yaml"
    And the patient's lifestyle:
      | field       | value |
      | sleep_hours | 7.5   |
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.sleep"
    And the plan has a "stress" recommendation "stress.stress-reduction"
