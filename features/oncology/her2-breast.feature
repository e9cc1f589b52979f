@oncology
Feature: HER2-positive breast cancer gets HER2-directed therapy matched to its risk
  Trastuzumab-based therapy for HER2-positive early breast cancer that is node-positive or
  larger than 1 cm; pertuzumab added only for node-positive disease (APHINITY, ASCO 2018); a
  lighter, considered regimen for node-negative tumours of 1 cm or less (APT, NCCN); and
  pertuzumab, trastuzumab and a taxane first line for metastatic disease (CLEOPATRA).

  Scenario: Node-positive HER2-positive breast cancer: trastuzumab with chemotherapy, and pertuzumab
    Given a patient "her2-node-positive"
    And the patient is a 51-year-old female
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: IIB, er: negative, pr: negative, her2: positive, nodes_positive: 2,
           tumour_size_mm: 28}
      """
    When the care plan is generated
    Then the plan recommends "start" for "trastuzumab"
    And the plan recommends "consider" for "pertuzumab"
    And the recommendation "oncology.breast-her2-pertuzumab" mentions "node-positive"
    And the plan has no recommendation "oncology.breast-endocrine-therapy"
    And the plan has no recommendation "oncology.breast-her2-small-node-negative"

  Scenario: A HER2-positive node-negative tumour of 8 mm is offered the lighter regimen, without pertuzumab
    Given a patient "her2-small"
    And the patient is a 60-year-old female
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: IA, er: positive, pr: positive, her2: positive, nodes_positive: 0,
           tumour_size_mm: 8, menopausal_status: post}
      """
    When the care plan is generated
    Then the plan recommends "consider" for "trastuzumab"
    And the recommendation "oncology.breast-her2-small-node-negative" mentions "paclitaxel"
    And the plan has no recommendation for "pertuzumab"
    And the plan has no recommendation "oncology.breast-her2-trastuzumab"
    And the recommendation "oncology.breast-endocrine-therapy" has action "start"
    And the rule "oncology.breast-rs-candidate" did not fire

  Scenario: Metastatic HER2-positive breast cancer starts with dual HER2 blockade and a taxane
    Given a patient "her2-metastatic"
    And the patient is a 57-year-old female
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: IV, er: negative, pr: negative, her2: positive}
      """
    When the care plan is generated
    Then the plan recommends "start" for "trastuzumab"
    And the recommendation "oncology.breast-her2-metastatic" mentions "pertuzumab"
    And the recommendation "oncology.breast-her2-metastatic" cites "NCCN / CLEOPATRA" and has strength "strong"
    And the plan has no recommendation "oncology.breast-her2-pertuzumab"

  Scenario: Stage I HER2-positive node-negative disease without a tumour size is a data gap
    Given a patient "her2-no-size"
    And the patient's facts include:
      """
      cancer:
        - {type: breast, stage: I, er: negative, pr: negative, her2: positive, nodes_positive: 0}
      """
    When the care plan is generated
    Then the plan has a data gap suggesting "pathological tumour size (mm)"
    And the plan has no recommendation for "trastuzumab"

  Scenario: A breast cancer without its receptor results asks for them
    Given a patient "breast-no-receptors"
    And the patient's facts include:
      """
      cancer:
        - {type: Breast cancer, stage: IIA}
      """
    When the care plan is generated
    Then the plan has a data gap mentioning "ER, PR and HER2"
    And the plan has no "oncology" recommendations
