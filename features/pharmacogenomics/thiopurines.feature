@pharmacogenomics
Feature: Azathioprine, mercaptopurine and thioguanine guided by TPMT and NUDT15 (CPIC 2018)
  Thiopurine doses are looked up by TPMT and NUDT15 together. Intermediate metabolizers start at
  a reduced dose; poor metabolizers of either gene use a non-thiopurine for non-malignant
  disease or a drastically reduced dose for cancer. A gene not tested is "No Result": CPIC
  still recommends from the other gene, and the plan asks for the missing test.

  Scenario Outline: <drug> for TPMT <tpmt> and NUDT15 <nudt15>
    Given a patient "thiopurine-outline"
    And the patient has these genotypes:
      | gene   | diplotype |
      | TPMT   | <tpmt>    |
      | NUDT15 | <nudt15>  |
    And the patient has "<drug>" planned for "<indication>"
    When the care plan is generated
    Then the plan recommends "<action>" for "<drug>"
    And the recommendation "pgx.<drug>" has strength "<strength>"
    And the plan has no data gaps

    Examples:
      | drug           | tpmt    | nudt15 | indication                    | action          | strength |
      | azathioprine   | *1/*1   | *1/*1  | Crohn disease                 | standard-dose   | strong   |
      | azathioprine   | *1/*3A  | *1/*1  | Crohn disease                 | reduce-dose     | strong   |
      | azathioprine   | *3A/*3C | *1/*1  | autoimmune hepatitis          | use-alternative | strong   |
      | azathioprine   | *1/*1   | *3/*3  | kidney transplant             | use-alternative | strong   |
      | mercaptopurine | *1/*3A  | *1/*3  | acute lymphoblastic leukaemia | reduce-dose     | strong   |
      | mercaptopurine | *1/*1   | *3/*3  | acute lymphoblastic leukaemia | use-alternative | strong   |
      | thioguanine    | *1/*3A  | *1/*1  | acute myeloid leukaemia       | reduce-dose     | moderate |
      | thioguanine    | *1/*5   | *5/*6  | acute myeloid leukaemia       | monitor         | strong   |

  Scenario: Azathioprine with a TPMT result and NUDT15 untested still gets its recommendation
    Given a patient "azathioprine-nudt15-untested"
    And the patient's TPMT diplotype is "*3A/*3A"
    And the patient has "azathioprine" planned for "rheumatoid arthritis"
    When the care plan is generated
    Then the plan recommends "use-alternative" for "azathioprine"
    And the recommendation "pgx.azathioprine" mentions "no NUDT15 result"
    And the recommendation "pgx.azathioprine" is explained by the rule "pgx.untested-gene"
    And the plan has a "testing" recommendation "pgx.untested-gene[azathioprine,NUDT15]"
    And the plan has a data gap suggesting "NUDT15 genotyping"

  Scenario: Mercaptopurine with neither gene tested asks for both tests and recommends nothing
    Given a patient "mercaptopurine-untested"
    And the patient has "mercaptopurine" planned for "acute lymphoblastic leukaemia"
    When the care plan is generated
    Then the plan has no recommendation "pgx.mercaptopurine"
    And the plan has a data gap suggesting "TPMT genotyping"
    And the plan has a data gap suggesting "NUDT15 genotyping"
