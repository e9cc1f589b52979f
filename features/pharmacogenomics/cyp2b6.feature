@pharmacogenomics
Feature: CYP2B6 diplotypes translated to phenotypes, and efavirenz dosing (CPIC 2019)
  CYP2B6 has no activity score: CPIC translates the pair of allele functions (normal, decreased,
  no, increased) into a metabolizer phenotype. *4 is the only increased-function allele, *6 the
  commonest decreased-function one and *18 a no-function one. An allele of uncertain function
  (e.g. *22) makes the whole diplotype Indeterminate. For an adult (or a child over 40 kg),
  intermediate and poor metabolizers are advised to start efavirenz at a reduced dose; normal,
  rapid and ultrarapid metabolizers take the standard 600 mg/day.

  Scenario Outline: CYP2B6 <diplotype> is a <phenotype> and decides the efavirenz dose
    Given a patient "cyp2b6-outline"
    And the patient is 35 years old
    And the patient's CYP2B6 diplotype is "<diplotype>"
    And the patient has "efavirenz" planned for "HIV"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2B6" is "<phenotype>"
    And the plan recommends "<action>" for "efavirenz"
    And the recommendation "pgx.efavirenz" has strength "<strength>"

    Examples:
      | diplotype | phenotype                | action        | strength          |
      | *1/*1     | Normal Metabolizer       | standard-dose | strong            |
      | *1/*6     | Intermediate Metabolizer | reduce-dose   | moderate          |
      | *1/*18    | Intermediate Metabolizer | reduce-dose   | moderate          |
      | *6/*6     | Poor Metabolizer         | reduce-dose   | moderate          |
      | *6/*18    | Poor Metabolizer         | reduce-dose   | moderate          |
      | *1/*4     | Rapid Metabolizer        | standard-dose | strong            |
      | *4/*4     | Ultrarapid Metabolizer   | standard-dose | strong            |
      | *4/*6     | Intermediate Metabolizer | reduce-dose   | moderate          |
      | *1/*22    | Indeterminate            | consider      | no-recommendation |

  Scenario: A CYP2B6 allele of uncertain function makes the result indeterminate
    Given a patient "cyp2b6-uncertain"
    And the patient is 35 years old
    And the patient's CYP2B6 diplotype is "*6/*22"
    And the patient has "efavirenz" planned for "HIV"
    When the care plan is generated
    Then the rule "pgx.uncertain-allele" fired
    And the rule "pgx.phenotype-from-function-pair" did not fire
    And the assessment "phenotype" for "CYP2B6" is "Indeterminate"
    And the plan recommends "consider" for "efavirenz"
    And the plan has no recommendation "pgx.untested-gene[efavirenz,CYP2B6]"

  Scenario: The phenotype comes from the pair of CYP2B6 allele functions
    Given a patient "cyp2b6-explain"
    And the patient is 35 years old
    And the patient's CYP2B6 diplotype is "*6/*18"
    And the patient has "efavirenz" planned for "HIV"
    When the care plan is generated
    Then the rule "pgx.phenotype-from-function-pair[CYP2B6,Decreased function,No function]" fired
    And the recommendation "pgx.efavirenz" is explained by the rule "pgx.allele-function"
    And the recommendation "pgx.efavirenz" is explained by the rule "pgx.phenotype-from-function-pair"
    And the rule "pgx.uncertain-allele" did not fire
