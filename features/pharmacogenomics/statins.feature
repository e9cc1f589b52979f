@pharmacogenomics
Feature: Simvastatin, atorvastatin and rosuvastatin guided by SLCO1B1 and ABCG2 (CPIC 2022 statins)
  Reduced SLCO1B1 function raises statin exposure and the risk of myopathy. Simvastatin is
  replaced by another statin; atorvastatin is capped (40 mg, or 20 mg for poor function).
  Rosuvastatin is looked up by SLCO1B1 and ABCG2 together.

  Scenario Outline: SLCO1B1 <diplotype> decides <drug>
    Given a patient "statin-outline"
    And the patient's SLCO1B1 diplotype is "<diplotype>"
    And the patient takes "<drug>"
    When the care plan is generated
    Then the assessment "phenotype" for "SLCO1B1" is "<phenotype>"
    And the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" has strength "<strength>"

    Examples:
      | drug         | diplotype | phenotype           | action          | strength |
      | simvastatin  | *1/*1     | Normal Function     | consider        | strong   |
      | simvastatin  | *1/*5     | Decreased Function  | use-alternative | strong   |
      | simvastatin  | *5/*5     | Poor Function       | use-alternative | strong   |
      | atorvastatin | *1/*5     | Decreased Function  | reduce-dose     | moderate |
      | atorvastatin | *5/*5     | Poor Function       | reduce-dose     | moderate |

  Scenario: Atorvastatin in SLCO1B1 poor function names rosuvastatin
    Given a patient "atorvastatin-pf"
    And the patient's SLCO1B1 diplotype is "*5/*5"
    And the patient has "atorvastatin" planned for "hyperlipidaemia"
    When the care plan is generated
    Then the plan recommends "reduce-dose" for "atorvastatin" with alternatives "rosuvastatin"
    And the recommendation "pgx.atorvastatin" mentions "20 mg/day or less"

  Scenario: A statin alternative that is itself flagged for the patient is not suggested
    Given a patient "statin-flagged-alternative"
    And the patient has these genotypes:
      | gene    | diplotype | phenotype     |
      | SLCO1B1 | *1/*5     |               |
      | ABCG2   |           | Poor Function |
    And the patient has these medications:
      | name         | status  |
      | simvastatin  | planned |
      | rosuvastatin | planned |
    When the care plan is generated
    Then the plan recommends "use-alternative" for "rosuvastatin"
    And the plan recommends "use-alternative" for "simvastatin" with alternatives "atorvastatin, pravastatin, pitavastatin, fluvastatin"
    And "pgx.simvastatin/alternative:rosuvastatin" is suppressed by "pgx.rosuvastatin"

  Scenario: Rosuvastatin with SLCO1B1 known and ABCG2 untested
    Given a patient "rosuvastatin-abcg2-untested"
    And the patient's SLCO1B1 diplotype is "*1/*1"
    And the patient takes "rosuvastatin"
    When the care plan is generated
    Then the plan recommends "consider" for "rosuvastatin"
    And the recommendation "pgx.rosuvastatin" has strength "strong"
    And the plan has a "testing" recommendation "pgx.untested-gene[rosuvastatin,ABCG2]"
    And the plan has a data gap suggesting "ABCG2 genotyping"
