@oncology
Feature: Colorectal cancer: mismatch-repair status changes the treatment
  dMMR/MSI-H metastatic colorectal cancer starts with an immune checkpoint inhibitor
  (KEYNOTE-177), and stage II dMMR/MSI-H colon cancer is spared fluoropyrimidine-only
  adjuvant chemotherapy, which does not help it (Sargent 2010; ASCO 2022).

  Scenario: MSI-high metastatic colorectal cancer starts with pembrolizumab
    Given a patient "crc-msi-metastatic"
    And the patient is a 58-year-old male
    And the patient's facts include:
      """
      cancer:
        - {type: colorectal, stage: IVA, msi_status: high}
      """
    When the care plan is generated
    Then the assessment "mismatch-repair" is "deficient (dMMR/MSI-H)"
    And the plan recommends "start" for "pembrolizumab"
    And the recommendation "oncology.crc-dmmr-metastatic-immunotherapy" mentions "KEYNOTE-177"
    And the plan has no recommendation "oncology.crc-stage2-dmmr-no-fluoropyrimidine"

  Scenario: Stage II dMMR colon cancer: fluoropyrimidine-only adjuvant chemotherapy is not indicated
    Given a patient "crc-stage2-dmmr"
    And the patient is a 71-year-old female
    And the patient's facts include:
      """
      cancer:
        - {type: colon, stage: IIA, mmr_status: deficient}
      """
    When the care plan is generated
    Then the recommendation "oncology.crc-stage2-dmmr-no-fluoropyrimidine" has action "not-indicated"
    And the recommendation "oncology.crc-stage2-dmmr-no-fluoropyrimidine" mentions "fluoropyrimidine-only"
    And the recommendation "oncology.crc-stage2-dmmr-no-fluoropyrimidine" cites "ASCO" and has strength "strong"
    And the plan has no recommendation for "pembrolizumab"

  Scenario: Stage II microsatellite-stable colon cancer gets neither rule
    Given a patient "crc-stage2-mss"
    And the patient's facts include:
      """
      cancer:
        - {type: colon, stage: IIA, msi_status: stable, mmr_status: proficient}
      """
    When the care plan is generated
    Then the plan has no assessment "mismatch-repair"
    And the plan has no "oncology" recommendations
    And the plan has no data gaps

  Scenario: Metastatic colorectal cancer without an MMR or MSI result asks for one
    Given a patient "crc-no-mmr"
    And the patient's facts include:
      """
      cancer:
        - {type: CRC, stage: IV}
      """
    When the care plan is generated
    Then the plan has a data gap suggesting "MMR immunohistochemistry or MSI testing"
    And the plan has no recommendation for "pembrolizumab"

  Scenario: Capecitabine planned alone for stage II dMMR colon cancer raises a caution
    Given a patient "crc-capecitabine"
    And the patient's facts include:
      """
      cancer:
        - {type: colon, stage: IIA, msi_status: high}
      """
    And the patient has "capecitabine" planned for "colon cancer"
    When the care plan is generated
    Then the plan has a caution mentioning "fluoropyrimidine-only adjuvant chemotherapy is not recommended"
    And the plan has no urgent warning
