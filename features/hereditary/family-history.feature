@hereditary
Feature: Hereditary cancer risk from the family history (NCCN testing criteria)
  A family history that meets an NCCN criterion for hereditary breast, ovarian, pancreatic and
  prostate cancer, or for Lynch syndrome, leads to a referral for genetic counselling and germline
  testing that names the criterion met, and to a "cancer-risk" assessment. Relatives are first-,
  second- or third-degree and belong to the mother's side, the father's side or both (siblings,
  children). A history below the criteria gets a risk-assessment suggestion at most; no family
  history gets nothing from this domain; a missing age that decides the criterion is asked for.

  Scenario: No family history of cancer and no germline result gives nothing from this domain
    Given a patient "fh-none"
    And the patient is a 34-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: father, condition: myocardial infarction, age_at_diagnosis: 58}
      """
    When the care plan is generated
    Then the plan has no "referral" recommendations
    And the rule "hereditary.brca-screening" did not fire
    And the rule "hereditary.lynch-colonoscopy" did not fire
    And the plan has no assessment "cancer-risk"
    And the rule "hereditary.family-cancer" did not fire
    And the rule "hereditary.carrier" did not fire

  Scenario: A mother's breast cancer at 41 meets the criteria for genetic counselling and testing
    Given a patient "fh-mother-41"
    And the patient is a 36-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: mother, condition: breast cancer, age_at_diagnosis: 41}
      """
    When the care plan is generated
    Then the plan has a "referral" recommendation "hereditary.refer-hboc"
    And the recommendation "hereditary.refer-hboc" has action "refer"
    And the recommendation "hereditary.refer-hboc" cites "NCCN" and has strength "strong"
    And the recommendation "hereditary.refer-hboc" mentions "breast cancer at age 50 or younger in a first- or second-degree relative (mother)"
    And the assessment "cancer-risk" is "hereditary breast/ovarian cancer criteria met"
    And the plan has no data gap suggesting "family history: age at diagnosis"

  Scenario Outline: The <relative>'s <condition> <verdict>
    Given a patient "fh-outline"
    And the patient is a 40-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: <relative>, condition: <condition>, age_at_diagnosis: <age>}
      """
    When the care plan is generated
    Then the rule "<rule>" <fired>

    Examples:
      | relative             | condition                     | age | rule                          | fired     | verdict                              |
      | maternal grandmother | ovarian cancer                | 67  | hereditary.hboc-ovarian       | fired     | meets the criteria at any age        |
      | first cousin         | ovarian cancer                | 67  | hereditary.hboc-ovarian       | did not fire | does not count in a third-degree relative |
      | brother              | male breast cancer            | 70  | hereditary.hboc-male-breast   | fired     | meets the criteria at any age        |
      | father               | pancreatic cancer             | 72  | hereditary.hboc-pancreatic    | fired     | meets the criteria in a parent       |
      | paternal uncle       | pancreatic cancer             | 72  | hereditary.hboc-pancreatic    | did not fire | needs a first-degree relative     |
      | father               | metastatic prostate cancer    | 69  | hereditary.hboc-prostate      | fired     | meets the criteria in a parent       |
      | father               | prostate cancer               | 69  | hereditary.hboc-prostate      | did not fire | does not count alone if not high-risk |
      | sister               | triple-negative breast cancer | 58  | hereditary.hboc-breast-features | fired   | meets the criteria at any age        |
      | mother               | breast cancer                 | 50  | hereditary.hboc-breast-50     | fired     | meets the criteria at 50             |
      | mother               | breast cancer                 | 51  | hereditary.hboc-breast-50     | did not fire | does not meet the age criterion at 51 |

  Scenario: Three breast or prostate cancers on the mother's side meet the criteria; two do not
    Given a patient "fh-cluster"
    And the patient is a 38-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: mother, condition: breast cancer, age_at_diagnosis: 63}
        - {relative: maternal aunt, condition: breast cancer, age_at_diagnosis: 68}
        - {relative: maternal grandfather, condition: prostate cancer, age_at_diagnosis: 74}
      """
    When the care plan is generated
    Then the plan has a "referral" recommendation "hereditary.refer-hboc"
    And the recommendation "hereditary.refer-hboc" is explained by the rule "hereditary.hboc-breast-prostate-cluster"
    And the plan has no recommendation "hereditary.hboc-risk-assessment"

  Scenario: Two breast cancers after 50 on the same side are below the criteria and call for a risk assessment
    Given a patient "fh-two"
    And the patient is a 38-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: mother, condition: breast cancer, age_at_diagnosis: 63}
        - {relative: maternal aunt, condition: breast cancer, age_at_diagnosis: 68}
      """
    When the care plan is generated
    Then the plan has no recommendation "hereditary.refer-hboc"
    And the plan has a "referral" recommendation "hereditary.hboc-risk-assessment"
    And the recommendation "hereditary.hboc-risk-assessment" has action "consider"
    And the recommendation "hereditary.hboc-risk-assessment" mentions "same side of the family"
    And the recommendation "hereditary.hboc-risk-assessment" cites "USPSTF"
    And the plan has no assessment "cancer-risk"

  Scenario: A mother's breast cancer with no age at diagnosis is a data gap, not a guess
    Given a patient "fh-no-age"
    And the patient is a 36-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: mother, condition: breast cancer}
      """
    When the care plan is generated
    Then the plan has a data gap mentioning "Age at diagnosis of the mother's breast cancer"
    And the plan has a data gap suggesting "family history: age at diagnosis"
    And the plan has no recommendation "hereditary.refer-hboc"

  Scenario: The missing age does not matter when another criterion is met
    Given a patient "fh-no-age-ovarian"
    And the patient is a 36-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: mother, condition: breast cancer}
        - {relative: maternal grandmother, condition: ovarian cancer, age_at_diagnosis: 61}
      """
    When the care plan is generated
    Then the plan has a "referral" recommendation "hereditary.refer-hboc"
    And the plan has no data gap suggesting "family history: age at diagnosis"

  Scenario: A relative's breast cancer after 50 with a pancreatic cancer on the same side meets the criteria
    Given a patient "fh-breast-pancreas"
    And the patient is a 44-year-old male
    And the patient's facts include:
      """
      family_history:
        - {relative: mother, condition: breast cancer, age_at_diagnosis: 62}
        - {relative: maternal grandfather, condition: pancreatic cancer, age_at_diagnosis: 70}
      """
    When the care plan is generated
    Then the plan has a "referral" recommendation "hereditary.refer-hboc"
    And the recommendation "hereditary.refer-hboc" is explained by the rule "hereditary.hboc-breast-with-close-relative"

  Scenario: A sister's known BRCA2 variant calls for testing for the familial variant
    Given a patient "fh-familial-variant"
    And the patient is a 29-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: sister, condition: BRCA2 mutation}
      """
    When the care plan is generated
    Then the plan has a "referral" recommendation "hereditary.refer-hboc"
    And the recommendation "hereditary.refer-hboc" mentions "test for the familial variant"

  Scenario: A relationship the rules cannot read is asked about
    Given a patient "fh-unknown-relative"
    And the patient is a 36-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: mom's sister, condition: ovarian cancer, age_at_diagnosis: 45}
      """
    When the care plan is generated
    Then the plan has a data gap suggesting "family history: relationship and side of the family"
    And the plan has no recommendation "hereditary.refer-hboc"

  Scenario: The patient's own triple-negative breast cancer meets the criteria at any age
    Given a patient "fh-own-tnbc"
    And the patient is a 63-year-old female
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: IIA, er: negative, pr: negative, her2: negative}
      """
    When the care plan is generated
    Then the plan has a "referral" recommendation "hereditary.refer-hboc"
    And the recommendation "hereditary.refer-hboc" mentions "the patient's own triple-negative breast cancer (self)"
