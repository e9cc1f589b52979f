@pharmacogenomics
Feature: TPMT and NUDT15 phenotypes from the diplotype (CPIC, pair of allele functions)
  CPIC translates TPMT and NUDT15 by the functions of the two alleles. One no-function allele
  makes an intermediate metabolizer and two a poor metabolizer. A no-function allele with one
  of uncertain or unknown function is a possible intermediate metabolizer; a normal or an
  uncertain allele with an uncertain one cannot be interpreted (Indeterminate).

  Scenario Outline: The <gene> diplotype <diplotype> is a <phenotype>
    Given a patient "thiopurine-outline"
    And the patient's <gene> diplotype is "<diplotype>"
    When the care plan is generated
    Then the assessment "phenotype" for "<gene>" is "<phenotype>"
    And the rule "pgx.phenotype-from-function-pair" fired

    Examples:
      | gene   | diplotype | phenotype                         |
      | TPMT   | *1/*1     | Normal Metabolizer                |
      | TPMT   | *1/*3A    | Intermediate Metabolizer          |
      | TPMT   | *3A/*3C   | Poor Metabolizer                  |
      | TPMT   | *3A/*5    | Possible Intermediate Metabolizer |
      | TPMT   | *1/*5     | Indeterminate                     |
      | NUDT15 | *1/*1     | Normal Metabolizer                |
      | NUDT15 | *1/*3     | Intermediate Metabolizer          |
      | NUDT15 | *3/*3     | Poor Metabolizer                  |
      | NUDT15 | *3/*5     | Possible Intermediate Metabolizer |
      | NUDT15 | *5/*6     | Indeterminate                     |

  Scenario: A TPMT no-function allele with an uncertain one is not made indeterminate
    Given a patient "tpmt-possible"
    And the patient's TPMT diplotype is "*2/*5"
    When the care plan is generated
    Then the assessment "phenotype" for "TPMT" is "Possible Intermediate Metabolizer"
    And the rule "pgx.uncertain-allele" did not fire
