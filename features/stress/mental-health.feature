@stress
Feature: Depression, anxiety and suicide-risk screening (PHQ-9, GAD-7)
  The PHQ-9 total is banded by Kroenke 2001 and the GAD-7 total by Spitzer 2006. A PHQ-9 or
  GAD-7 of 10 or more is a positive screen that needs clinical evaluation (USPSTF 2023); mild
  depressive symptoms get watchful waiting with a repeat PHQ-9 in 2 to 4 weeks. Any answer above
  0 to PHQ-9 item 9 (thoughts of being better off dead or of self-harm) is an urgent warning and
  a same-day suicide risk assessment. See docs/mental-health.md.

  Scenario Outline: A PHQ-9 of <phq9> is "<severity>" depression severity
    Given a patient "phq9-outline"
    And the patient's phq9 score is <phq9>
    And the patient's phq9_item9 score is 0
    When the care plan is generated
    Then the assessment "depression-severity" is "<severity>"
    And the rule "stress.phq9-severity[<severity>]" fired

    Examples:
      | phq9 | severity          |
      | 0    | minimal           |
      | 4    | minimal           |
      | 5    | mild              |
      | 9    | mild              |
      | 10   | moderate          |
      | 14   | moderate          |
      | 15   | moderately severe |
      | 19   | moderately severe |
      | 20   | severe            |
      | 27   | severe            |

  Scenario Outline: A GAD-7 of <gad7> is "<severity>" anxiety severity
    Given a patient "gad7-outline"
    And the patient's gad7 score is <gad7>
    When the care plan is generated
    Then the assessment "anxiety-severity" is "<severity>"

    Examples:
      | gad7 | severity |
      | 0    | minimal  |
      | 4    | minimal  |
      | 5    | mild     |
      | 9    | mild     |
      | 10   | moderate |
      | 14   | moderate |
      | 15   | severe   |
      | 21   | severe   |

  Scenario Outline: A PHQ-9 of <phq9> (<severity>) gets "<evaluation>" evaluation and "<watchful>" watchful waiting
    Given a patient "phq9-actions"
    And the patient's phq9 score is <phq9>
    And the patient's phq9_item9 score is 0
    When the care plan is generated
    Then the rule "stress.depression-evaluation" <evaluation>
    And the rule "stress.depression-prompt-referral" <prompt>
    And the rule "stress.depression-watchful-waiting" <watchful>

    Examples:
      | phq9 | severity          | evaluation    | prompt        | watchful      |
      | 3    | minimal           | did not fire  | did not fire  | did not fire  |
      | 7    | mild              | did not fire  | did not fire  | fired         |
      | 12   | moderate          | fired         | did not fire  | did not fire  |
      | 17   | moderately severe | fired         | fired         | did not fire  |
      | 22   | severe            | fired         | fired         | did not fire  |

  Scenario: Minimal depressive symptoms need no depression plan
    Given a patient "phq9-minimal"
    And the patient's stress scores:
      | field      | value |
      | phq9       | 2     |
      | phq9_item9 | 0     |
      | gad7       | 3     |
    When the care plan is generated
    Then the assessment "depression-severity" is "minimal"
    And the plan has no "referral" recommendations
    And the plan has no "monitoring" recommendations
    And the plan has no follow-up
    And the plan has no data gaps
    And the plan has no warnings

  Scenario: Mild depressive symptoms get watchful waiting and a repeat PHQ-9 in 2 to 4 weeks
    Given a patient "phq9-mild"
    And the patient's stress scores:
      | field      | value |
      | phq9       | 7     |
      | phq9_item9 | 0     |
    When the care plan is generated
    Then the plan has a "monitoring" recommendation "stress.depression-watchful-waiting"
    And the recommendation "stress.depression-watchful-waiting" has action "monitor"
    And the recommendation "stress.depression-watchful-waiting" mentions "repeat the PHQ-9 in 2 to 4 weeks"
    And the plan has no "referral" recommendations
    And the follow-up interval is 28 days

  Scenario: A PHQ-9 of 12 is referred for evaluation for major depression with a 2-week review
    Given a patient "phq9-moderate"
    And the patient is 40 years old
    And the patient's stress scores:
      | field      | value |
      | phq9       | 12    |
      | phq9_item9 | 0     |
    When the care plan is generated
    Then the plan has a "referral" recommendation "stress.depression-evaluation"
    And the recommendation "stress.depression-evaluation" has action "refer"
    And the recommendation "stress.depression-evaluation" mentions "major depressive disorder"
    And the recommendation "stress.depression-evaluation" cites "USPSTF" and has strength "moderate"
    And the recommendation "stress.depression-evaluation" is explained by the rule "stress.phq9-severity"
    And the plan has no recommendation "stress.depression-prompt-referral"
    And the plan has no recommendation "stress.depression-watchful-waiting"
    And the follow-up interval is 14 days
    And the plan has no urgent warning

  Scenario: Severe depressive symptoms are referred promptly to mental-health care
    Given a patient "phq9-severe"
    And the patient's stress scores:
      | field      | value |
      | phq9       | 23    |
      | phq9_item9 | 0     |
    When the care plan is generated
    Then the assessment "depression-severity" is "severe"
    And the plan has a "referral" recommendation "stress.depression-prompt-referral"
    And the recommendation "stress.depression-prompt-referral" has action "refer"
    And the recommendation "stress.depression-prompt-referral" mentions "refer promptly to mental-health care"
    And the plan has a "referral" recommendation "stress.depression-evaluation"
    And the plan has no urgent warning

  Scenario: Any answer above 0 to PHQ-9 item 9 is an urgent same-day safety warning
    Given a patient "phq9-item9"
    And the patient's stress scores:
      | field      | value |
      | phq9       | 8     |
      | phq9_item9 | 1     |
    When the care plan is generated
    Then the plan has an urgent warning
    And the plan has a warning mentioning "suicide risk assessment is needed today"
    And the plan has a warning mentioning "988"
    And the plan has a "referral" recommendation "stress.suicide-risk-assessment"
    And the recommendation "stress.suicide-risk-assessment" has action "refer"
    And the recommendation "stress.suicide-risk-assessment" mentions "safety plan"
    And the follow-up interval is 0 days
    And the plan has no recommendation "stress.depression-watchful-waiting"

  Scenario: The patient's plan gives crisis resources when item 9 is positive
    Given a patient "phq9-item9-patient"
    And the patient's stress scores:
      | field      | value |
      | phq9       | 14    |
      | phq9_item9 | 2     |
    When the care plan is generated
    And the plan is rendered as "md" for the "patient"
    Then the document contains "Contact your care team today"
    And the document contains "call or text 988"
    And the document contains "988lifeline.org"
    And the document does not contain "stress.suicide-risk-assessment"

  Scenario: Item 9 answered 0 gives no warning, even with a high total
    Given a patient "phq9-item9-zero"
    And the patient's stress scores:
      | field      | value |
      | phq9       | 18    |
      | phq9_item9 | 0     |
    When the care plan is generated
    Then the plan has no warnings
    And the plan has no recommendation "stress.suicide-risk-assessment"
    And the rule "stress.phq9-item9-missing" did not fire

  Scenario: A PHQ-9 total without the item-9 answer asks for it
    Given a patient "phq9-item9-missing"
    And the patient's phq9 score is 6
    When the care plan is generated
    Then the plan has a data gap suggesting "PHQ-9 item 9 answer"
    And the plan has a data gap mentioning "better off dead"
    And the plan has no urgent warning

  Scenario: A PHQ-9 total of 0 needs no item-9 answer
    Given a patient "phq9-zero"
    And the patient's phq9 score is 0
    When the care plan is generated
    Then the plan has no data gaps

  Scenario: A GAD-7 of 10 or more is referred for evaluation for an anxiety disorder
    Given a patient "gad7-positive"
    And the patient's gad7 score is 13
    When the care plan is generated
    Then the plan has a "referral" recommendation "stress.anxiety-evaluation"
    And the recommendation "stress.anxiety-evaluation" has action "refer"
    And the recommendation "stress.anxiety-evaluation" mentions "anxiety disorder"
    And the recommendation "stress.anxiety-evaluation" cites "USPSTF"
    And the recommendation "stress.anxiety-evaluation" is explained by the rule "stress.gad7-severity"

  Scenario: Mild anxiety is not referred
    Given a patient "gad7-mild"
    And the patient's gad7 score is 7
    When the care plan is generated
    Then the assessment "anxiety-severity" is "mild"
    And the plan has no recommendation "stress.anxiety-evaluation"

  Scenario: High perceived stress without a PHQ-9 or GAD-7 asks for both screens
    Given a patient "pss10-no-screens"
    And the patient is a 45-year-old female
    And the patient's pss10 score is 30
    When the care plan is generated
    Then the assessment "stress-level" is "high"
    And the plan has a "stress" recommendation "stress.stress-reduction"
    And the plan has a data gap suggesting "PHQ-9 depression screen"
    And the plan has a data gap suggesting "GAD-7 anxiety screen"

  Scenario: High perceived stress with both screens on file asks for neither
    Given a patient "pss10-screened"
    And the patient's stress scores:
      | field      | value |
      | pss10      | 30    |
      | phq9       | 3     |
      | phq9_item9 | 0     |
      | gad7       | 4     |
    When the care plan is generated
    Then the plan has no data gaps

  Scenario: Moderate perceived stress alone gets no stress plan and no screening gap
    Given a patient "pss10-moderate"
    And the patient's pss10 score is 20
    When the care plan is generated
    Then the assessment "stress-level" is "moderate"
    And the plan has no "stress" recommendations
    And the plan has no data gaps

  Scenario: The mental-health example patient
    Given the patient from "examples/mental-health.yaml"
    When the care plan is generated
    Then the assessment "depression-severity" is "moderately severe"
    And the assessment "anxiety-severity" is "moderate"
    And the assessment "stress-level" is "high"
    And the plan has no urgent warning
    And these rules fired:
      | rule                              |
      | stress.depression-evaluation      |
      | stress.depression-prompt-referral |
      | stress.anxiety-evaluation         |
      | stress.stress-reduction           |
    And the rule "stress.phq9-item9-safety" did not fire
    And the plan has no data gap mentioning "PHQ-9"
    And the plan has no data gap mentioning "GAD-7"
    And the plan has a data gap mentioning "PREVENT"
    And the follow-up interval is 14 days

  Scenario: The mental-health example patient with item 9 answered "several days"
    Given the patient from "examples/mental-health.yaml"
    And the patient's phq9_item9 score is 1
    When the care plan is generated
    Then the plan has an urgent warning
    And the rule "stress.phq9-item9-safety" fired
    And the plan has a "referral" recommendation "stress.suicide-risk-assessment"
    And the follow-up interval is 0 days
