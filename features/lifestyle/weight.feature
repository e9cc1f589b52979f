@lifestyle
Feature: BMI category and weight loss
  Weight loss is advised for obesity, and for overweight with raised blood pressure or a
  cardiometabolic condition (ACC/AHA 2017; AHA/ACC/TOS 2013), with a goal of 5% of body weight in
  6 months written in kilograms; about 1 mmHg lower systolic pressure is expected per kilogram.

  Scenario: Overweight with stage 1 hypertension gets a weight target in kilograms
    Given a patient "overweight-htn"
    And the patient is a 52-year-old male
    And the patient's blood pressure is 134/84
    And the patient is 178 cm tall and weighs 92 kg
    When the care plan is generated
    Then the assessment "bmi-category" is "overweight"
    And the plan has a "lifestyle" recommendation "lifestyle.weight-loss"
    And the recommendation "lifestyle.weight-loss" mentions "1 mmHg lower systolic pressure for each kilogram"
    And the recommendation "lifestyle.weight-loss" is explained by the rule "lifestyle.weight-loss-with-risk"
    And the plan has a goal mentioning "87.4 kg"

  Scenario: Overweight with normal blood pressure and no risk condition gets no weight-loss advice
    Given a patient "overweight-healthy"
    And the patient is a 52-year-old male
    And the patient's blood pressure is 114/72
    And the patient is 178 cm tall and weighs 92 kg
    When the care plan is generated
    Then the assessment "bmi-category" is "overweight"
    And the plan has no recommendation "lifestyle.weight-loss"

  Scenario: Obesity gets weight-loss advice at any blood pressure
    Given a patient "obese"
    And the patient is a 45-year-old female
    And the patient's blood pressure is 114/72
    And the patient is 170 cm tall and weighs 105 kg
    When the care plan is generated
    Then the assessment "bmi-category" is "obesity"
    And the plan has a "lifestyle" recommendation "lifestyle.weight-loss"
    And the plan has a goal mentioning "99.75 kg"

  Scenario: In pregnancy weight loss is not indicated and pregnancy weight gives no BMI category
    Given a patient "pregnant-weight"
    And the patient is a 31-year-old female
    And the patient is pregnant
    And the patient is 165 cm tall and weighs 80 kg
    When the care plan is generated
    Then the plan has no assessment "bmi-category"
    And the plan has no recommendation "lifestyle.weight-loss"
    And the recommendation "lifestyle.weight-loss-pregnancy" has action "not-indicated"
