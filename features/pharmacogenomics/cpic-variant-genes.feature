@pharmacogenomics
Feature: ABCG2, G6PD, RYR1, CACNA1S, MT-RNR1, VKORC1 and CFTR results read from the laboratory's variants
  The laboratory's result for these genes names variants or haplotypes rather than star alleles
  (rs2231142 variant (T), A- 202A_376G, c.7300G>A, m.1555A>G, G551D). Each one gets its CPIC function
  from knowledge/pgx/allele-functions.csv, the pair of functions gives CPIC's phenotype (lookup)
  words from knowledge/pgx/function-pair-phenotypes.csv, and the recommendation tables are
  looked up by those words, as for a lab-called phenotype.

  Scenario Outline: ABCG2 <diplotype> is "<phenotype>"; rosuvastatin with SLCO1B1 *1/*1
    Given a patient "abcg2-outline"
    And the patient has these genotypes:
      | gene    | diplotype   |
      | SLCO1B1 | *1/*1       |
      | ABCG2   | <diplotype> |
    And the patient has "rosuvastatin" planned for "hyperlipidaemia"
    When the care plan is generated
    Then the assessment "phenotype" for "ABCG2" is "<phenotype>"
    And the plan recommends "<action>" for "rosuvastatin"
    And the rule "pgx.phenotype-from-function-pair" fired

    Examples:
      | diplotype                                         | phenotype          | action          |
      | rs2231142 reference (G)/rs2231142 reference (G)   | Normal Function    | consider        |
      | rs2231142 reference (G)/rs2231142 variant (T)     | Decreased Function | consider        |
      | rs2231142 variant (T)/rs2231142 variant (T)       | Poor Function      | use-alternative |

  Scenario Outline: G6PD <diplotype> (female) is "<phenotype>"; rasburicase
    Given a patient "g6pd-outline"
    And the patient's sex is "female"
    And the patient's G6PD diplotype is "<diplotype>"
    And the patient has "rasburicase" planned for "tumour lysis syndrome"
    When the care plan is generated
    Then the assessment "phenotype" for "G6PD" is "<phenotype>"
    And the plan recommends "<action>" for "rasburicase"

    Examples:
      | diplotype                                                 | phenotype            | action        |
      | B (reference)/B (reference)                               | Normal               | standard-dose |
      | B/A                                                       | Normal               | standard-dose |
      | B (reference)/A- 202A_376G                                | Variable             | consider      |
      | B/Bangkok                                                 | Variable             | consider      |
      | A- 202A_376G/A- 968C_376G                                 | Deficient            | avoid         |
      | A-/Mediterranean, Dallas, Panama, Sassari, Cagliari, Birmingham | Deficient      | avoid         |
      | Aachen/Mahidol                                            | Deficient            | avoid         |
      | Aachen/Bangkok                                            | Deficient with CNSHA | avoid         |
      | B (reference)/Dagua                                       | Indeterminate        | consider      |

  Scenario Outline: RYR1 <ryr1> and CACNA1S <cacna1s>; sevoflurane
    Given a patient "mh-variant-outline"
    And the patient has these genotypes:
      | gene    | diplotype |
      | RYR1    | <ryr1>    |
      | CACNA1S | <cacna1s> |
    And the patient has "sevoflurane" planned for "general anaesthesia"
    When the care plan is generated
    Then the assessment "phenotype" for "RYR1" is "<ryr1_phenotype>"
    And the assessment "phenotype" for "CACNA1S" is "<cacna1s_phenotype>"
    And the plan recommends "<action>" for "sevoflurane"
    And the recommendation "pgx.sevoflurane" cites "CPIC" and has strength "strong"

    Examples:
      | ryr1                  | cacna1s             | ryr1_phenotype                        | cacna1s_phenotype                     | action   |
      | Reference/c.7300G>A   | Reference/Reference | Malignant Hyperthermia Susceptibility | Uncertain Susceptibility              | avoid    |
      | c.1840C>T/c.6617C>T   | Reference/Reference | Malignant Hyperthermia Susceptibility | Uncertain Susceptibility              | avoid    |
      | Reference/Reference   | Reference/c.520C>T  | Uncertain Susceptibility              | Malignant Hyperthermia Susceptibility | avoid    |
      | Reference/c.51_53del  | Reference/Reference | Uncertain Susceptibility              | Uncertain Susceptibility              | consider |
      | Reference/c.418G>A    | Reference/Reference | Uncertain Susceptibility              | Uncertain Susceptibility              | consider |

  Scenario: An RYR1 variant of uncertain function is read by the pair, not made indeterminate
    Given a patient "ryr1-uncertain"
    And the patient's RYR1 diplotype is "c.51_53del/c.7300G>A"
    When the care plan is generated
    Then the assessment "phenotype" for "RYR1" is "Malignant Hyperthermia Susceptibility"
    And the rule "pgx.uncertain-allele" did not fire

  Scenario Outline: MT-RNR1 <variant> (written as a homoplasmic pair) with <drug>
    Given a patient "mt-rnr1-variant-outline"
    And the patient has these genotypes:
      | gene    | diplotype           |
      | MT-RNR1 | <variant>/<variant> |
    And the patient has "<drug>" planned for "sepsis"
    When the care plan is generated
    Then the assessment "phenotype" for "MT-RNR1" is "<phenotype>"
    And the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" has strength "<strength>"

    Examples:
      | variant   | drug       | phenotype                                             | action        | strength |
      | m.1555A>G | gentamicin | increased risk of aminoglycoside-induced hearing loss | avoid         | strong   |
      | m.1494C>T | tobramycin | increased risk of aminoglycoside-induced hearing loss | avoid         | strong   |
      | Reference | amikacin   | normal risk of aminoglycoside-induced hearing loss    | standard-dose | strong   |
      | m.827A>G  | gentamicin | normal risk of aminoglycoside-induced hearing loss    | standard-dose | strong   |
      | m.1189T>C | gentamicin | uncertain risk of aminoglycoside-induced hearing loss | standard-dose | optional |

  Scenario Outline: VKORC1 <diplotype> is "<phenotype>"
    Given a patient "vkorc1-outline"
    And the patient's VKORC1 diplotype is "<diplotype>"
    When the care plan is generated
    Then the assessment "phenotype" for "VKORC1" is "<phenotype>"

    Examples:
      | diplotype                                       | phenotype |
      | rs9923231 reference (C)/rs9923231 reference (C) | -1639 GG  |
      | rs9923231 reference (C)/rs9923231 variant (T)   | -1639 AG  |
      | rs9923231 variant (T)/rs9923231 variant (T)     | -1639 AA  |

  Scenario Outline: CFTR <diplotype> is "<phenotype>"; ivacaftor
    Given a patient "cftr-outline"
    And the patient's CFTR diplotype is "<diplotype>"
    And the patient has "ivacaftor" planned for "cystic fibrosis"
    When the care plan is generated
    Then the assessment "phenotype" for "CFTR" is "<phenotype>"
    And the plan recommends "<action>" for "ivacaftor"
    And the rule "pgx.phenotype-from-function-pair" fired

    Examples:
      | diplotype           | phenotype                               | action   |
      | G551D/F508del       | ivacaftor responsive in CF patients     | consider |
      | Reference/R117H     | ivacaftor responsive in CF patients     | consider |
      | 3849+10kbC->T/G551D | ivacaftor responsive in CF patients     | consider |
      | F508del/F508del     | ivacaftor non-responsive in CF patients | avoid    |
      | Reference/F508del   | ivacaftor non-responsive in CF patients | avoid    |

  Scenario: A male has one G6PD allele: an A- result alone decides rasburicase
    Given a patient "g6pd-male"
    And the patient is a 40-year-old male
    And the patient's G6PD diplotype is "A-"
    And the patient has "rasburicase" planned for "tumour lysis syndrome"
    When the care plan is generated
    Then the assessment "phenotype" for "G6PD" is "Deficient"
    And the plan recommends "avoid" for "rasburicase"

  Scenario: A single allele where two are expected is flagged, not passed over
    Given a patient "one-allele"
    And the patient's CYP2C19 diplotype is "*2"
    And the patient has "clopidogrel" planned for "PCI"
    When the care plan is generated
    Then the plan has no assessment "phenotype"
    And the plan has a warning mentioning "could not be translated"
    And the plan has a data gap mentioning "CYP2C19 result"

  Scenario Outline: Warfarin genes as laboratories write them: CYP4F2 <cyp4f2>, VKORC1 <vkorc1>
    Given a patient "warfarin-genes"
    And the patient has these genotypes:
      | gene   | diplotype |
      | CYP4F2 | <cyp4f2>  |
      | VKORC1 | <vkorc1>  |
    And the patient takes "warfarin"
    When the care plan is generated
    Then the assessment "phenotype" for "CYP4F2" is "<cyp4f2_result>"
    And the assessment "phenotype" for "VKORC1" is "<vkorc1_result>"
    And the plan recommends "consider" for "warfarin"
    And the plan has no warnings

    Examples:
      | cyp4f2 | vkorc1        | cyp4f2_result  | vkorc1_result |
      | *1/*1  | -1639G/-1639G | *3 non-carrier | -1639 GG      |
      | *1/*3  | -1639G/-1639A | *3 carrier     | -1639 AG      |
      | *3/*3  | -1639A/-1639A | *3 carrier     | -1639 AA      |
