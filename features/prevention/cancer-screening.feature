@prevention
Feature: Cancer screening by age and sex (USPSTF), and the tests that no longer help
  Colorectal cancer screening from 45 to 75 (selective 76-85, not recommended past 85), mammography every
  2 years from 40 to 74 (an individual decision from 75), cervical screening from 21 to 65 (ended by a
  hysterectomy that removed the cervix, or after 65 with adequate prior screening). Below a start age the
  plan says nothing; past a stop age it says the test is not recommended, or is a decision to make together.

  Scenario Outline: Colorectal cancer screening at <age>
    Given a patient "crc-<age>"
    And the patient is <age> years old
    When the care plan is generated
    Then the rule "prevention.screening-by-age" <outcome>
    And <check>

    Examples:
      | age | outcome   | check                                                                                  |
      | 44  | fired     | the plan has no recommendation "prevention.colorectal-screening"                      |
      | 45  | fired     | the recommendation "prevention.colorectal-screening" has strength "moderate"          |
      | 75  | fired     | the recommendation "prevention.colorectal-screening" has strength "strong"            |
      | 76  | fired     | the recommendation "prevention.colorectal-screening" has action "consider"            |
      | 85  | fired     | the recommendation "prevention.colorectal-screening" has action "consider"            |
      | 86  | fired     | the recommendation "prevention.colorectal-screening" has action "not-indicated"       |

  Scenario: A 44-year-old gets no colorectal item but does get the screenings of her age
    Given a patient "crc-44"
    And the patient is a 44-year-old female
    When the care plan is generated
    Then the plan has no recommendation "prevention.colorectal-screening"
    And the plan has a "screening" recommendation "prevention.breast-screening"
    And the plan has a "screening" recommendation "prevention.hiv-screening"
    And the recommendation "prevention.breast-screening" cites "USPSTF" and has strength "moderate"

  Scenario Outline: Mammography at <age>
    Given a patient "breast-<age>"
    And the patient is a <age>-year-old female
    When the care plan is generated
    Then <check>

    Examples:
      | age | check                                                                        |
      | 39  | the plan has no recommendation "prevention.breast-screening"                |
      | 40  | the recommendation "prevention.breast-screening" has action "test"          |
      | 74  | the recommendation "prevention.breast-screening" mentions "every 2 years"   |
      | 75  | the recommendation "prevention.breast-screening" has action "consider"      |

  Scenario: A man gets no mammogram and no cervical screening
    Given a patient "man-50"
    And the patient is a 50-year-old male
    When the care plan is generated
    Then the plan has no recommendation "prevention.breast-screening"
    And the plan has no recommendation "prevention.cervical-screening"
    And the plan has a "screening" recommendation "prevention.colorectal-screening"

  Scenario Outline: Cervical screening at <age>
    Given a patient "cervix-<age>"
    And the patient is a <age>-year-old female
    When the care plan is generated
    Then <check>

    Examples:
      | age | check                                                                         |
      | 20  | the plan has no recommendation "prevention.cervical-screening"               |
      | 21  | the recommendation "prevention.cervical-screening" mentions "every 3 years"  |
      | 30  | the recommendation "prevention.cervical-screening" mentions "HPV testing"    |
      | 65  | the recommendation "prevention.cervical-screening" has action "test"         |
      | 66  | the recommendation "prevention.cervical-screening" has action "not-indicated" |

  Scenario: A total hysterectomy ends cervical screening, with the reason
    Given a patient "hysterectomy-45"
    And the patient is a 45-year-old female
    And the patient has the condition "total hysterectomy"
    When the care plan is generated
    Then the recommendation "prevention.cervical-screening" has action "not-indicated"
    And the recommendation "prevention.cervical-screening" mentions "cervix is removed"
    And the recommendation "prevention.cervical-screening" is explained by the rule "prevention.cervical-after-hysterectomy"

  Scenario: The cervical item names the 2024 draft's self-collected HPV option as a draft
    Given a patient "cervix-40"
    And the patient is a 40-year-old female
    When the care plan is generated
    Then the recommendation "prevention.cervical-screening" mentions "December 2024 USPSTF draft"
    And the recommendation "prevention.cervical-screening" mentions "self-collected"

  Scenario: A BRCA1 carrier's own schedule replaces USPSTF mammography
    Given a patient "brca-45"
    And the patient is a 45-year-old female
    And the patient has these genotypes:
      | gene  | result   |
      | BRCA1 | positive |
    When the care plan is generated
    Then "prevention.breast-screening" is suppressed by "prevention.breast-brca"
    And the plan has no recommendation "prevention.breast-screening"
