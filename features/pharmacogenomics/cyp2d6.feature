@pharmacogenomics
Feature: CYP2D6 phenotype from the diplotype (CPIC activity score)
  CPIC scores CYP2D6 by activity: each allele has an activity value (normal function 1,
  decreased function 0.25 or 0.5, no function 0), a duplicated allele counts once per copy
  (three or more copies count as three), and the activity score is the sum over the two alleles.
  Score 0 is a poor metabolizer, 0.25 to 1 intermediate, 1.25 to 2.25 normal, above 2.25
  ultrarapid (CPIC/DPWG 2020). An allele of uncertain or unknown function has no activity value,
  so the phenotype is Indeterminate.

  Scenario Outline: The CYP2D6 diplotype <diplotype> scores <score>
    Given a patient "cyp2d6-outline"
    And the patient's CYP2D6 diplotype is "<diplotype>"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2D6" is "<phenotype>"
    And the activity score for "CYP2D6" is <score>

    Examples:
      | diplotype | phenotype                | score |
      | *1/*1     | Normal Metabolizer       | 2     |
      | *1/*41    | Normal Metabolizer       | 1.25  |
      | *1/*17    | Normal Metabolizer       | 1.5   |
      | *1/*4     | Intermediate Metabolizer | 1     |
      | *10/*41   | Intermediate Metabolizer | 0.5   |
      | *4/*10    | Intermediate Metabolizer | 0.25  |
      | *4/*5     | Poor Metabolizer         | 0     |
      | *4/*4x2   | Poor Metabolizer         | 0     |
      | *1/*2x2   | Ultrarapid Metabolizer   | 3     |
      | *1/*1x≥3  | Ultrarapid Metabolizer   | 4     |

  Scenario Outline: A CYP2D6 allele of <function> makes the phenotype indeterminate
    Given a patient "cyp2d6-indeterminate"
    And the patient's CYP2D6 diplotype is "<diplotype>"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2D6" is "Indeterminate"
    And the rule "pgx.uncertain-allele" fired
    And the rule "pgx.activity-score" did not fire
    And the plan has no warnings

    Examples:
      | diplotype | function           |
      | *1/*22    | uncertain function |
      | *4/*58    | unknown function   |
