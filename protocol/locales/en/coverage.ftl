# Field coverage: which villages a survey has reached (the coverage page, the field client).

coverage-title = { $survey }: field coverage
coverage-rule = Counts under { $group } answer sheets are hidden, exactly as in the results.
coverage-rule-exact = Exact counts. Leaders see counts under { $group } answer sheets hidden, exactly as in the results.
coverage-summary = { $missing } of { $villages } villages and communities have no answer sheet yet.
coverage-area-missing = { $missing } of { $villages } with no answer sheet yet
coverage-back = Back to the results
coverage-link = Field coverage: every village and community, those with no answer sheet included
coverage-not-stated = Answer sheets that named no village
coverage-none = none yet
coverage-no-villages = No village or community in your area takes this survey.
