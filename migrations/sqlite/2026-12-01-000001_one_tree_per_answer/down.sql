CREATE TABLE survey_responses_old (
    id TEXT PRIMARY KEY NOT NULL,
    survey_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    target_unit_id BIGINT NOT NULL,
    respondent_unit_id BIGINT,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'field', 'paper')),
    day TEXT NOT NULL,
    answers TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO survey_responses_old
    (id, survey_id, version, target_unit_id, respondent_unit_id, channel, day, answers)
    SELECT id, survey_id, version, target_unit_id, respondent_unit_id, channel, day, answers
    FROM survey_responses;
DROP TABLE survey_responses;
ALTER TABLE survey_responses_old RENAME TO survey_responses;
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, target_unit_id);
CREATE INDEX survey_responses_export ON survey_responses (survey_id, id);

CREATE TABLE survey_comments_old (
    id TEXT PRIMARY KEY NOT NULL,
    survey_id BIGINT NOT NULL,
    target_unit_id BIGINT NOT NULL,
    question_id TEXT NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO survey_comments_old (id, survey_id, target_unit_id, question_id, body)
    SELECT id, survey_id, target_unit_id, question_id, body FROM survey_comments;
DROP TABLE survey_comments;
ALTER TABLE survey_comments_old RENAME TO survey_comments;
CREATE INDEX survey_comments_survey ON survey_comments (survey_id, target_unit_id);

CREATE TABLE ballots_old (
    id TEXT PRIMARY KEY NOT NULL,
    round_id BIGINT NOT NULL,
    elector_group TEXT NOT NULL,
    valid BOOLEAN NOT NULL,
    marks TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO ballots_old (id, round_id, elector_group, valid, marks)
    SELECT id, round_id, elector_group, valid, marks FROM ballots;
DROP TABLE ballots;
ALTER TABLE ballots_old RENAME TO ballots;
CREATE INDEX ballots_round ON ballots (round_id, elector_group);
