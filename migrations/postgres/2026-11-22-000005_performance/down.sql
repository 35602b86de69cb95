DROP INDEX survey_responses_export;
