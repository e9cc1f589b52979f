@pharmacogenomics
Feature: CYP3A5 and UGT1A1 phenotypes from the diplotype (CPIC, pair of allele functions)
  CYP3A5: *1 is the normal-function allele and *3, *6, *7 have no function; a normal allele with
  one of unknown function (*8, *9) is a possible intermediate metabolizer. UGT1A1: *28, *37 and
  *6 have decreased function (two make a poor metabolizer, one an intermediate), *36 increased;
  an allele of unknown function (*80) makes the phenotype Indeterminate.

  Scenario Outline: The <gene> diplotype <diplotype> is <phenotype>
    Given a patient "cyp3a5-ugt1a1-outline"
    And the patient's <gene> diplotype is "<diplotype>"
    When the care plan is generated
    Then the assessment "phenotype" for "<gene>" is "<phenotype>"

    Examples:
      | gene   | diplotype       | phenotype                         |
      | CYP3A5 | *1/*1           | Normal Metabolizer                |
      | CYP3A5 | *1/*3           | Intermediate Metabolizer          |
      | CYP3A5 | *3/*3           | Poor Metabolizer                  |
      | CYP3A5 | *3/*6           | Poor Metabolizer                  |
      | CYP3A5 | *1/*8           | Possible Intermediate Metabolizer |
      | CYP3A5 | *3/*8           | Indeterminate                     |
      | UGT1A1 | *1/*1           | Normal Metabolizer                |
      | UGT1A1 | *1/*36          | Normal Metabolizer                |
      | UGT1A1 | *1/*28          | Intermediate Metabolizer          |
      | UGT1A1 | *28/*28         | Poor Metabolizer                  |
      | UGT1A1 | *6/*28          | Poor Metabolizer                  |
      | UGT1A1 | *80+*28/*80+*28 | Poor Metabolizer                  |
      | UGT1A1 | *1/*80          | Indeterminate                     |
