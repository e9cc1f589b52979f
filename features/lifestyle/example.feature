@lifestyle
Feature: The lifestyle example (examples/lifestyle.yaml)
  A 58-year-old woman with stage 1 hypertension, obesity, an eGFR of 52 and lisinopril, who smokes,
  drinks 10 drinks a week, eats a salty diet low in potassium, fruit and vegetables, exercises
  little and sleeps 6 hours.

  Scenario: Every lifestyle gap gets its advice, and potassium is marked not indicated
    Given the patient from "examples/lifestyle.yaml"
    When the care plan is generated
    Then these rules fired:
      | rule                                  |
      | lifestyle.dash-diet                   |
      | lifestyle.sodium-reduction            |
      | lifestyle.physical-activity           |
      | lifestyle.resistance-training         |
      | lifestyle.alcohol-women               |
      | lifestyle.smoking-cessation           |
      | lifestyle.sleep                       |
      | lifestyle.weight-loss                 |
      | lifestyle.potassium-caution-egfr      |
      | lifestyle.potassium-caution-medicine  |
      | lifestyle.potassium-not-indicated     |
    And the plan has no recommendation "lifestyle.potassium"
    And the recommendation "lifestyle.potassium-not-indicated" has action "not-indicated"
    And the assessment "bmi-category" is "obesity"

  Scenario: The patient's version is in plain words
    Given the patient from "examples/lifestyle.yaml"
    And the care plan is generated
    When the plan is rendered as "md" for the "patient"
    Then the document contains "DASH eating plan"
    And the document contains "salt substitutes"
    And the document does not contain "rules/lifestyle"
    And the document does not contain "mmHg lower systolic"
