@pharmacogenomics
Feature: Every drug in CPIC's recommendation table gives a plan entry
  The drugs added to cover CPIC's whole table (G6PD, CYP2D6, the CYP2D6 and CYP2C19
  tricyclics, the CYP2C9 NSAIDs, the CYP2C19 proton-pump inhibitors, the SLCO1B1 statins and
  fluvastatin with CYP2C9, paromomycin) follow CPIC's action for the genotype, and ask for
  the test when the genotype is missing.

  Scenario Outline: G6PD deficiency rules out <drug>
    Given a patient "g6pd-avoid"
    And the patient's G6PD phenotype is "Deficient"
    And the patient has these medications:
      | name   | status  |
      | <drug> | planned |
    When the care plan is generated
    Then the plan recommends "avoid" for "<drug>"
    And the recommendation "pgx.<id>" cites "CPIC"

    Examples:
      | drug           | id             |
      | dapsone        | dapsone        |
      | methylene blue | methylene-blue |
      | pegloticase    | pegloticase    |
      | primaquine     | primaquine     |
      | tafenoquine    | tafenoquine    |
      | toluidine blue | toluidine-blue |

  Scenario: Nitrofurantoin in G6PD deficiency is used with monitoring for anaemia
    Given a patient "g6pd-nitrofurantoin"
    And the patient's G6PD phenotype is "Deficient"
    And the patient has these medications:
      | name           | status  |
      | nitrofurantoin | planned |
    When the care plan is generated
    Then the plan recommends "standard-dose" for "nitrofurantoin"
    And the recommendation "pgx.nitrofurantoin" mentions "anaemia"

  Scenario Outline: CYP2D6 <diplotype> and <drug>
    Given a patient "cyp2d6-<drug>"
    And the patient's CYP2D6 diplotype is "<diplotype>"
    And the patient has these medications:
      | name   | status  |
      | <drug> | planned |
    When the care plan is generated
    Then the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" has strength "<strength>"

    Examples:
      | drug         | diplotype | action          | strength          |
      | paroxetine   | *4/*4     | reduce-dose     | moderate          |
      | paroxetine   | *1/*1x2   | use-alternative | moderate          |
      | tamoxifen    | *4/*4     | use-alternative | strong            |
      | tamoxifen    | *1/*1     | standard-dose   | strong            |
      | venlafaxine  | *4/*4     | use-alternative | optional          |
      | vortioxetine | *1/*1     | standard-dose   | strong            |
      | hydrocodone  | *4/*4     | standard-dose   | optional          |
      | tropisetron  | *1/*1x2   | use-alternative | moderate          |
      | desipramine  | *4/*4     | avoid           | optional          |
      | fluvoxamine  | *1/*4     | standard-dose   | moderate          |

  Scenario: A tertiary-amine tricyclic in a CYP2C19 poor metabolizer
    Given a patient "imipramine-cyp2c19-pm"
    And the patient has these genotypes:
      | gene    | diplotype |
      | CYP2D6  | *1/*1     |
      | CYP2C19 | *2/*2     |
    And the patient has these medications:
      | name       | status  |
      | imipramine | planned |
    When the care plan is generated
    Then the plan recommends "avoid" for "imipramine"

  Scenario Outline: A CYP2C9 poor metabolizer and <drug>
    Given a patient "cyp2c9-<drug>"
    And the patient's CYP2C9 diplotype is "*3/*3"
    And the patient has these medications:
      | name   | status  |
      | <drug> | planned |
    When the care plan is generated
    Then the plan recommends "<action>" for "<drug>"

    Examples:
      | drug      | action          |
      | ibuprofen | reduce-dose     |
      | meloxicam | use-alternative |
      | piroxicam | use-alternative |

  Scenario: Fluvastatin is looked up by CYP2C9 and SLCO1B1 together
    Given a patient "fluvastatin-two-genes"
    And the patient has these genotypes:
      | gene    | diplotype |
      | CYP2C9  | *1/*3     |
      | SLCO1B1 | *1/*1     |
    And the patient has these medications:
      | name        | status  |
      | fluvastatin | planned |
    When the care plan is generated
    Then the plan recommends "use-alternative" for "fluvastatin"
    And the recommendation "pgx.fluvastatin" mentions "40 mg/day or less"

  Scenario Outline: <drug> without a <gene> result asks for the test
    Given a patient "untested-<drug>"
    And the patient has these medications:
      | name   | status  |
      | <drug> | planned |
    When the care plan is generated
    Then the plan has a "testing" recommendation "pgx.untested-gene[<drug>,<gene>]"
    And the plan has a data gap suggesting "<test>"

    Examples:
      | drug         | gene    | test                                       |
      | dapsone      | G6PD    | G6PD testing (enzyme activity or genotype) |
      | paroxetine   | CYP2D6  | CYP2D6 genotyping                          |
      | clomipramine | CYP2C19 | CYP2C19 genotyping                         |
      | fluvastatin  | CYP2C9  | CYP2C9 genotyping                          |
      | lansoprazole | CYP2C19 | CYP2C19 genotyping                         |
      | pravastatin  | SLCO1B1 | SLCO1B1 genotyping                         |
      | paromomycin  | MT-RNR1 | MT-RNR1 genotyping                         |
