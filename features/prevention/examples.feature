@prevention
Feature: The prevention examples
  The four examples/prevention-*.yaml files, each covering several areas.

  Scenario: The former smoker gets lung and AAA screening; his exposures start nothing else
    Given the patient from "examples/prevention-former-smoker.yaml"
    When the care plan is generated
    Then the plan has a "screening" recommendation "prevention.lung-screening"
    And the recommendation "prevention.lung-screening" mentions "35 pack-years"
    And the plan has a "screening" recommendation "prevention.aaa-screening"
    And the plan has a "screening" recommendation "prevention.colorectal-screening"
    And the plan has no recommendation "prevention.hiv-screening"
    And the plan has no data gaps

  Scenario: The midlife woman's familial colorectal risk replaces the average-risk item
    Given the patient from "examples/prevention-midlife-woman.yaml"
    When the care plan is generated
    Then "prevention.colorectal-screening" is suppressed by "prevention.colorectal-familial"
    And the plan has a "screening" recommendation "prevention.breast-screening"
    And the plan has a "screening" recommendation "prevention.cervical-screening"
    And the plan has a "screening" recommendation "prevention.diabetes-screening"

  Scenario: The older woman's plan spares the tests that would not help
    Given the patient from "examples/prevention-older-woman.yaml"
    When the care plan is generated
    Then the recommendation "prevention.cervical-screening" has action "not-indicated"
    And the recommendation "prevention.lung-screening" has action "not-indicated"
    And the recommendation "prevention.colorectal-screening" has action "consider"
    And the recommendation "prevention.breast-screening" has action "consider"
    And the plan has a "screening" recommendation "prevention.osteoporosis-screening"
    And the plan has no recommendation "prevention.diabetes-screening"

  Scenario: Missing history gives data gaps naming it
    Given the patient from "examples/prevention-missing-history.yaml"
    When the care plan is generated
    Then the plan has a data gap suggesting "smoking history in pack-years"
    And the plan has a data gap suggesting "height and weight (BMI)"
    And the plan has no recommendation "prevention.lung-screening"
