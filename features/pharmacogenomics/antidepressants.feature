@pharmacogenomics
Feature: Citalopram, escitalopram and sertraline guided by CYP2C19 and CYP2B6 (CPIC 2023 SSRIs)
  Poor metabolizers of CYP2C19 get much higher citalopram and escitalopram levels: a different
  antidepressant, or half the maintenance dose. Intermediate metabolizers titrate more slowly to
  a lower dose; ultrarapid metabolizers may not respond. Sertraline is looked up by CYP2C19 and
  CYP2B6 together; an untested CYP2B6 is "No Result" and CPIC still gives a recommendation.

  Scenario Outline: CYP2C19 <diplotype> decides <drug>
    Given a patient "ssri-outline"
    And the patient's CYP2C19 diplotype is "<diplotype>"
    And the patient has "<drug>" planned for "depression"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP2C19" is "<phenotype>"
    And the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" has strength "<strength>"

    Examples:
      | drug         | diplotype | phenotype                | action          | strength          |
      | citalopram   | *1/*1     | Normal Metabolizer       | standard-dose   | strong            |
      | citalopram   | *1/*2     | Intermediate Metabolizer | reduce-dose     | moderate          |
      | citalopram   | *2/*2     | Poor Metabolizer         | reduce-dose     | strong            |
      | citalopram   | *17/*17   | Ultrarapid Metabolizer   | use-alternative | strong            |
      | escitalopram | *1/*17    | Rapid Metabolizer        | use-alternative | optional          |
      | escitalopram | *2/*3     | Poor Metabolizer         | reduce-dose     | strong            |
      | escitalopram | *1/*12    | Indeterminate            | consider        | no-recommendation |

  Scenario: A CYP2C19 poor metabolizer on sertraline, CYP2B6 not tested
    Given a patient "sertraline-pm"
    And the patient's CYP2C19 diplotype is "*2/*2"
    And the patient has "sertraline" planned for "depression"
    When the care plan is generated
    Then the plan recommends "use-alternative" for "sertraline"
    And the recommendation "pgx.sertraline" has strength "moderate"
    And the recommendation "pgx.sertraline" mentions "half the standard maintenance dose"
    And the plan has a "testing" recommendation "pgx.untested-gene[sertraline,CYP2B6]"
    And the plan has a data gap suggesting "CYP2B6 genotyping"

  Scenario Outline: Sertraline by CYP2C19 <c19> and CYP2B6 <b6>
    Given a patient "sertraline-outline"
    And the patient has these genotypes:
      | gene    | phenotype |
      | CYP2C19 | <c19>     |
      | CYP2B6  | <b6>      |
    And the patient takes "sertraline"
    When the care plan is generated
    Then the plan recommends "<action>" for "sertraline"
    And the recommendation "pgx.sertraline" has strength "<strength>"
    And the plan has no data gaps

    Examples:
      | c19                      | b6                       | action          | strength |
      | Normal Metabolizer       | Normal Metabolizer       | standard-dose   | strong   |
      | Intermediate Metabolizer | Normal Metabolizer       | reduce-dose     | moderate |
      | Normal Metabolizer       | Poor Metabolizer         | use-alternative | optional |
      | Poor Metabolizer         | Poor Metabolizer         | use-alternative | optional |
