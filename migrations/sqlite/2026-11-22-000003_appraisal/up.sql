-- Democratic appraisal: officials, rounds, one-time ballot codes, anonymous ballots, live
-- tallies and paper tally sheets.
CREATE TABLE officials (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    position TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX officials_unit ON officials (unit_id);

CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    series_id TEXT NOT NULL,
    period TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'published')),
    -- the round definition as JSON (docs/appraisal.md)
    definition TEXT NOT NULL,
    -- the ballot page: /b/{slug}
    slug TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rounds_unit ON rounds (unit_id);
CREATE INDEX rounds_series ON rounds (series_id);

-- One-time codes. Only a keyed hash of the code is kept. Nothing records when a code was
-- used or which ballot it cast: `used` is the only trace.
CREATE TABLE ballot_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    round_id BIGINT NOT NULL,
    elector_group TEXT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE
) WITHOUT ROWID;
CREATE INDEX ballot_codes_round ON ballot_codes (round_id, elector_group);

-- Electronic ballots: random id, no time, no code, no account.
CREATE TABLE ballots (
    id TEXT PRIMARY KEY NOT NULL,
    round_id BIGINT NOT NULL,
    elector_group TEXT NOT NULL,
    valid BOOLEAN NOT NULL,
    -- the normalised marks as JSON; an invalid ballot (废票) keeps its marks for review
    marks TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ballots_round ON ballots (round_id, elector_group);

-- Live counts of electronic ballots per group, subject, dimension ('' = overall) and grade
-- ('' = abstention), updated with each ballot.
CREATE TABLE round_tallies (
    round_id BIGINT NOT NULL,
    elector_group TEXT NOT NULL,
    subject TEXT NOT NULL,
    dimension TEXT NOT NULL,
    grade TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (round_id, elector_group, subject, dimension, grade)
) WITHOUT ROWID;

CREATE TABLE round_ballot_counts (
    round_id BIGINT NOT NULL,
    elector_group TEXT NOT NULL,
    valid BIGINT NOT NULL,
    invalid BIGINT NOT NULL,
    PRIMARY KEY (round_id, elector_group)
) WITHOUT ROWID;

-- Paper tally sheets, one current sheet per station; a correction adds a row and marks the
-- one it replaces, keeping who entered each and when (a sheet is a station's totals, not an
-- elector's ballot).
CREATE TABLE tally_sheets (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds(id),
    station TEXT NOT NULL,
    elector_group TEXT NOT NULL,
    sheet TEXT NOT NULL,
    void BOOLEAN NOT NULL,
    entered_by BIGINT NOT NULL REFERENCES accounts(id),
    entered_at BIGINT NOT NULL,
    replaced_by BIGINT,
    replaced_at BIGINT
);
CREATE INDEX tally_sheets_round ON tally_sheets (round_id, station);
-- one current sheet per station, even when two officers enter it at once
CREATE UNIQUE INDEX tally_sheets_current ON tally_sheets (round_id, station) WHERE replaced_at IS NULL;
