-- Keyset pagination of a survey's answers in random-id order (the CSV export) reads this index
-- in order instead of sorting every answer of the survey for each page.
CREATE INDEX survey_responses_export ON survey_responses (survey_id, id);
