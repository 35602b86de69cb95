DROP TABLE survey_bursts;
ALTER TABLE units DROP COLUMN population;
DROP INDEX ballot_codes_instrument;
ALTER TABLE ballot_codes DROP COLUMN instrument;
ALTER TABLE surveys DROP COLUMN requires_codes;
