@lifestyle
Feature: Aerobic activity, resistance training and sleep
  Aerobic activity (below 150 min/week) and resistance training (below 2 days/week) are separate
  gaps with separate advice; sleep below 7 hours a night is a third. No advice where there is no gap.

  Scenario: Little aerobic activity and no resistance training get both, separately
    Given a patient "inactive"
    And the patient is a 47-year-old male
    And the patient's lifestyle:
      | field                             | value |
      | activity_minutes_per_week         | 60    |
      | resistance_training_days_per_week | 0     |
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.physical-activity"
    And the plan has a "lifestyle" recommendation "lifestyle.resistance-training"
    And the recommendation "lifestyle.physical-activity" mentions "150 minutes"
    And the recommendation "lifestyle.resistance-training" mentions "2 days a week"
    And the plan has a goal mentioning "150 min/week"
    And the plan has a goal mentioning "2 days/week"
    And the plan recommends 2 items of category "lifestyle"

  Scenario: 180 minutes of aerobic activity needs no aerobic advice, but no resistance training does
    Given a patient "runner"
    And the patient is a 35-year-old female
    And the patient's lifestyle:
      | field                             | value |
      | activity_minutes_per_week         | 180   |
      | resistance_training_days_per_week | 1     |
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.physical-activity"
    And the plan has a "lifestyle" recommendation "lifestyle.resistance-training"

  Scenario: An active patient who trains twice a week and sleeps 8 hours gets none of these
    Given a patient "active"
    And the patient is a 44-year-old female
    And the patient's lifestyle:
      | field                             | value |
      | activity_minutes_per_week         | 180   |
      | resistance_training_days_per_week | 2     |
      | sleep_hours                       | 8     |
    When the care plan is generated
    Then the plan has no "lifestyle" recommendations
    And the plan has no goals

  Scenario: Six hours of sleep gets sleep advice from the AASM/SRS consensus
    Given a patient "short-sleeper"
    And the patient is a 39-year-old male
    And the patient's lifestyle:
      | field       | value |
      | sleep_hours | 6     |
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.sleep"
    And the recommendation "lifestyle.sleep" cites "AASM/SRS"
    And the plan has a goal mentioning "7 h/night"

  Scenario: Exercise advice waits for the obstetric team in pregnancy
    Given a patient "pregnant-inactive"
    And the patient is a 30-year-old female
    And the patient is pregnant
    And the patient's lifestyle:
      | field                             | value |
      | activity_minutes_per_week         | 30    |
      | resistance_training_days_per_week | 0     |
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.physical-activity"
    And the plan has no recommendation "lifestyle.resistance-training"
