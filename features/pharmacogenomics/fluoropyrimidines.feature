@pharmacogenomics
Feature: Fluorouracil and capecitabine guided by DPYD (CPIC 2017, 2024 update)
  Looked up by the DPYD activity score: 2 is the labelled dose, 1 or 1.5 half the starting dose,
  0.5 or 0 avoid fluorouracil and its prodrugs.

  Scenario Outline: DPYD <diplotype> (activity score <score>) decides <drug>
    Given a patient "dpyd-drug-outline"
    And the patient's DPYD diplotype is "<diplotype>"
    And the patient has "<drug>" planned for "colorectal cancer"
    When the care plan is generated
    Then the activity score for "DPYD" is <score>
    And the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" has strength "<strength>"

    Examples:
      | drug         | diplotype                           | score | action        | strength |
      | capecitabine | Reference/Reference                 | 2     | standard-dose | strong   |
      | capecitabine | Reference/c.2846A>T                 | 1.5   | reduce-dose   | moderate |
      | capecitabine | Reference/c.1905+1G>A (*2A)         | 1     | reduce-dose   | strong   |
      | fluorouracil | c.1679T>G (*13)/c.2846A>T           | 0.5   | avoid         | strong   |
      | fluorouracil | c.1905+1G>A (*2A)/c.1905+1G>A (*2A) | 0     | avoid         | strong   |

  Scenario: An intermediate metabolizer starts capecitabine at half the dose
    Given a patient "capecitabine-im"
    And the patient's DPYD diplotype is "Reference/c.1905+1G>A (*2A)"
    And the patient has "capecitabine" planned for "breast cancer"
    When the care plan is generated
    Then the plan recommends "reduce-dose" for "capecitabine" with no alternatives
    And the recommendation "pgx.capecitabine" mentions "half the usual dose"
