@pharmacogenomics
Feature: DPYD phenotype from the diplotype (CPIC activity score)
  CPIC names DPYD alleles by variant ("Reference" when none is found) and scores them by
  activity: normal function 1, decreased function 0.5 (c.2846A>T, HapB3), no function 0
  (c.1905+1G>A, *2A). A score of 2 is a normal metabolizer, 1 or 1.5 intermediate, 0 or 0.5 poor.

  Scenario Outline: The DPYD diplotype <diplotype> scores <score>
    Given a patient "dpyd-outline"
    And the patient's DPYD diplotype is "<diplotype>"
    When the care plan is generated
    Then the assessment "phenotype" for "DPYD" is "<phenotype>"
    And the activity score for "DPYD" is <score>

    Examples:
      | diplotype                                           | phenotype                | score |
      | Reference/Reference                                 | Normal Metabolizer       | 2     |
      | Reference/c.85T>C (*9A)                             | Normal Metabolizer       | 2     |
      | Reference/c.2846A>T                                 | Intermediate Metabolizer | 1.5   |
      | Reference/c.1129-5923C>G, c.1236G>A (HapB3)         | Intermediate Metabolizer | 1.5   |
      | Reference/c.1905+1G>A (*2A)                         | Intermediate Metabolizer | 1     |
      | c.2846A>T/c.2846A>T                                 | Intermediate Metabolizer | 1     |
      | c.1679T>G (*13)/c.2846A>T                           | Poor Metabolizer         | 0.5   |
      | c.1905+1G>A (*2A)/c.1905+1G>A (*2A)                 | Poor Metabolizer         | 0     |
