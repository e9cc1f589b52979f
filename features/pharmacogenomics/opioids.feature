@pharmacogenomics
Feature: Codeine, tramadol and ondansetron guided by CYP2D6 (CPIC 2021 opioids, 2017 antiemetics)
  Codeine and tramadol need CYP2D6 to form their active opioid. Ultrarapid metabolizers form too
  much (toxicity), poor metabolizers too little (no analgesia): both avoid the drug, and the other
  of the two is not a safe substitute. Ondansetron is cleared by CYP2D6, so ultrarapid
  metabolizers are offered granisetron. Recommendations are looked up by the activity score.

  Scenario Outline: CYP2D6 <diplotype> (activity score <score>) decides <drug>
    Given a patient "opioid-outline"
    And the patient's CYP2D6 diplotype is "<diplotype>"
    And the patient has "<drug>" planned for "post-operative pain"
    When the care plan is generated
    Then the activity score for "CYP2D6" is <score>
    And the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" has strength "<strength>"

    Examples:
      | drug     | diplotype  | score | action        | strength |
      | codeine  | *1/*1      | 2     | standard-dose | strong   |
      | codeine  | *1/*4      | 1     | standard-dose | moderate |
      | codeine  | *4/*4      | 0     | avoid         | strong   |
      | codeine  | *1x2/*1    | 3     | avoid         | strong   |
      | codeine  | *1x≥3/*1   | 4     | avoid         | strong   |
      | tramadol | *1/*1      | 2     | standard-dose | strong   |
      | tramadol | *4/*10     | 0.25  | standard-dose | optional |
      | tramadol | *4/*4      | 0     | avoid         | strong   |
      | tramadol | *1x2/*1    | 3     | avoid         | strong   |

  Scenario: An ultrarapid metabolizer is steered away from codeine and from tramadol
    Given a patient "codeine-um"
    And the patient's CYP2D6 phenotype is "Ultrarapid Metabolizer"
    And the patient has these genotypes:
      | gene   | diplotype |
      | CYP2D6 | *1x2/*2   |
    And the patient has "codeine" planned for "cough"
    When the care plan is generated
    Then the plan recommends "avoid" for "codeine" with no alternatives
    And the recommendation "pgx.codeine" mentions "other than tramadol"
    And the recommendation "pgx.codeine" cites "CPIC" and has strength "strong"

  Scenario: Planned codeine without a CYP2D6 result asks for genotyping
    Given a patient "codeine-untested"
    And the patient has "codeine" planned for "pain"
    When the care plan is generated
    Then the plan has a "testing" recommendation "pgx.untested-gene[codeine,CYP2D6]"
    And the plan has a data gap suggesting "CYP2D6 genotyping"
    And the plan has no recommendation "pgx.codeine"

  Scenario Outline: Ondansetron for CYP2D6 <diplotype>
    Given a patient "ondansetron-outline"
    And the patient's CYP2D6 diplotype is "<diplotype>"
    And the patient has "ondansetron" planned for "chemotherapy-induced nausea"
    When the care plan is generated
    Then the plan recommends "<action>" for "ondansetron"
    And the recommendation "pgx.ondansetron" has strength "<strength>"

    Examples:
      | diplotype | action          | strength          |
      | *1/*1     | standard-dose   | strong            |
      | *4/*4     | consider        | no-recommendation |
      | *1x≥3/*4  | use-alternative | moderate          |

  Scenario: An ultrarapid metabolizer is offered granisetron instead of ondansetron
    Given a patient "ondansetron-um"
    And the patient's CYP2D6 diplotype is "*1x2/*1"
    And the patient has "ondansetron" planned for "post-operative nausea"
    When the care plan is generated
    Then the plan recommends "use-alternative" for "ondansetron" with alternatives "granisetron"
