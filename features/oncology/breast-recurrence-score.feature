@oncology
Feature: Early breast cancer: the Oncotype DX recurrence score spares chemotherapy that would not help
  For an early (stage I-II), ER- or PR-positive, HER2-negative, node-negative breast cancer,
  ASCO 2022 (Andre et al.) reads the 21-gene recurrence score by age and menopausal status
  (TAILORx): over 50 or postmenopausal, a score of 0-25 means endocrine therapy alone and 26 or
  more chemotherapy then endocrine therapy; 50 or younger or premenopausal, 0-15 endocrine therapy
  alone, 16-25 a shared decision, 26 or more chemotherapy then endocrine therapy.

  Scenario: The example patient, postmenopausal with a score of 12, is spared chemotherapy
    Given the patient from "examples/oncology-breast.yaml"
    When the care plan is generated
    Then the assessment "recurrence-risk" is "low"
    And the plan has a "oncology" recommendation "oncology.breast-chemo-not-indicated"
    And the recommendation "oncology.breast-chemo-not-indicated" has action "not-indicated"
    And the recommendation "oncology.breast-chemo-not-indicated" mentions "TAILORx"
    And the recommendation "oncology.breast-chemo-not-indicated" cites "ASCO" and has strength "strong"
    And the recommendation "oncology.breast-endocrine-therapy" has action "start"
    And the plan has a goal mentioning "endocrine therapy"
    And the plan has no recommendation "oncology.breast-chemo-indicated"
    And the plan has no data gaps

  Scenario Outline: A recurrence score of <score> at <age> (<status>menopausal) is <band>: <decision>
    Given a patient "rs-<age>-<score>"
    And the patient is a <age>-year-old female
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: IA, er: positive, pr: positive, her2: negative, nodes_positive: 0,
           menopausal_status: <status>, oncotype_dx_recurrence_score: <score>}
      """
    When the care plan is generated
    Then the assessment "recurrence-risk" is "<band>"
    And the plan has a "oncology" recommendation "<recommendation>"
    And the recommendation "<recommendation>" has action "<action>"
    And the recommendation "<recommendation>" is explained by the rule "oncology.breast-recurrence-risk"

    Examples:
      | age | status | score | band         | decision                  | recommendation                      | action        |
      | 63  | post   | 12    | low          | no chemotherapy           | oncology.breast-chemo-not-indicated | not-indicated |
      | 63  | post   | 25    | low          | no chemotherapy           | oncology.breast-chemo-not-indicated | not-indicated |
      | 63  | post   | 26    | high         | chemotherapy              | oncology.breast-chemo-indicated     | start         |
      | 44  | pre    | 15    | low          | no chemotherapy           | oncology.breast-chemo-not-indicated | not-indicated |
      | 44  | pre    | 16    | intermediate | shared decision           | oncology.breast-chemo-shared-decision | consider    |
      | 44  | pre    | 25    | intermediate | shared decision           | oncology.breast-chemo-shared-decision | consider    |
      | 44  | pre    | 31    | high         | chemotherapy              | oncology.breast-chemo-indicated     | start         |
      | 55  | pre    | 20    | intermediate | shared decision           | oncology.breast-chemo-shared-decision | consider    |
      | 48  | post   | 20    | intermediate | shared decision           | oncology.breast-chemo-shared-decision | consider    |
      | 52  | peri   | 14    | low          | no chemotherapy           | oncology.breast-chemo-not-indicated | not-indicated |

  Scenario: A premenopausal woman with a score of 20 who declines chemotherapy gets a documented shared decision
    Given a patient "rs-declines"
    And the patient is a 44-year-old female
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: I, er: positive, pr: positive, her2: negative, nodes_positive: 0,
           menopausal_status: pre, oncotype_dx_recurrence_score: 20}
      """
    And the patient declines "chemotherapy"
    When the care plan is generated
    Then the recommendation "oncology.breast-chemo-shared-decision" is a shared decision because the patient declines "chemotherapy"
    And the recommendation "oncology.breast-chemo-shared-decision" mentions "ovarian function suppression"
    And the recommendation "oncology.breast-chemo-shared-decision" has strength "moderate"
    And the recommendation "oncology.breast-endocrine-therapy" is not a shared decision

  Scenario: Declining chemotherapy at a score of 31 keeps the recommendation, as a shared decision
    Given a patient "rs-high-declines"
    And the patient is a 66-year-old female
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: IIA, er: positive, pr: negative, her2: negative, nodes_positive: 0,
           menopausal_status: post, oncotype_dx_recurrence_score: 31}
      """
    And the patient declines "chemotherapy"
    When the care plan is generated
    Then the assessment "recurrence-risk" is "high"
    And the recommendation "oncology.breast-chemo-indicated" has action "start"
    And the recommendation "oncology.breast-chemo-indicated" is a shared decision because the patient declines "chemotherapy"

  Scenario: No recurrence score for an eligible tumour is a data gap, not a guess
    Given a patient "rs-missing"
    And the patient is a 58-year-old female
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: IA, er: positive, pr: positive, her2: negative, nodes_positive: 0,
           menopausal_status: post, tumour_size_mm: 16}
      """
    When the care plan is generated
    Then the plan has a data gap suggesting "Oncotype DX 21-gene recurrence score"
    And the plan has no assessment "recurrence-risk"
    And the plan has no recommendation "oncology.breast-chemo-not-indicated"
    And the plan has no recommendation "oncology.breast-chemo-indicated"
    And the recommendation "oncology.breast-endocrine-therapy" has action "start"

  Scenario: A score without age or menopausal status cannot be read
    Given a patient "rs-no-age"
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: I, er: positive, pr: positive, her2: negative, nodes_positive: 0,
           oncotype_dx_recurrence_score: 20}
      """
    When the care plan is generated
    Then the plan has a data gap mentioning "menopausal status"
    And the plan has no assessment "recurrence-risk"

  Scenario: Node-positive disease is outside the node-negative recurrence-score rules
    Given a patient "rs-node-positive"
    And the patient is a 61-year-old female
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: IIA, er: positive, pr: positive, her2: negative, nodes_positive: 2,
           menopausal_status: post, oncotype_dx_recurrence_score: 12}
      """
    When the care plan is generated
    Then the rule "oncology.breast-rs-candidate" did not fire
    And the plan has no assessment "recurrence-risk"
    And the recommendation "oncology.breast-endocrine-therapy" has action "start"

  Scenario: A patient already taking an aromatase inhibitor is not told to start one
    Given the patient from "examples/oncology-breast.yaml"
    And the patient takes "anastrozole"
    When the care plan is generated
    Then the plan has no recommendation "oncology.breast-endocrine-therapy"
    And the plan has a "oncology" recommendation "oncology.breast-chemo-not-indicated"
