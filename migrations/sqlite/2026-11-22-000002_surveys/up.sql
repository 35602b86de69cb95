-- Satisfaction surveys: definitions and versions, targets, anonymous responses, live tallies.
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    -- the unit whose subtree may manage the survey and read its results
    unit_id BIGINT NOT NULL REFERENCES units(id),
    -- short public link: /s/{slug}
    slug TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    -- the published version answers are given on now (NULL until the first publication)
    current_version INTEGER,
    min_group_size INTEGER NOT NULL,
    comment_min_group_size INTEGER NOT NULL,
    opens_at BIGINT,
    closes_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX surveys_unit ON surveys (unit_id);

CREATE TABLE survey_versions (
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    version INTEGER NOT NULL,
    -- the form definition as JSON (docs/forms.md)
    definition TEXT NOT NULL,
    -- NULL while a draft; a published version never changes
    published_at BIGINT,
    PRIMARY KEY (survey_id, version)
);

CREATE TABLE survey_targets (
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    -- short public link for this target alone: /s/{slug}
    slug TEXT NOT NULL UNIQUE,
    PRIMARY KEY (survey_id, unit_id)
);
CREATE INDEX survey_targets_unit ON survey_targets (unit_id);

-- One row per answered form. Anonymous by construction: a random id (no insertion order),
-- no account, officer, device, address, user agent or time finer than the day. WITHOUT ROWID
-- so SQLite keeps no hidden sequential rowid either.
CREATE TABLE survey_responses (
    id TEXT PRIMARY KEY NOT NULL,
    survey_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    target_unit_id BIGINT NOT NULL,
    respondent_unit_id BIGINT,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'field', 'paper')),
    -- 'YYYY-MM-DD' (UTC+8, the users' calendar day)
    day TEXT NOT NULL,
    -- the validated answers as JSON
    answers TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, target_unit_id);

-- Live tallies, updated in the same transaction as each response, so results cost O(options).
CREATE TABLE survey_tallies (
    survey_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    target_unit_id BIGINT NOT NULL,
    question_id TEXT NOT NULL,
    option_id TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (survey_id, version, target_unit_id, question_id, option_id)
) WITHOUT ROWID;

-- Count and sum of the numeric answers (0-10 scores and numbers).
CREATE TABLE survey_sums (
    survey_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    target_unit_id BIGINT NOT NULL,
    question_id TEXT NOT NULL,
    count BIGINT NOT NULL,
    total DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (survey_id, version, target_unit_id, question_id)
) WITHOUT ROWID;

-- Responses per target, respondent's village (0 = not given), day and channel: totals,
-- coverage and trends without reading the responses.
CREATE TABLE survey_counts (
    survey_id BIGINT NOT NULL,
    target_unit_id BIGINT NOT NULL,
    respondent_unit_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (survey_id, target_unit_id, respondent_unit_id, day, channel)
) WITHOUT ROWID;

-- Free-text answers, kept apart so results can show them (above their own group-size
-- threshold) without reading every response. Random ids: no order of arrival.
CREATE TABLE survey_comments (
    id TEXT PRIMARY KEY NOT NULL,
    survey_id BIGINT NOT NULL,
    target_unit_id BIGINT NOT NULL,
    question_id TEXT NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX survey_comments_survey ON survey_comments (survey_id, target_unit_id);
