@prevention
Feature: Lung cancer screening by pack-years and years since quitting (USPSTF 2021)
  Yearly low-dose CT for adults 50 to 80 with at least 20 pack-years who smoke now or quit fewer than 15
  years ago. Fifteen years after quitting, or after 80, the plan says screening is no longer recommended.
  A missing pack-years or quit date is a data gap naming it; nothing is assumed.

  Scenario Outline: A <smoking> smoker aged <age> with <pack_years> pack-years
    Given a patient "lung-<age>-<pack_years>"
    And the patient is <age> years old
    And the patient's lifestyle:
      | field      | value        |
      | smoking    | <smoking>    |
      | pack_years | <pack_years> |
    When the care plan is generated
    Then the rule "prevention.lung-screening" <outcome>

    Examples:
      | smoking | age | pack_years | outcome    |
      | current | 49  | 30         | did not fire |
      | current | 50  | 30         | fired      |
      | current | 80  | 30         | fired      |
      | current | 81  | 30         | did not fire |
      | current | 60  | 19.9       | did not fire |
      | current | 60  | 20         | fired      |

  Scenario Outline: A former smoker who quit <years> years ago
    Given a patient "lung-quit-<years>"
    And the patient is 64 years old
    And the patient's facts include:
      """
      as_of: 2026-06-01
      lifestyle: {smoking: former, pack_years: 30, quit_date: <quit_date>}
      """
    When the care plan is generated
    Then the recommendation "prevention.lung-screening" has action "<action>"

    Examples:
      | years | quit_date  | action        |
      | 14    | 2012-01-15 | test          |
      | 15    | 2011-05-31 | not-indicated |
      | 16    | 2010-05-31 | not-indicated |

  Scenario: Screening is yearly, with a follow-up in a year
    Given a patient "lung-smoker"
    And the patient is 58 years old
    And the patient's lifestyle:
      | field      | value   |
      | smoking    | current |
      | pack_years | 40      |
    When the care plan is generated
    Then the recommendation "prevention.lung-screening" mentions "every year"
    And the recommendation "prevention.lung-screening" cites "USPSTF" and has strength "moderate"
    And the plan has a follow-up in 365 days mentioning "Low-dose CT"

  Scenario: Over 80 the plan says screening has stopped
    Given a patient "lung-81"
    And the patient is 81 years old
    And the patient's lifestyle:
      | field      | value   |
      | smoking    | current |
      | pack_years | 50      |
    When the care plan is generated
    Then the recommendation "prevention.lung-screening" has action "not-indicated"
    And the recommendation "prevention.lung-screening" mentions "ends at 80"

  Scenario: A former smoker without pack-years is asked for them, not assumed eligible
    Given a patient "lung-no-pack-years"
    And the patient is 60 years old
    And the patient's smoking status is "former"
    When the care plan is generated
    Then the plan has a data gap suggesting "smoking history in pack-years"
    And the plan has no recommendation "prevention.lung-screening"

  Scenario: A former smoker with 25 pack-years and no quit date is asked for the date
    Given a patient "lung-no-quit-date"
    And the patient is 60 years old
    And the patient's lifestyle:
      | field      | value  |
      | smoking    | former |
      | pack_years | 25     |
    When the care plan is generated
    Then the plan has a data gap mentioning "Quit date not recorded"
    And the plan has no recommendation "prevention.lung-screening"

  Scenario: Radon, asbestos and secondhand smoke are recorded but start no screening of their own
    Given a patient "exposures-never-smoker"
    And the patient is 60 years old
    And the patient's facts include:
      """
      lifestyle: {smoking: never, home_radon_pci_per_l: 8, asbestos_exposure: true, secondhand_smoke: true}
      """
    When the care plan is generated
    Then the plan has no recommendation "prevention.lung-screening"
    And the plan has no data gap suggesting "smoking history in pack-years"
