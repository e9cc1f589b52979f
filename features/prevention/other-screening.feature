@prevention
Feature: AAA, osteoporosis, diabetes, hepatitis C and HIV screening; familial colorectal risk
  One-time AAA ultrasound for men 65-75 who ever smoked (selective for men who never smoked; not for women
  who never smoked); bone density testing for women 65 and over; prediabetes and diabetes screening at 35-70
  with a BMI of 25 or more; hepatitis C once at 18-79; HIV at 15-65. A parent, sibling or child with
  colorectal cancer before 60 replaces average-risk colorectal screening with colonoscopy every 5 years.

  Scenario Outline: AAA screening for a <age>-year-old <sex> who is a <smoking> smoker
    Given a patient "aaa"
    And the patient is a <age>-year-old <sex>
    And the patient's smoking status is "<smoking>"
    When the care plan is generated
    Then <check>

    Examples:
      | age | sex    | smoking | check                                                                     |
      | 64  | male   | former  | the plan has no recommendation "prevention.aaa-screening"                |
      | 65  | male   | former  | the recommendation "prevention.aaa-screening" has action "test"          |
      | 75  | male   | current | the recommendation "prevention.aaa-screening" mentions "one-time"        |
      | 76  | male   | current | the plan has no recommendation "prevention.aaa-screening"                |
      | 70  | male   | never   | the recommendation "prevention.aaa-screening" has action "consider"      |
      | 70  | female | never   | the recommendation "prevention.aaa-screening" has action "not-indicated" |

  Scenario: A man of 70 without a smoking status is asked for it
    Given a patient "aaa-unknown"
    And the patient is a 70-year-old male
    When the care plan is generated
    Then the plan has a data gap mentioning "Smoking history not recorded"
    And the plan has no recommendation "prevention.aaa-screening"

  Scenario Outline: Bone density testing for a <age>-year-old <sex>
    Given a patient "bone"
    And the patient is a <age>-year-old <sex>
    When the care plan is generated
    Then <check>

    Examples:
      | age | sex    | check                                                                    |
      | 64  | female | the plan has no recommendation "prevention.osteoporosis-screening"      |
      | 65  | female | the recommendation "prevention.osteoporosis-screening" mentions "DXA"   |
      | 70  | male   | the plan has no recommendation "prevention.osteoporosis-screening"      |

  Scenario Outline: Diabetes screening at <age> with a BMI of <bmi>
    Given a patient "diabetes"
    And the patient is <age> years old
    And the patient is 200 cm tall and weighs <weight> kg
    When the care plan is generated
    Then the rule "prevention.diabetes-screening" <outcome>

    Examples:
      | age | weight | bmi  | outcome      |
      | 34  | 110    | 27.5 | did not fire |
      | 35  | 110    | 27.5 | fired        |
      | 70  | 110    | 27.5 | fired        |
      | 71  | 110    | 27.5 | did not fire |
      | 50  | 99.6   | 24.9 | did not fire |
      | 50  | 100    | 25   | fired        |

  Scenario: Without height and weight, diabetes screening is a data gap
    Given a patient "diabetes-no-bmi"
    And the patient is 50 years old
    When the care plan is generated
    Then the plan has a data gap suggesting "height and weight (BMI)"
    And the plan has no recommendation "prevention.diabetes-screening"

  Scenario: Known diabetes is not screened for
    Given a patient "diabetes-known"
    And the patient is 50 years old
    And the patient is 200 cm tall and weighs 110 kg
    And the patient has the condition "type 2 diabetes"
    When the care plan is generated
    Then the plan has no recommendation "prevention.diabetes-screening"
    And the plan has no data gap suggesting "height and weight (BMI)"

  Scenario Outline: Hepatitis C and HIV at <age>
    Given a patient "infections"
    And the patient is <age> years old
    When the care plan is generated
    Then <hcv>
    And <hiv>

    Examples:
      | age | hcv                                                                          | hiv                                                                  |
      | 14  | the plan has no recommendation "prevention.hepatitis-c-screening"           | the plan has no recommendation "prevention.hiv-screening"           |
      | 15  | the plan has no recommendation "prevention.hepatitis-c-screening"           | the recommendation "prevention.hiv-screening" has strength "strong" |
      | 18  | the recommendation "prevention.hepatitis-c-screening" mentions "once"       | the plan has a "screening" recommendation "prevention.hiv-screening" |
      | 65  | the plan has a "screening" recommendation "prevention.hepatitis-c-screening" | the plan has a "screening" recommendation "prevention.hiv-screening" |
      | 66  | the plan has a "screening" recommendation "prevention.hepatitis-c-screening" | the plan has no recommendation "prevention.hiv-screening"           |
      | 79  | the plan has a "screening" recommendation "prevention.hepatitis-c-screening" | the plan has no recommendation "prevention.hiv-screening"           |
      | 80  | the plan has no recommendation "prevention.hepatitis-c-screening"           | the plan has no recommendation "prevention.hiv-screening"           |

  Scenario: A father's colorectal cancer at 55 replaces average-risk screening at 50
    Given a patient "crc-familial"
    And the patient is a 50-year-old male
    And the patient's facts include:
      """
      family_history:
        - {relative: father, condition: colorectal cancer, age_at_diagnosis: 55}
      """
    When the care plan is generated
    Then the plan has a "screening" recommendation "prevention.colorectal-familial"
    And the recommendation "prevention.colorectal-familial" mentions "every 5 years"
    And "prevention.colorectal-screening" is suppressed by "prevention.colorectal-familial"
    And the plan has no recommendation "prevention.colorectal-screening"

  Scenario: A mother's colon cancer at 44 starts colonoscopy at 34
    Given a patient "crc-familial-34"
    And the patient is a 34-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: mother, condition: colon cancer, age_at_diagnosis: 44}
      """
    When the care plan is generated
    Then the plan has a "screening" recommendation "prevention.colorectal-familial"
    And the plan has a follow-up in 1826 days mentioning "Colonoscopy"

  Scenario: A father's colorectal cancer at 62 leaves average-risk screening in place
    Given a patient "crc-father-62"
    And the patient is a 50-year-old male
    And the patient's facts include:
      """
      family_history:
        - {relative: father, condition: colorectal cancer, age_at_diagnosis: 62}
      """
    When the care plan is generated
    Then the plan has no recommendation "prevention.colorectal-familial"
    And the plan has a "screening" recommendation "prevention.colorectal-screening"

  Scenario: A Lynch syndrome carrier's schedule replaces average-risk screening
    Given a patient "lynch-50"
    And the patient is a 50-year-old male
    And the patient has these genotypes:
      | gene | result   |
      | MLH1 | positive |
    When the care plan is generated
    Then "prevention.colorectal-screening" is suppressed by "prevention.colorectal-lynch"
    And the plan has a "screening" recommendation "hereditary.lynch-colonoscopy"
