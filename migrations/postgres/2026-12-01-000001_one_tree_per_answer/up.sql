-- One B-tree per stored answer, comment and ballot instead of two or three. Each primary key
-- now leads with what every read of the table filters on (the export pages through a survey's
-- answers in random-id order, comments are read per survey and target, ballots per round and
-- elector group), so the secondary indexes that served those reads are gone. The ids stay random.
ALTER TABLE survey_responses DROP CONSTRAINT survey_responses_pkey;
ALTER TABLE survey_responses ADD PRIMARY KEY (survey_id, id);
DROP INDEX survey_responses_survey;
DROP INDEX survey_responses_export;

ALTER TABLE survey_comments DROP CONSTRAINT survey_comments_pkey;
ALTER TABLE survey_comments ADD PRIMARY KEY (survey_id, target_unit_id, id);
DROP INDEX survey_comments_survey;

ALTER TABLE ballots DROP CONSTRAINT ballots_pkey;
ALTER TABLE ballots ADD PRIMARY KEY (round_id, elector_group, id);
DROP INDEX ballots_round;
