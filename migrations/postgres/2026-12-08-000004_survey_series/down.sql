DROP INDEX surveys_series;
ALTER TABLE surveys DROP COLUMN period;
ALTER TABLE surveys DROP COLUMN series;
