ALTER TABLE survey_responses DROP CONSTRAINT survey_responses_pkey;
ALTER TABLE survey_responses ADD PRIMARY KEY (id);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, target_unit_id);
CREATE INDEX survey_responses_export ON survey_responses (survey_id, id);

ALTER TABLE survey_comments DROP CONSTRAINT survey_comments_pkey;
ALTER TABLE survey_comments ADD PRIMARY KEY (id);
CREATE INDEX survey_comments_survey ON survey_comments (survey_id, target_unit_id);

ALTER TABLE ballots DROP CONSTRAINT ballots_pkey;
ALTER TABLE ballots ADD PRIMARY KEY (id);
CREATE INDEX ballots_round ON ballots (round_id, elector_group);
