-- Survey codes and anomaly flags (docs/privacy.md, "Survey codes" and "Anomaly flags").
--
-- A survey may require a one-time code per answer (one answer per household).
ALTER TABLE surveys ADD COLUMN requires_codes BOOLEAN NOT NULL DEFAULT FALSE;
-- Survey codes share the ballot codes' table and machinery: `instrument` says whose code a row
-- is; for a survey code `round_id` holds the survey's id and `elector_group` its scope (the
-- target unit, and the village when the code was made for one). As for ballots, `used` is the
-- only trace of an answer: nothing records when, or which answer.
ALTER TABLE ballot_codes ADD COLUMN instrument TEXT NOT NULL DEFAULT 'round';
CREATE INDEX ballot_codes_instrument ON ballot_codes (instrument, round_id);
-- An optional head count of a unit (a village's residents), to compare a village's share of
-- answers with its share of the people.
ALTER TABLE units ADD COLUMN population BIGINT;
-- Bursts of identical answer sets at one target unit within an hour, found while the answers
-- arrive (the answer sets are compared in memory and never stored with a time): the hour, and
-- how many identical sets came in it. No column names an answer or its content.
CREATE TABLE survey_bursts (
    survey_id BIGINT NOT NULL,
    target_unit_id BIGINT NOT NULL,
    hour BIGINT NOT NULL,
    identical BIGINT NOT NULL,
    PRIMARY KEY (survey_id, target_unit_id, hour)
);
