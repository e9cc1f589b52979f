@pharmacogenomics
Feature: Volatile anaesthetics and succinylcholine guided by RYR1 and CACNA1S (CPIC 2018)
  A variant conferring malignant hyperthermia susceptibility in either gene contraindicates
  every halogenated volatile anaesthetic and succinylcholine. The two genes are looked up
  together; a gene not tested is "No Result", and the plan asks for its test.

  Scenario Outline: <drug> with RYR1 "<ryr1>" and CACNA1S "<cacna1s>"
    Given a patient "mh-outline"
    And the patient has these genotypes:
      | gene    | phenotype |
      | RYR1    | <ryr1>    |
      | CACNA1S | <cacna1s> |
    And the patient has "<drug>" planned for "general anaesthesia"
    When the care plan is generated
    Then the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" cites "CPIC" and has strength "strong"

    Examples:
      | drug            | ryr1                                  | cacna1s                               | action   |
      | sevoflurane     | Malignant Hyperthermia Susceptibility | Uncertain Susceptibility              | avoid    |
      | desflurane      | Uncertain Susceptibility              | Malignant Hyperthermia Susceptibility | avoid    |
      | succinylcholine | Uncertain Susceptibility              | Uncertain Susceptibility              | consider |

  Scenario: RYR1 susceptibility with CACNA1S untested still contraindicates succinylcholine
    Given a patient "mh-cacna1s-untested"
    And the patient's RYR1 phenotype is "Malignant Hyperthermia Susceptibility"
    And the patient has these medications:
      | name            | status  |
      | succinylcholine | planned |
      | isoflurane      | planned |
    When the care plan is generated
    Then the plan recommends "avoid" for "succinylcholine"
    And the plan recommends "avoid" for "isoflurane"
    And the recommendation "pgx.succinylcholine" mentions "malignant hyperthermia"
    And the plan has a data gap suggesting "CACNA1S genotyping"
