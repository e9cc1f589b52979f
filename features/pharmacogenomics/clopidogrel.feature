@pharmacogenomics
Feature: Clopidogrel guided by CYP2C19 (CPIC 2022)
  Clopidogrel is a prodrug that CYP2C19 activates. CPIC 2022 gives rows for three populations,
  chosen from the medicine's indication: after an acute coronary syndrome (ACS) or a
  percutaneous coronary intervention (PCI), intermediate and poor metabolizers (including the
  "likely" phenotypes) should avoid it in favour of prasugrel or ticagrelor; for other
  cardiovascular indications (stable coronary or peripheral artery disease) only poor
  metabolizers should avoid it; for neurovascular indications (stroke, TIA) intermediate and
  poor metabolizers are pointed to a P2Y12 inhibitor that CYP2C19 does not activate
  (prasugrel is contraindicated after a stroke). Normal metabolizers take the standard dose.
  An indeterminate result carries no CPIC recommendation, and the plan says so rather than
  falling silent. An indication outside every population gets no genotype-guided advice.

  Scenario Outline: The CYP2C19 diplotype <diplotype> decides clopidogrel after PCI
    Given a patient "pgx-outline"
    And the patient's CYP2C19 diplotype is "<diplotype>"
    And the patient has "clopidogrel" planned for "PCI"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2C19" is "<phenotype>"
    And the plan recommends "<action>" for "clopidogrel"

    Examples:
      | diplotype | phenotype                       | action        |
      | *1/*1     | Normal Metabolizer              | standard-dose |
      | *1/*17    | Rapid Metabolizer               | standard-dose |
      | *17/*17   | Ultrarapid Metabolizer          | standard-dose |
      | *1/*2     | Intermediate Metabolizer        | avoid         |
      | *1/*9     | Likely Intermediate Metabolizer | avoid         |
      | *2/*2     | Poor Metabolizer                | avoid         |
      | *2/*9     | Likely Poor Metabolizer         | avoid         |
      | *2/*3     | Poor Metabolizer                | avoid         |

  Scenario: An indeterminate CYP2C19 result gives no genotype-guided clopidogrel recommendation
    Given a patient "pgx-indeterminate"
    And the patient's CYP2C19 diplotype is "*1/*12"
    And the patient has "clopidogrel" planned for "PCI"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2C19" is "Indeterminate"
    And the plan recommends "consider" for "clopidogrel"
    And the recommendation "pgx.clopidogrel" has strength "no-recommendation"
    And the recommendation "pgx.clopidogrel" mentions "no genotype-guided recommendation"
    And the plan has no recommendation "pgx.untested-gene[clopidogrel,CYP2C19]"
    And the plan has no data gaps

  Scenario: A poor metabolizer is told to avoid clopidogrel, with alternatives and evidence
    Given a patient "pgx-poor"
    And the patient is a 61-year-old male
    And the patient has these genotypes:
      | gene    | diplotype |
      | CYP2C19 | *2/*2     |
    And the patient has these medications:
      | name         | status  | indication | dose_mg |
      | clopidogrel  | planned | PCI        |         |
      | atorvastatin | active  |            | 40      |
    When the care plan is generated
    Then the plan recommends "avoid" for "clopidogrel" with alternatives "prasugrel, ticagrelor"
    And the plan has a "medication" recommendation "pgx.clopidogrel"
    And the recommendation "pgx.clopidogrel" cites "CPIC" and has strength "strong"
    And the recommendation "pgx.clopidogrel" mentions "poor metabolizer"
    And the plan has no recommendation "pgx.untested-gene[clopidogrel,CYP2C19]"

  Scenario: A normal metabolizer takes the standard dose with no alternatives
    Given a patient "pgx-normal"
    And the patient's CYP2C19 diplotype is "*1/*1"
    And the patient has "clopidogrel" active for "ACS"
    When the care plan is generated
    Then the plan recommends "standard-dose" for "clopidogrel" with no alternatives
    And the recommendation "pgx.clopidogrel" cites "CPIC"
    And the recommendation "pgx.clopidogrel" has strength "strong"
    And the plan has no warnings

  Scenario: Planned clopidogrel without a CYP2C19 result asks for genotyping
    Given a patient "pgx-no-genotype"
    And the patient has "clopidogrel" planned for "PCI"
    When the care plan is generated
    Then the plan has a "testing" recommendation "pgx.untested-gene[clopidogrel,CYP2C19]"
    And the recommendation "pgx.untested-gene[clopidogrel,CYP2C19]" has action "test"
    And the plan has a data gap suggesting "CYP2C19 genotyping"
    And the plan has no recommendation "pgx.clopidogrel"
    And the rule "pgx.recommend-one-gene" did not fire
    And the plan has no assessment "phenotype"

  Scenario Outline: A CYP2C19 poor metabolizer is steered away from clopidogrel for <indication> (<population>)
    Given a patient "pgx-poor-population"
    And the patient's CYP2C19 diplotype is "*2/*2"
    And the patient has "clopidogrel" planned for "<indication>"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2C19" is "Poor Metabolizer"
    And the plan recommends "avoid" for "clopidogrel" with alternatives "<alternatives>"
    And the recommendation "pgx.clopidogrel" has strength "<strength>"
    And the rule "pgx.recommend-one-gene[clopidogrel,<population>,CYP2C19,Poor Metabolizer]" fired

    Examples:
      | indication                | population          | alternatives           | strength |
      | PCI                       | CVI ACS PCI         | prasugrel, ticagrelor  | strong   |
      | peripheral artery disease | CVI non-ACS non-PCI | prasugrel, ticagrelor  | moderate |
      | stroke                    | NVI                 | ticagrelor, ticlopidine | moderate |

  Scenario: After a stroke an intermediate metabolizer is offered a CYP2C19-independent alternative
    Given a patient "pgx-stroke"
    And the patient's CYP2C19 diplotype is "*1/*2"
    And the patient has "clopidogrel" planned for "stroke"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2C19" is "Intermediate Metabolizer"
    And the plan recommends "use-alternative" for "clopidogrel" with alternatives "ticagrelor, ticlopidine"
    And the recommendation "pgx.clopidogrel" has strength "moderate"
    And the recommendation "pgx.clopidogrel" mentions "Prasugrel is not an option after a stroke"
    And the rule "pgx.population-by-indication[clopidogrel,stroke]" fired

  Scenario: Outside ACS or PCI an intermediate metabolizer gets no genotype-guided advice
    Given a patient "pgx-stable-cad"
    And the patient's CYP2C19 diplotype is "*1/*2"
    And the patient has "clopidogrel" planned for "stable coronary artery disease"
    When the care plan is generated
    Then the plan recommends "consider" for "clopidogrel"
    And the recommendation "pgx.clopidogrel" has strength "no-recommendation"

  Scenario: Clopidogrel for an indication in no CPIC population is outside the guideline
    Given a patient "pgx-other-indication"
    And the patient's CYP2C19 diplotype is "*2/*2"
    And the patient has "clopidogrel" planned for "peripheral neuropathy"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2C19" is "Poor Metabolizer"
    And the plan has no recommendation for "clopidogrel"
    And the rule "pgx.recommend-one-gene" did not fire
    And the rule "pgx.population-by-indication" did not fire
    And the rule "pgx.phenotype-from-function-pair" fired

  Scenario: Stopped clopidogrel needs neither a recommendation nor a test
    Given a patient "pgx-stopped"
    And the patient has these medications:
      | name        | status  | indication |
      | clopidogrel | stopped | PCI        |
    When the care plan is generated
    Then the plan has no recommendations
    And the plan has no data gaps

  Scenario: The recommendation is explained by the whole CYP2C19 chain
    Given a patient "pgx-explain"
    And the patient's CYP2C19 diplotype is "*1/*2"
    And the patient has "clopidogrel" planned for "PCI"
    When the care plan is generated
    Then these rules fired:
      | rule                          |
      | pgx.allele-function   |
      | pgx.phenotype-from-function-pair         |
      | pgx.recommend-one-gene        |
      | pgx.population-by-indication  |
      | pgx.phenotype-assessment      |
    And the rule "pgx.phenotype-from-function-pair[CYP2C19,Normal function,No function]" fired
    And the recommendation "pgx.clopidogrel" is explained by the rule "pgx.allele-function"
    And the recommendation "pgx.clopidogrel" is explained by the rule "pgx.phenotype-from-function-pair"
    And the recommendation "pgx.clopidogrel" is explained by the rule "pgx.recommend-one-gene"
    And the rule "pgx.lab-called-phenotype" did not fire

  Scenario: A phenotype called by the laboratory is used like one from a diplotype
    Given a patient "pgx-lab-called"
    And the patient has these genotypes:
      | gene    | phenotype                | diplotype |
      | CYP2C19 | Intermediate Metabolizer |           |
    And the patient has "clopidogrel" planned for "ACS"
    When the care plan is generated
    Then the rule "pgx.lab-called-phenotype" fired
    And the assessment "phenotype" for "CYP2C19" is "Intermediate Metabolizer"
    And the plan recommends "avoid" for "clopidogrel" with alternatives "ticagrelor, prasugrel"

  Scenario: The clopidogrel example file
    Given the patient from "examples/pgx-clopidogrel.yaml"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2C19" is "Poor Metabolizer"
    And the plan recommends "avoid" for "clopidogrel" with alternatives "prasugrel, ticagrelor"
    And the plan has no recommendation for "atorvastatin"
    And the plan has a data gap suggesting "SLCO1B1 genotyping"
    And the plan has no warnings
