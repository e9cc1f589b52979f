@rendering
Feature: Rendering a plan for clinicians and patients
  A plan renders as Markdown, HTML or JSON, for a clinician or for the patient. These checks stay
  on robust facts (the patient id, the drug, the document kind, the JSON schema tag).

  Background:
    Given the patient from "examples/pgx-clopidogrel.yaml"
    And the care plan is generated

  Scenario: Markdown for the clinician names the patient and the drug
    When the plan is rendered as "md" for the "clinician"
    Then the document contains "pgx-clopidogrel"
    And the document contains "clopidogrel"

  Scenario: HTML for the clinician is an HTML document
    When the plan is rendered as "html" for the "clinician"
    Then the document contains "<html"
    And the document contains "pgx-clopidogrel"

  Scenario: JSON is the contract's plan
    When the plan is rendered as "json" for the "clinician"
    Then the document contains "careplan/plan@1"
    And the document contains "pgx-clopidogrel"
    And the document contains "prasugrel"
    And the document does not contain "Traceback"

  Scenario: Markdown for the patient names the drug in plain words
    When the plan is rendered as "md" for the "patient"
    Then the document contains "clopidogrel"
    And the document does not contain "rules/pgx"

  Scenario: HTML for the patient is an HTML document
    When the plan is rendered as "html" for the "patient"
    Then the document contains "<html"
