@pharmacogenomics
Feature: SLCO1B1 phenotype from the diplotype (CPIC, pair of allele functions)
  CPIC names SLCO1B1 phenotypes by transporter function: normal, increased, decreased, possible
  decreased and poor function. One no-function allele (*5, *15) with a normal or increased one
  is decreased function, two are poor function, and a no-function allele with one of uncertain
  or unknown function is possible decreased function.

  Scenario Outline: The SLCO1B1 diplotype <diplotype> has <phenotype>
    Given a patient "slco1b1-outline"
    And the patient's SLCO1B1 diplotype is "<diplotype>"
    When the care plan is generated
    Then the assessment "phenotype" for "SLCO1B1" is "<phenotype>"

    Examples:
      | diplotype | phenotype                   |
      | *1/*1     | Normal Function             |
      | *1/*14    | Normal Function             |
      | *14/*14   | Increased Function          |
      | *1/*5     | Decreased Function          |
      | *5/*14    | Decreased Function          |
      | *5/*15    | Poor Function               |
      | *2/*5     | Possible Decreased Function |
      | *1/*2     | Indeterminate               |
