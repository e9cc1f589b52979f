@hereditary
Feature: Lynch syndrome: testing criteria and carrier management (NCCN)
  Colorectal or endometrial cancer before 50 in a first-degree relative, two Lynch-related cancers on
  one side with one before 50, three on one side at any age (Amsterdam II-like clustering), a known
  familial variant, or the patient's own mismatch-repair deficient tumour lead to a referral for
  Lynch syndrome testing. Carriers (MLH1, MSH2, MSH6, PMS2, EPCAM) get colonoscopy from a
  gene-specific age, a discussion of hysterectomy and salpingo-oophorectomy for women, and a
  discussion of aspirin.

  Scenario: A father's colon cancer at 46 meets the Lynch criteria
    Given a patient "lynch-father-46"
    And the patient is a 30-year-old male
    And the patient's facts include:
      """
      family_history:
        - {relative: father, condition: colon cancer, age_at_diagnosis: 46}
      """
    When the care plan is generated
    Then the plan has a "referral" recommendation "hereditary.refer-lynch"
    And the recommendation "hereditary.refer-lynch" mentions "colorectal or endometrial cancer before age 50 in a first-degree relative (father)"
    And the assessment "cancer-risk" is "Lynch syndrome criteria met"
    And the plan has a goal mentioning "genetic counselling"

  Scenario: Three Lynch-related cancers on the father's side (Amsterdam II-like) meet the criteria at any age
    Given a patient "lynch-cluster"
    And the patient is a 41-year-old female
    And the patient's facts include:
      """
      family_history:
        - {relative: father, condition: colorectal cancer, age_at_diagnosis: 58}
        - {relative: paternal aunt, condition: endometrial cancer, age_at_diagnosis: 61}
        - {relative: paternal grandfather, condition: colon cancer, age_at_diagnosis: 66}
      """
    When the care plan is generated
    Then the plan has a "referral" recommendation "hereditary.refer-lynch"
    And the recommendation "hereditary.refer-lynch" is explained by the rule "hereditary.lynch-three-relatives"

  Scenario: A father's colon cancer at 68 alone is below the criteria: estimate the risk with PREMM5
    Given a patient "lynch-father-68"
    And the patient is a 45-year-old male
    And the patient's facts include:
      """
      family_history:
        - {relative: father, condition: colon cancer, age_at_diagnosis: 68}
      """
    When the care plan is generated
    Then the plan has no recommendation "hereditary.refer-lynch"
    And the recommendation "hereditary.lynch-risk-model" has action "consider"
    And the recommendation "hereditary.lynch-risk-model" mentions "PREMM5"

  Scenario: A father's colon cancer with no age at diagnosis is a data gap
    Given a patient "lynch-no-age"
    And the patient is a 45-year-old male
    And the patient's facts include:
      """
      family_history:
        - {relative: father, condition: colon cancer}
      """
    When the care plan is generated
    Then the plan has a data gap mentioning "before 50 it meets the NCCN criteria for Lynch syndrome"
    And the plan has no recommendation "hereditary.refer-lynch"

  Scenario: The patient's own MSI-high colon cancer meets the Lynch testing criteria
    Given a patient "lynch-own-msi"
    And the patient is a 66-year-old male
    And the patient's facts include:
      """
      cancer:
        - {type: colon, stage: III, msi_status: high}
      """
    When the care plan is generated
    Then the plan has a "referral" recommendation "hereditary.refer-lynch"
    And the recommendation "hereditary.refer-lynch" mentions "MLH1 promoter hypermethylation"

  Scenario: The example MSH2 carrier gets colonoscopy, gynaecologic risk reduction and aspirin to discuss
    Given the patient from "examples/hereditary-lynch.yaml"
    When the care plan is generated
    Then the assessment "cancer-risk" for "MSH2" is "MSH2 carrier (Lynch syndrome)"
    And the recommendation "hereditary.lynch-colonoscopy" has action "test"
    And the recommendation "hereditary.lynch-colonoscopy" mentions "every 1 to 2 years"
    And the follow-up interval is 365 days
    And the plan has a "referral" recommendation "hereditary.lynch-gynecologic"
    And the recommendation "hereditary.lynch-gynecologic" mentions "hysterectomy with bilateral salpingo-oophorectomy"
    And the plan recommends "consider" for "aspirin"
    And the plan has no recommendation "hereditary.refer-lynch"

  Scenario Outline: A <age>-year-old <gene> carrier: colonoscopy is "<action>"
    Given a patient "lynch-outline"
    And the patient is a <age>-year-old male
    And the patient has these genotypes:
      | gene   | result   |
      | <gene> | positive |
    When the care plan is generated
    Then the recommendation "hereditary.lynch-colonoscopy" has action "<action>"
    And the recommendation "hereditary.lynch-colonoscopy" mentions "<start>"
    And the plan has no recommendation "hereditary.lynch-gynecologic"

    Examples:
      | gene  | age | action  | start    |
      | MLH1  | 22  | test    | 20 to 25 |
      | EPCAM | 18  | monitor | 20 to 25 |
      | MSH6  | 28  | monitor | 30 to 35 |
      | PMS2  | 40  | test    | 30 to 35 |

  Scenario: A PMS2 carrier may reasonably decline oophorectomy
    Given a patient "lynch-pms2"
    And the patient is a 42-year-old female
    And the patient has these genotypes:
      | gene | result   |
      | PMS2 | positive |
    When the care plan is generated
    Then the recommendation "hereditary.lynch-gynecologic" mentions "may reasonably decline it"
    And the follow-up interval is 730 days

  Scenario: No aspirin suggestion for a carrier allergic to aspirin
    Given a patient "lynch-aspirin-allergy"
    And the patient is a 50-year-old male
    And the patient has these genotypes:
      | gene | result   |
      | MLH1 | positive |
    And the patient is allergic to "aspirin"
    When the care plan is generated
    Then the plan has no recommendation for "aspirin"
    And the plan has a "screening" recommendation "hereditary.lynch-colonoscopy"
