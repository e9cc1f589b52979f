@pharmacogenomics
Feature: Abacavir, allopurinol, carbamazepine, oxcarbazepine and phenytoin guided by HLA alleles
  Each HLA allele is tested on its own; an allele not tested is "No Result" and the plan asks for
  the test before the first dose. Carbamazepine, oxcarbazepine and phenytoin distinguish a
  patient about to start (naive) from one who has taken the drug for more than three months
  without a skin reaction.

  Scenario: Abacavir without an HLA-B*57:01 result asks for the test first
    Given a patient "abacavir-untested"
    And the patient has "abacavir" planned for "HIV"
    When the care plan is generated
    Then the plan has a "testing" recommendation "pgx.untested-allele[abacavir,HLA-B,*57:01]"
    And the recommendation "pgx.untested-allele[abacavir,HLA-B,*57:01]" has action "test"
    And the plan has a data gap suggesting "HLA-B*57:01 testing"
    And the plan has no recommendation "pgx.abacavir"

  Scenario Outline: <drug> with <gene><allele> <result>
    Given a patient "hla-outline"
    And the patient has these genotypes:
      | gene   | allele   | result   |
      | <gene> | <allele> | <result> |
    And the patient has "<drug>" planned for "<indication>"
    When the care plan is generated
    Then the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" cites "CPIC" and has strength "strong"
    And the plan has no data gaps

    Examples:
      | drug          | gene  | allele | result   | indication | action        |
      | abacavir      | HLA-B | *57:01 | positive | HIV        | avoid         |
      | abacavir      | HLA-B | *57:01 | negative | HIV        | standard-dose |
      | allopurinol   | HLA-B | *58:01 | positive | gout       | avoid         |
      | allopurinol   | HLA-B | *58:01 | negative | gout       | standard-dose |
      | oxcarbazepine | HLA-B | *15:02 | positive | epilepsy   | avoid         |
      | oxcarbazepine | HLA-B | *15:02 | negative | epilepsy   | standard-dose |

  Scenario Outline: Carbamazepine naive with HLA-B*15:02 <b> and HLA-A*31:01 <a>
    Given a patient "carbamazepine-naive"
    And the patient has these genotypes:
      | gene  | allele | result |
      | HLA-B | *15:02 | <b>    |
      | HLA-A | *31:01 | <a>    |
    And the patient has "carbamazepine" planned for "trigeminal neuralgia"
    When the care plan is generated
    Then the plan recommends "<action>" for "carbamazepine"
    And the recommendation "pgx.carbamazepine" has strength "strong"

    Examples:
      | b        | a        | action        |
      | negative | negative | standard-dose |
      | positive | negative | avoid         |
      | negative | positive | avoid         |

  Scenario: Carbamazepine taken for a year without a reaction may be continued
    Given a patient "carbamazepine-long-term"
    And the patient has these genotypes:
      | gene  | allele | result   |
      | HLA-B | *15:02 | positive |
      | HLA-A | *31:01 | negative |
    And the patient's facts include:
      """
      medications: [{name: carbamazepine, status: active, months_on_drug: 12}]
      """
    When the care plan is generated
    Then the plan recommends "standard-dose" for "carbamazepine"
    And the recommendation "pgx.carbamazepine" has strength "optional"
    And the recommendation "pgx.carbamazepine" mentions "over 3 months of use"

  Scenario: Carbamazepine with HLA-B*15:02 known and HLA-A*31:01 untested
    Given a patient "carbamazepine-hla-a-untested"
    And the patient has these genotypes:
      | gene  | allele | result   |
      | HLA-B | *15:02 | positive |
    And the patient has "carbamazepine" planned for "epilepsy"
    When the care plan is generated
    Then the plan recommends "avoid" for "carbamazepine"
    And the plan has a data gap suggesting "HLA-A*31:01 testing"

  Scenario Outline: Phenytoin naive, CYP2C9 <diplotype>, HLA-B*15:02 <b>
    Given a patient "phenytoin-outline"
    And the patient's CYP2C9 diplotype is "<diplotype>"
    And the patient has these genotypes:
      | gene  | allele | result |
      | HLA-B | *15:02 | <b>    |
    And the patient has "phenytoin" planned for "status epilepticus"
    When the care plan is generated
    Then the plan recommends "<action>" for "phenytoin"
    And the recommendation "pgx.phenytoin" has strength "<strength>"

    Examples:
      | diplotype | b        | action        | strength |
      | *1/*1     | negative | standard-dose | strong   |
      | *1/*3     | negative | reduce-dose   | moderate |
      | *3/*3     | negative | reduce-dose   | strong   |
      | *1/*1     | positive | avoid         | strong   |
