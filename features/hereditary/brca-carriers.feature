@hereditary
Feature: BRCA1 and BRCA2 carriers (NCCN BRCA-positive management)
  A positive germline BRCA1 or BRCA2 result makes the patient a carrier: a "cancer-risk"
  assessment, post-test counselling with cascade testing of relatives, and screening chosen by age
  and sex. Women: breast awareness from 18, a clinical breast exam every 6-12 months from 25, a
  yearly breast MRI from 25 to 75 and a yearly mammogram from 30 to 75 (no mammogram before 30
  while MRI is available), individual decisions after 75; risk-reducing salpingo-oophorectomy at
  35-40 (BRCA1) or 40-45 (BRCA2); risk-reducing mastectomy as a shared decision. Men: breast exams
  from 35 and prostate screening from 40 (recommended for BRCA2, considered for BRCA1). Pancreatic
  screening only with pancreatic cancer in the family.

  Scenario: The example BRCA1 carrier gets the carrier plan, not a referral for testing
    Given the patient from "examples/hereditary-brca.yaml"
    When the care plan is generated
    Then the assessment "cancer-risk" for "BRCA1" is "BRCA1 carrier"
    And the plan has a "referral" recommendation "hereditary.carrier-counselling"
    And the recommendation "hereditary.carrier-counselling" mentions "cascade testing"
    And the plan has no recommendation "hereditary.refer-hboc"
    And these rules fired:
      | rule                              |
      | hereditary.brca-screening         |
      | hereditary.brca-breast-awareness  |
      | hereditary.brca-rrso-plan         |
      | hereditary.brca-rrm               |

  Scenario: A BRCA1 result is not a pharmacogenomic genotype
    Given the patient from "examples/hereditary-brca.yaml"
    When the care plan is generated
    Then the plan has no "medication" recommendations
    And the plan has no assessment "phenotype"
    And the plan has no warnings

  Scenario Outline: A <age>-year-old female BRCA1 carrier: <band>
    Given a patient "brca-age-band"
    And the patient is a <age>-year-old female
    And the patient has these genotypes:
      | gene  | result   |
      | BRCA1 | positive |
    When the care plan is generated
    Then the plan has a "screening" recommendation "<has>"
    And the plan has no recommendation "<has_not>"
    And the plan has a recommendation "<also>"

    Examples:
      | age | band                                   | has                                     | has_not                               | also                                    |
      | 20  | breast awareness only                  | hereditary.brca-breast-awareness        | hereditary.brca-breast-mri            | hereditary.brca-rrm                     |
      | 27  | yearly MRI, no mammogram yet           | hereditary.brca-breast-mri              | hereditary.brca-mammogram             | hereditary.brca-no-mammogram-before-30  |
      | 45  | yearly MRI and mammogram               | hereditary.brca-mammogram               | hereditary.brca-no-mammogram-before-30 | hereditary.brca-breast-mri             |
      | 80  | screening decided individually         | hereditary.brca-screening-after-75      | hereditary.brca-breast-mri            | hereditary.brca-clinical-breast-exam    |

  Scenario: A 27-year-old carrier is told why there is no mammogram yet
    Given a patient "brca-27"
    And the patient is a 27-year-old female
    And the patient has these genotypes:
      | gene  | result   |
      | BRCA1 | positive |
    When the care plan is generated
    Then the recommendation "hereditary.brca-no-mammogram-before-30" has action "not-indicated"
    And the recommendation "hereditary.brca-breast-mri" has action "test"
    And the follow-up interval is 180 days

  Scenario Outline: Risk-reducing salpingo-oophorectomy is due at <due_age> for a <gene> carrier
    Given a patient "brca-rrso"
    And the patient is a <age>-year-old female
    And the patient has these genotypes:
      | gene   | result   |
      | <gene> | positive |
    When the care plan is generated
    Then the recommendation "hereditary.brca-rrso" has action "<action>"
    And the recommendation "hereditary.brca-rrso" mentions "<window>"

    Examples:
      | gene  | age | due_age | action   | window   |
      | BRCA1 | 34  | 35      | consider | 35 to 40 |
      | BRCA1 | 36  | 35      | refer    | 35 to 40 |
      | BRCA2 | 38  | 40      | consider | 40 to 45 |
      | BRCA2 | 41  | 40      | refer    | 40 to 45 |

  Scenario: Declining risk-reducing mastectomy makes it a documented shared decision
    Given a patient "brca-declines"
    And the patient is a 33-year-old female
    And the patient has these genotypes:
      | gene  | result   |
      | BRCA2 | positive |
    And the patient declines "risk-reducing mastectomy"
    When the care plan is generated
    And the plan is rendered as "md"
    Then the recommendation "hereditary.brca-rrm" has action "consider"
    And the document contains "The patient declines risk-reducing mastectomy"
    And the document contains "yearly breast MRI from 25"
    And the plan has a "screening" recommendation "hereditary.brca-breast-mri"

  Scenario: A bilateral mastectomy ends breast imaging and the mastectomy discussion
    Given a patient "brca-mastectomy"
    And the patient is a 45-year-old female
    And the patient has these genotypes:
      | gene  | result   |
      | BRCA1 | positive |
    And the patient has the condition "bilateral mastectomy"
    When the care plan is generated
    Then the plan has no recommendation "hereditary.brca-breast-mri"
    And the plan has no recommendation "hereditary.brca-mammogram"
    And the plan has no recommendation "hereditary.brca-rrm"
    And the plan has a recommendation "hereditary.brca-rrso"

  Scenario Outline: A 45-year-old male <gene> carrier: prostate screening is "<action>"
    Given a patient "brca-male"
    And the patient is a 45-year-old male
    And the patient has these genotypes:
      | gene   | result   |
      | <gene> | positive |
    When the care plan is generated
    Then the recommendation "hereditary.brca-prostate-screening" has action "<action>"
    And the plan has a "screening" recommendation "hereditary.brca-male-breast-exam"
    And the plan has no recommendation "hereditary.brca-rrso"
    And the plan has no recommendation "hereditary.brca-breast-mri"

    Examples:
      | gene  | action   |
      | BRCA2 | test     |
      | BRCA1 | consider |

  Scenario: Pancreatic screening is considered only with pancreatic cancer in the family
    Given a patient "brca-pancreas"
    And the patient is a 47-year-old male
    And the patient has these genotypes:
      | gene  | result   |
      | BRCA2 | positive |
    And the patient's facts include:
      """
      family_history:
        - {relative: father, condition: pancreatic cancer, age_at_diagnosis: 55}
      """
    When the care plan is generated
    Then the plan has a "screening" recommendation "hereditary.brca-pancreatic"
    And the recommendation "hereditary.brca-pancreatic" mentions "10 years before the earliest pancreatic cancer"

  Scenario: A carrier with no age or sex is asked for them
    Given a patient "brca-no-demographics"
    And the patient has these genotypes:
      | gene  | result   |
      | BRCA2 | positive |
    When the care plan is generated
    Then the plan has a data gap suggesting "demographics: age and sex"
    And the plan has no "screening" recommendations
