@hypertension
Feature: Blood pressure and lifestyle (AHA/ACC 2025): Patient A
  Patient A (examples/patient-a.yaml) is 52, has stage 1 hypertension, a BMI of about 29, little
  activity (30 min/week), a salty diet (3800 mg sodium/day), few fruit and vegetables and low
  stress. The plan should be lifestyle-first.

  Scenario: Patient A has stage 1 hypertension and is overweight
    Given the patient from "examples/patient-a.yaml"
    When the care plan is generated
    Then the assessment "bp-category" is "stage 1 hypertension"
    And the assessment "bmi-category" is "overweight"
    And the plan has no urgent warning

  Scenario: Patient A gets a lifestyle-first plan
    Given the patient from "examples/patient-a.yaml"
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.dash-diet"
    And the plan has a "lifestyle" recommendation "lifestyle.sodium-reduction"
    And the plan has a "lifestyle" recommendation "lifestyle.physical-activity"
    And the plan has a "lifestyle" recommendation "lifestyle.weight-loss"
    And the plan has no recommendation "lifestyle.smoking-cessation"
    And the plan has no recommendation "lifestyle.alcohol-reduction"

  Scenario: Patient A's low stress needs no stress plan
    Given the patient from "examples/patient-a.yaml"
    When the care plan is generated
    Then the plan has no recommendation "stress.stress-reduction"
    And the plan has no "stress" recommendations

  Scenario: Patient A has a sodium goal and is seen again in 90 days
    Given the patient from "examples/patient-a.yaml"
    When the care plan is generated
    Then the plan has a goal mentioning "sodium"
    And the follow-up interval is 90 days

  Scenario Outline: One office reading of <systolic>/<diastolic> mmHg is "<category>"
    Given a patient "bp-outline"
    And the patient is a 50-year-old female
    And the patient's blood pressure is <systolic>/<diastolic>
    When the care plan is generated
    Then the assessment "bp-category" is "<category>"

    Examples:
      | systolic | diastolic | category             |
      | 112      | 72        | normal               |
      | 124      | 76        | elevated             |
      | 134      | 78        | stage 1 hypertension |
      | 152      | 96        | stage 2 hypertension |

  Scenario: The office readings give the category; home readings are never averaged in
    # AHA/ACC 2025 Table 7 (2017's Table 11 values): office and home values have their own thresholds. The
    # mean of all four readings (142/90) would be stage 2; the office mean (138/88) is stage 1.
    Given a patient "bp-mean"
    And the patient has these blood pressure readings:
      | systolic | diastolic | setting | date       |
      | 136      | 86        | office  | 2026-10-01 |
      | 140      | 90        | office  | 2026-10-08 |
      | 146      | 92        | home    | 2026-10-15 |
      | 146      | 92        | home    | 2026-10-16 |
    When the care plan is generated
    Then the assessment "bp-category" is "stage 1 hypertension"

  Scenario: Severe hypertension (above 180/120) is an urgent warning
    Given a patient "bp-crisis"
    And the patient is 67 years old
    And the patient has these blood pressure readings:
      | systolic | diastolic | setting |
      | 186      | 124       | office  |
      | 190      | 122       | office  |
    When the care plan is generated
    Then the assessment "bp-category" is "hypertensive crisis"
    And the plan has a warning mentioning "severe hypertension"
    And the plan has an urgent warning

  Scenario: Normal blood pressure and a healthy lifestyle need no lifestyle advice
    Given a patient "healthy"
    And the patient is a 40-year-old female
    And the patient's blood pressure is 112/72
    And the patient is 168 cm tall and weighs 60 kg
    And the patient's lifestyle:
      | field                              | value |
      | smoking                            | never |
      | alcohol_drinks_per_week            | 1     |
      | activity_minutes_per_week          | 200   |
      | resistance_training_days_per_week  | 2     |
      | sodium_mg_per_day                  | 1400  |
      | potassium_mg_per_day               | 4000  |
      | fruit_vegetable_servings_per_day   | 8     |
      | sleep_hours                        | 7.5   |
    When the care plan is generated
    Then the assessment "bp-category" is "normal"
    And the assessment "bmi-category" is "normal weight"
    And the plan has no "lifestyle" recommendations
    And the plan has no warnings

  Scenario: A smoker who drinks heavily is advised on both
    Given a patient "smoker"
    And the patient is a 55-year-old male
    And the patient's blood pressure is 136/84
    And the patient's lifestyle:
      | field                   | value   |
      | smoking                 | current |
      | alcohol_drinks_per_week | 21      |
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.smoking-cessation"
    And the plan has a "lifestyle" recommendation "lifestyle.alcohol-reduction"

  Scenario: Obesity is assessed from an adult's height and weight
    Given a patient "bmi-obese"
    And the patient is 45 years old
    And the patient's height is 170 cm
    And the patient's weight is 105 kg
    When the care plan is generated
    Then the assessment "bmi-category" is "obesity"

  Scenario: Pregnancy replaces the general first-line choice, and the plan says why
    Given a patient "pregnant-stage-2"
    And the patient is a 31-year-old female
    And the patient is pregnant
    And the patient's blood pressure is 152/96
    When the care plan is generated
    Then the plan has a "medication" recommendation "bp.pregnancy-medicine"
    And the recommendation "bp.pregnancy-medicine" mentions "labetalol"
    And "bp.start-first-line-medicine" is suppressed by "bp.pregnancy-medicine"
    And the plan has no recommendation "bp.start-first-line-medicine"

  Scenario: Stage 2 hypertension outside pregnancy starts two first-line medicines
    Given a patient "stage-2"
    And the patient is a 58-year-old male
    And the patient's blood pressure is 156/98
    When the care plan is generated
    Then the plan has a "medication" recommendation "bp.start-first-line-medicine"
    And the plan suppresses nothing
    And the follow-up interval is 30 days
