@pharmacogenomics
Feature: Other CPIC gene-drug pairs (tacrolimus, voriconazole, PPIs, atazanavir, efavirenz, rasburicase, aminoglycosides, ivacaftor, celecoxib)

  Scenario Outline: Tacrolimus for CYP3A5 <diplotype>
    Given a patient "tacrolimus-outline"
    And the patient is 54 years old
    And the patient's CYP3A5 diplotype is "<diplotype>"
    And the patient has "tacrolimus" planned for "kidney transplant"
    When the care plan is generated
    Then the plan recommends "<action>" for "tacrolimus"
    And the recommendation "pgx.tacrolimus" has strength "strong"

    Examples:
      | diplotype | action        |
      | *1/*1     | increase-dose |
      | *1/*3     | increase-dose |
      | *3/*3     | standard-dose |

  Scenario Outline: Voriconazole in a CYP2C19 <diplotype> aged <age>
    Given a patient "voriconazole-outline"
    And the patient is <age> years old
    And the patient's CYP2C19 diplotype is "<diplotype>"
    And the patient has "voriconazole" planned for "invasive aspergillosis"
    When the care plan is generated
    Then the plan recommends "<action>" for "voriconazole" with alternatives "<alternatives>"

    Examples:
      | age | diplotype | action          | alternatives                                            |
      | 45  | *17/*17   | use-alternative | isavuconazole, liposomal amphotericin b, posaconazole   |
      | 45  | *2/*2     | use-alternative | isavuconazole, liposomal amphotericin b, posaconazole   |
      | 9   | *2/*2     | use-alternative | liposomal amphotericin b, posaconazole                  |

  Scenario Outline: Voriconazole dosing by age group in a CYP2C19 rapid metabolizer
    Given a patient "voriconazole-age"
    And the patient is <age> years old
    And the patient's CYP2C19 diplotype is "*1/*17"
    And the patient has "voriconazole" planned for "invasive aspergillosis"
    When the care plan is generated
    Then the plan recommends "<action>" for "voriconazole"

    Examples:
      | age | action          |
      | 45  | use-alternative |
      | 9   | standard-dose   |

  Scenario Outline: <drug> for CYP2C19 <diplotype>
    Given a patient "ppi-outline"
    And the patient's CYP2C19 diplotype is "<diplotype>"
    And the patient takes "<drug>"
    When the care plan is generated
    Then the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" has strength "<strength>"

    Examples:
      | drug         | diplotype | action        | strength |
      | omeprazole   | *17/*17   | increase-dose | optional |
      | omeprazole   | *1/*1     | increase-dose | moderate |
      | pantoprazole | *2/*2     | reduce-dose   | moderate |
      | pantoprazole | *1/*2     | reduce-dose   | optional |

  Scenario Outline: Atazanavir for UGT1A1 <diplotype>
    Given a patient "atazanavir-outline"
    And the patient's UGT1A1 diplotype is "<diplotype>"
    And the patient has "atazanavir" planned for "HIV"
    When the care plan is generated
    Then the plan recommends "<action>" for "atazanavir"
    And the recommendation "pgx.atazanavir" has strength "strong"

    Examples:
      | diplotype | action          |
      | *1/*1     | standard-dose   |
      | *28/*28   | use-alternative |

  Scenario Outline: Efavirenz for an adult CYP2B6 <phenotype>
    Given a patient "efavirenz-outline"
    And the patient is 35 years old
    And the patient's CYP2B6 phenotype is "<phenotype>"
    And the patient has "efavirenz" planned for "HIV"
    When the care plan is generated
    Then the plan recommends "<action>" for "efavirenz"

    Examples:
      | phenotype                | action        |
      | Normal Metabolizer       | standard-dose |
      | Intermediate Metabolizer | reduce-dose   |
      | Poor Metabolizer         | reduce-dose   |

  Scenario Outline: Rasburicase for G6PD <phenotype>
    Given a patient "rasburicase-outline"
    And the patient's G6PD phenotype is "<phenotype>"
    And the patient has "rasburicase" planned for "tumour lysis syndrome"
    When the care plan is generated
    Then the plan recommends "<action>" for "rasburicase"

    Examples:
      | phenotype | action        |
      | Normal    | standard-dose |
      | Deficient | avoid         |
      | Variable  | consider      |

  Scenario Outline: <drug> with MT-RNR1 "<phenotype>"
    Given a patient "aminoglycoside-outline"
    And the patient has these genotypes:
      | gene    | phenotype   |
      | MT-RNR1 | <phenotype> |
    And the patient has "<drug>" planned for "sepsis"
    When the care plan is generated
    Then the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" has strength "<strength>"

    Examples:
      | drug       | phenotype                                                | action        | strength |
      | gentamicin | increased risk of aminoglycoside-induced hearing loss    | avoid         | strong   |
      | amikacin   | normal risk of aminoglycoside-induced hearing loss       | standard-dose | strong   |
      | tobramycin | uncertain risk of aminoglycoside-induced hearing loss    | standard-dose | optional |

  Scenario: Gentamicin without an MT-RNR1 result asks for the test
    Given a patient "gentamicin-untested"
    And the patient has "gentamicin" planned for "endocarditis"
    When the care plan is generated
    Then the plan has a data gap suggesting "MT-RNR1 genotyping"
    And the plan has no recommendation "pgx.gentamicin"

  Scenario Outline: Ivacaftor with CFTR "<phenotype>"
    Given a patient "ivacaftor-outline"
    And the patient's CFTR phenotype is "<phenotype>"
    And the patient takes "ivacaftor"
    When the care plan is generated
    Then the plan recommends "<action>" for "ivacaftor"

    Examples:
      | phenotype                              | action   |
      | ivacaftor responsive in CF patients    | consider |
      | ivacaftor non-responsive in CF patients | avoid    |

  Scenario Outline: Celecoxib for CYP2C9 <diplotype>
    Given a patient "celecoxib-outline"
    And the patient's CYP2C9 diplotype is "<diplotype>"
    And the patient has "celecoxib" planned for "osteoarthritis"
    When the care plan is generated
    Then the plan recommends "<action>" for "celecoxib"
    And the recommendation "pgx.celecoxib" has strength "<strength>"

    Examples:
      | diplotype | action        | strength |
      | *1/*1     | standard-dose | strong   |
      | *1/*3     | standard-dose | moderate |
      | *3/*3     | reduce-dose   | moderate |
