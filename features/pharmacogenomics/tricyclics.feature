@pharmacogenomics
Feature: Amitriptyline and nortriptyline guided by CYP2D6 and CYP2C19 (CPIC 2016 tricyclics)
  Amitriptyline is looked up by both genes. CYP2D6 ultrarapid or poor metabolizers avoid it;
  intermediate metabolizers start 25% lower. CYP2C19 ultrarapid, rapid or poor metabolizers are
  pointed to a tricyclic without major CYP2C19 metabolism (nortriptyline, desipramine).
  Nortriptyline depends on CYP2D6 alone.

  Scenario Outline: Amitriptyline for CYP2D6 <d6> and CYP2C19 <c19>
    Given a patient "tca-outline"
    And the patient has these genotypes:
      | gene    | diplotype |
      | CYP2D6  | <d6>      |
      | CYP2C19 | <c19>     |
    And the patient has "amitriptyline" planned for "neuropathic pain"
    When the care plan is generated
    Then the plan recommends "<action>" for "amitriptyline"
    And the recommendation "pgx.amitriptyline" has strength "<strength>"

    Examples:
      | d6       | c19     | action          | strength |
      | *1/*1    | *1/*1   | standard-dose   | strong   |
      | *1/*4    | *1/*1   | reduce-dose     | moderate |
      | *4/*4    | *1/*1   | avoid           | strong   |
      | *1x2/*1  | *1/*1   | avoid           | strong   |
      | *1/*1    | *2/*2   | avoid           | moderate |
      | *1/*1    | *17/*17 | use-alternative | optional |

  Scenario: A CYP2C19 ultrarapid metabolizer is pointed to nortriptyline or desipramine
    Given a patient "tca-c19-um"
    And the patient has these genotypes:
      | gene    | diplotype |
      | CYP2D6  | *1/*2     |
      | CYP2C19 | *17/*17   |
    And the patient has "amitriptyline" planned for "depression"
    When the care plan is generated
    Then the plan recommends "use-alternative" for "amitriptyline" with alternatives "nortriptyline, desipramine"
    And the recommendation "pgx.amitriptyline" mentions "therapeutic drug monitoring"

  Scenario: Amitriptyline with CYP2D6 known and CYP2C19 untested
    Given a patient "tca-c19-untested"
    And the patient's CYP2D6 diplotype is "*1/*4"
    And the patient has "amitriptyline" planned for "depression"
    When the care plan is generated
    Then the plan recommends "reduce-dose" for "amitriptyline"
    And the recommendation "pgx.amitriptyline" mentions "no CYP2C19 result"
    And the plan has a data gap suggesting "CYP2C19 genotyping"

  Scenario Outline: Nortriptyline for CYP2D6 <diplotype>
    Given a patient "nortriptyline-outline"
    And the patient's CYP2D6 diplotype is "<diplotype>"
    And the patient takes "nortriptyline"
    When the care plan is generated
    Then the plan recommends "<action>" for "nortriptyline"
    And the recommendation "pgx.nortriptyline" has strength "<strength>"

    Examples:
      | diplotype | action        | strength |
      | *1/*1     | standard-dose | strong   |
      | *4/*10    | reduce-dose   | moderate |
      | *4/*4     | avoid         | strong   |
      | *1x≥3/*4  | avoid         | strong   |
