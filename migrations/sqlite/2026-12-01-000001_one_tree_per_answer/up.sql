-- One B-tree per stored answer, comment and ballot instead of two or three. Each primary key
-- now leads with what every read of the table filters on (the export pages through a survey's
-- answers in random-id order, comments are read per survey and target, ballots per round and
-- elector group), so the secondary indexes that served those reads are gone: an insert at a
-- random place in the table is one page to find and write, not three. The ids stay random.
CREATE TABLE survey_responses_new (
    id TEXT NOT NULL,
    survey_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    target_unit_id BIGINT NOT NULL,
    respondent_unit_id BIGINT,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'field', 'paper')),
    -- 'YYYY-MM-DD' (UTC+8, the users' calendar day)
    day TEXT NOT NULL,
    -- the validated answers as JSON
    answers TEXT NOT NULL,
    PRIMARY KEY (survey_id, id)
) WITHOUT ROWID;
INSERT INTO survey_responses_new
    (id, survey_id, version, target_unit_id, respondent_unit_id, channel, day, answers)
    SELECT id, survey_id, version, target_unit_id, respondent_unit_id, channel, day, answers
    FROM survey_responses;
DROP TABLE survey_responses;
ALTER TABLE survey_responses_new RENAME TO survey_responses;

CREATE TABLE survey_comments_new (
    id TEXT NOT NULL,
    survey_id BIGINT NOT NULL,
    target_unit_id BIGINT NOT NULL,
    question_id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (survey_id, target_unit_id, id)
) WITHOUT ROWID;
INSERT INTO survey_comments_new (id, survey_id, target_unit_id, question_id, body)
    SELECT id, survey_id, target_unit_id, question_id, body FROM survey_comments;
DROP TABLE survey_comments;
ALTER TABLE survey_comments_new RENAME TO survey_comments;

CREATE TABLE ballots_new (
    id TEXT NOT NULL,
    round_id BIGINT NOT NULL,
    elector_group TEXT NOT NULL,
    valid BOOLEAN NOT NULL,
    -- the normalised marks as JSON; an invalid ballot (废票) keeps its marks for review
    marks TEXT NOT NULL,
    PRIMARY KEY (round_id, elector_group, id)
) WITHOUT ROWID;
INSERT INTO ballots_new (id, round_id, elector_group, valid, marks)
    SELECT id, round_id, elector_group, valid, marks FROM ballots;
DROP TABLE ballots;
ALTER TABLE ballots_new RENAME TO ballots;
