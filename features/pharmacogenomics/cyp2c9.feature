@pharmacogenomics
Feature: CYP2C9 phenotype from the diplotype (CPIC activity score)
  CPIC scores CYP2C9 by activity: normal function 1, decreased function 0.5, no function 0.
  A score of 2 is a normal metabolizer, 1 or 1.5 intermediate, 0 or 0.5 poor. An allele of
  uncertain or unknown function makes the phenotype Indeterminate.

  Scenario Outline: The CYP2C9 diplotype <diplotype> scores <score>
    Given a patient "cyp2c9-outline"
    And the patient's CYP2C9 diplotype is "<diplotype>"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2C9" is "<phenotype>"
    And the activity score for "CYP2C9" is <score>

    Examples:
      | diplotype | phenotype                | score |
      | *1/*1     | Normal Metabolizer       | 2     |
      | *1/*2     | Intermediate Metabolizer | 1.5   |
      | *1/*3     | Intermediate Metabolizer | 1     |
      | *1/*6     | Intermediate Metabolizer | 1     |
      | *2/*2     | Intermediate Metabolizer | 1     |
      | *2/*3     | Poor Metabolizer         | 0.5   |
      | *3/*3     | Poor Metabolizer         | 0     |
      | *8/*11    | Intermediate Metabolizer | 1     |

  Scenario: A CYP2C9 allele of uncertain function makes the phenotype indeterminate
    Given a patient "cyp2c9-indeterminate"
    And the patient's CYP2C9 diplotype is "*1/*7"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2C9" is "Indeterminate"
    And the rule "pgx.activity-score" did not fire
