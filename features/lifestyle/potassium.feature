@lifestyle
Feature: Potassium is not advised where it could harm (a cross-domain conflict)
  ACC/AHA 2017 advises 3,500 to 5,000 mg of potassium a day from food for raised blood pressure,
  unless chronic kidney disease or a medicine that reduces potassium excretion makes it unsafe. A
  serum potassium above 5.0 mmol/L is treated the same way. There the plan says potassium is
  "not-indicated", and why, instead of advising more.

  Background:
    Given a patient "potassium"
    And the patient is a 60-year-old female
    And the patient's blood pressure is 136/86
    And the patient's lifestyle:
      | field                | value |
      | potassium_mg_per_day | 2000  |
      | sodium_mg_per_day    | 3200  |

  Scenario: Low potassium intake without a caution is advised to rise
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.potassium"
    And the plan has no recommendation "lifestyle.potassium-not-indicated"

  Scenario: Chronic kidney disease turns potassium advice into "not indicated"
    Given the patient has the condition "chronic kidney disease"
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.potassium"
    And the plan has a "lifestyle" recommendation "lifestyle.potassium-not-indicated"
    And the recommendation "lifestyle.potassium-not-indicated" has action "not-indicated"
    And the recommendation "lifestyle.potassium-not-indicated" mentions "chronic kidney disease"
    And the recommendation "lifestyle.potassium-not-indicated" mentions "salt substitutes"
    And the recommendation "lifestyle.potassium-not-indicated" is explained by the rule "lifestyle.potassium-caution-ckd"
    And the plan has a "lifestyle" recommendation "lifestyle.sodium-reduction"

  Scenario: An eGFR below 60 from the lab is enough
    Given the patient's labs:
      | field | value |
      | egfr  | 48    |
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.potassium"
    And the recommendation "lifestyle.potassium-not-indicated" mentions "eGFR below 60"

  Scenario: A serum potassium above the normal range is enough
    Given the patient's labs:
      | field            | value |
      | potassium_mmol_l | 5.4   |
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.potassium"
    And the recommendation "lifestyle.potassium-not-indicated" mentions "serum potassium above 5.0"

  Scenario Outline: An active <drug> reduces potassium excretion
    Given the patient takes "<drug>"
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.potassium"
    And the recommendation "lifestyle.potassium-not-indicated" has action "not-indicated"
    And the recommendation "lifestyle.potassium-not-indicated" is explained by the rule "lifestyle.potassium-caution-medicine"

    Examples:
      | drug           |
      | lisinopril     |
      | losartan       |
      | spironolactone |
      | amiloride      |

  Scenario: A stopped ACE inhibitor is no reason to hold potassium advice
    Given the patient has these medications:
      | name       | status  |
      | lisinopril | stopped |
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.potassium"
    And the plan has no recommendation "lifestyle.potassium-not-indicated"
