@lifestyle
Feature: Alcohol limits by sex, and smoking cessation (in and outside pregnancy)
  Men: no more than 2 drinks a day (14 a week); women: no more than 1 (7 a week); in pregnancy,
  none. Smokers get behavioural support plus medicine (USPSTF 2021, grade A); in pregnancy,
  behavioural support only, because the evidence on medicines is insufficient (I statement).

  Scenario Outline: <drinks> drinks a week for a <sex> patient
    Given a patient "alcohol"
    And the patient is a 50-year-old <sex>
    And the patient's lifestyle:
      | field                   | value    |
      | alcohol_drinks_per_week | <drinks> |
    When the care plan is generated
    Then the rule "<rule>" <outcome>

    Examples:
      | sex    | drinks | rule                    | outcome       |
      | male   | 15     | lifestyle.alcohol-men   | fired         |
      | male   | 14     | lifestyle.alcohol-men   | did not fire  |
      | female | 8      | lifestyle.alcohol-women | fired         |
      | female | 7      | lifestyle.alcohol-women | did not fire  |

  Scenario: Drinking within the limit gets no alcohol advice
    Given a patient "light-drinker"
    And the patient is a 50-year-old male
    And the patient's lifestyle:
      | field                   | value |
      | alcohol_drinks_per_week | 10    |
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.alcohol-reduction"

  Scenario: A woman above her limit is advised on alcohol with a daily goal
    Given a patient "woman-drinker"
    And the patient is a 50-year-old female
    And the patient's lifestyle:
      | field                   | value |
      | alcohol_drinks_per_week | 12    |
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.alcohol-reduction"
    And the recommendation "lifestyle.alcohol-reduction" mentions "1 standard drink"
    And the plan has a goal mentioning "1 drink/day"

  Scenario: Any alcohol in pregnancy is advised to stop, not to keep within a limit
    Given a patient "pregnant-drinker"
    And the patient is a 29-year-old female
    And the patient is pregnant
    And the patient's lifestyle:
      | field                   | value |
      | alcohol_drinks_per_week | 3     |
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.alcohol-pregnancy"
    And the plan has no recommendation "lifestyle.alcohol-reduction"
    And the plan has a goal mentioning "0 drinks/week"

  Scenario: A smoker is offered counselling and medicine
    Given a patient "smoker"
    And the patient is a 45-year-old male
    And the patient's smoking status is "current"
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.smoking-cessation"
    And the recommendation "lifestyle.smoking-cessation" mentions "varenicline"
    And the recommendation "lifestyle.smoking-cessation" mentions "nicotine replacement"
    And the recommendation "lifestyle.smoking-cessation" mentions "bupropion"
    And the recommendation "lifestyle.smoking-cessation" cites "USPSTF" and has strength "strong"
    And the plan has a goal mentioning "quit date"

  Scenario: A pregnant smoker gets behavioural support, and medicines are marked not indicated
    Given a patient "pregnant-smoker"
    And the patient is a 27-year-old female
    And the patient is pregnant
    And the patient's smoking status is "current"
    When the care plan is generated
    Then the plan has a "lifestyle" recommendation "lifestyle.smoking-cessation-pregnancy"
    And the plan has no recommendation "lifestyle.smoking-cessation"
    And the recommendation "lifestyle.smoking-pharmacotherapy-pregnancy" has action "not-indicated"
    And the recommendation "lifestyle.smoking-pharmacotherapy-pregnancy" has strength "no-recommendation"
    And the recommendation "lifestyle.smoking-pharmacotherapy-pregnancy" mentions "insufficient"

  Scenario: A former smoker gets no smoking advice
    Given a patient "former-smoker"
    And the patient is a 61-year-old male
    And the patient's smoking status is "former"
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.smoking-cessation"
