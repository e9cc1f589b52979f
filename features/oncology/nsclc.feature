@oncology
Feature: Stage IV non-small cell lung cancer: biomarkers first, then the therapy they point to
  First-line therapy of metastatic NSCLC waits for the full biomarker panel (ASCO living
  guideline, NCCN). A driver with a first-line targeted therapy (EGFR exon 19 deletion or
  L858R, ALK, ROS1, BRAF V600E, MET exon 14 skipping, RET, NTRK) is treated with it, and
  immunotherapy alone is not offered whatever the PD-L1; KRAS G12C inhibitors are
  subsequent-line; with no driver, PD-L1 50% or more means a checkpoint inhibitor alone.

  Scenario: The example patient: PD-L1 80% but the panel is pending, so no immunotherapy yet
    Given the patient from "examples/oncology-lung.yaml"
    When the care plan is generated
    Then the plan has a "testing" recommendation "oncology.nsclc-biomarkers-pending"
    And the recommendation "oncology.nsclc-biomarkers-pending" has action "test"
    And the recommendation "oncology.nsclc-no-immunotherapy-before-results" has action "not-indicated"
    And the recommendation "oncology.nsclc-no-immunotherapy-before-results" mentions "pneumonitis"
    And the plan has no recommendation "oncology.nsclc-pdl1-high-immunotherapy"
    And the plan has no recommendation for "pembrolizumab"
    And the follow-up interval is 14 days

  Scenario Outline: <gene> <variant> in stage IV NSCLC is treated first with <drug>
    Given a patient "nsclc-<gene>"
    And the patient is a 62-year-old female
    And the patient's facts include:
      """
      cancer:
        - type: non-small cell lung
          stage: IVB
          biomarker_testing: complete
          pd_l1_tps_percent: 5
          somatic_variants: [{gene: <gene>, variant: <variant>}]
      """
    When the care plan is generated
    Then the plan recommends "start" for "<drug>"
    And the recommendation "oncology.nsclc-first-line-targeted[<gene>,<key>]" is explained by the rule "oncology.nsclc-first-line-targeted"
    And the plan has no recommendation "oncology.nsclc-pdl1-low-chemoimmunotherapy"

    Examples:
      | gene  | variant           | key               | drug          |
      | EGFR  | exon 19 deletion  | exon 19 deletion  | osimertinib   |
      | EGFR  | L858R             | L858R             | osimertinib   |
      | ALK   | fusion            | fusion            | alectinib     |
      | ROS1  | fusion            | fusion            | entrectinib   |
      | BRAF  | V600E             | V600E             | dabrafenib    |
      | MET   | exon 14 skipping  | exon 14 skipping  | capmatinib    |
      | RET   | fusion            | fusion            | selpercatinib |
      | NTRK1 | fusion            | fusion            | larotrectinib |

  Scenario: EGFR L858R with PD-L1 90%: osimertinib, and immunotherapy alone is not indicated
    Given a patient "nsclc-egfr-high-pdl1"
    And the patient's facts include:
      """
      cancer:
        - type: NSCLC
          stage: IV
          biomarker_testing: complete
          pd_l1_tps_percent: 90
          somatic_variants: [{gene: EGFR, variant: p.L858R}]
      """
    When the care plan is generated
    Then the plan recommends "start" for "osimertinib" with alternatives "afatinib, dacomitinib, erlotinib, gefitinib"
    And the recommendation "oncology.nsclc-no-immunotherapy-with-driver" has action "not-indicated"
    And the recommendation "oncology.nsclc-no-immunotherapy-with-driver" mentions "regardless of PD-L1"
    And the plan has no recommendation "oncology.nsclc-pdl1-high-immunotherapy"

  Scenario: KRAS G12C with PD-L1 60%: first-line pembrolizumab; the KRAS inhibitor waits for progression
    Given a patient "nsclc-kras"
    And the patient's facts include:
      """
      cancer:
        - type: non-small cell lung
          stage: IVA
          biomarker_testing: complete
          pd_l1_tps_percent: 60
          somatic_variants: [{gene: KRAS, variant: G12C}]
      """
    When the care plan is generated
    Then the plan recommends "start" for "pembrolizumab" with alternatives "atezolizumab, cemiplimab"
    And the plan recommends "consider" for "sotorasib"
    And the recommendation "oncology.nsclc-kras-g12c" mentions "not a first-line option"
    And the plan has no recommendation "oncology.nsclc-no-immunotherapy-with-driver"

  Scenario: No driver and PD-L1 20%: chemotherapy with a checkpoint inhibitor
    Given a patient "nsclc-pdl1-low"
    And the patient's facts include:
      """
      cancer:
        - {type: non-small cell lung, stage: IVA, biomarker_testing: complete, pd_l1_tps_percent: 20}
      """
    When the care plan is generated
    Then the recommendation "oncology.nsclc-pdl1-low-chemoimmunotherapy" has action "start"
    And the plan has no recommendation "oncology.nsclc-pdl1-high-immunotherapy"

  Scenario: A patient who declines immunotherapy gets it as a shared decision with the options
    Given a patient "nsclc-declines"
    And the patient's facts include:
      """
      cancer:
        - {type: non-small cell lung, stage: IV, biomarker_testing: complete, pd_l1_tps_percent: 75}
      """
    And the patient declines "immunotherapy"
    When the care plan is generated
    Then the recommendation "oncology.nsclc-pdl1-high-immunotherapy" is a shared decision because the patient declines "immunotherapy"

  Scenario: Stage IV NSCLC with no biomarker record is a data gap
    Given a patient "nsclc-unknown"
    And the patient's facts include:
      """
      cancer:
        - {type: non-small cell lung, stage: IV}
      """
    When the care plan is generated
    Then the plan has a data gap mentioning "no biomarker results recorded"
    And the plan has no "oncology" recommendations
