@lifestyle
Feature: Diet advice for raised blood pressure (ACC/AHA 2017 section 6.2, Table 15)
  Sodium, potassium and the DASH eating plan are advised to adults with elevated blood pressure or
  hypertension, and only where the recorded intake shows a gap. A raised pressure with no sodium
  intake recorded is a data gap, not a guess.

  Background:
    Given a patient "diet"
    And the patient is a 52-year-old male

  Scenario: A salty, low-potassium diet low in fruit and vegetables gets all three diet changes
    Given the patient's blood pressure is 134/84
    And the patient's lifestyle:
      | field                            | value |
      | sodium_mg_per_day                | 3800  |
      | potassium_mg_per_day             | 2000  |
      | fruit_vegetable_servings_per_day | 2     |
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.sodium-reduction"
    And the plan has a "lifestyle" recommendation "lifestyle.potassium"
    And the plan has a "lifestyle" recommendation "lifestyle.dash-diet"
    And the recommendation "lifestyle.sodium-reduction" mentions "1,500 mg/day"
    And the recommendation "lifestyle.sodium-reduction" cites "ACC/AHA" and has strength "strong"
    And the recommendation "lifestyle.potassium" mentions "3,500 to 5,000 mg/day"
    And the plan has a goal mentioning "sodium"
    And the plan has a goal mentioning "3500 to 5000 mg/day"
    And the plan has a goal mentioning "fruit and vegetables"

  Scenario: No diet advice where the diet already meets the targets
    Given the patient's blood pressure is 134/84
    And the patient's lifestyle:
      | field                            | value |
      | sodium_mg_per_day                | 1400  |
      | potassium_mg_per_day             | 4200  |
      | fruit_vegetable_servings_per_day | 7     |
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.sodium-reduction"
    And the plan has no recommendation "lifestyle.potassium"
    And the plan has no recommendation "lifestyle.potassium-not-indicated"
    And the plan has no recommendation "lifestyle.dash-diet"
    And the rule "lifestyle.sodium-intake-missing" did not fire

  Scenario: Normal blood pressure gets no diet advice even with a salty diet
    Given the patient's blood pressure is 112/72
    And the patient's lifestyle:
      | field             | value |
      | sodium_mg_per_day | 3800  |
    When the care plan is generated
    Then the assessment "bp-category" is "normal"
    And the plan has no recommendation "lifestyle.sodium-reduction"

  Scenario: Normal blood pressure with kidney disease needs neither potassium advice nor a caution
    Given the patient's blood pressure is 112/72
    And the patient has the condition "chronic kidney disease"
    And the patient's lifestyle:
      | field                | value |
      | potassium_mg_per_day | 2000  |
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.potassium"
    And the plan has no recommendation "lifestyle.potassium-not-indicated"

  Scenario: Raised blood pressure with no sodium intake recorded is a data gap
    Given the patient's blood pressure is 134/84
    And the patient's lifestyle:
      | field                     | value |
      | activity_minutes_per_week | 200   |
    When the care plan is generated
    Then the plan has a data gap suggesting "diet history (sodium intake)"
    And the plan has a data gap mentioning "sodium"
    And the plan has no recommendation "lifestyle.sodium-reduction"
