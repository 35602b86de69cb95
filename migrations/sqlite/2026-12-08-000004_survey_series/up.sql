-- A survey may belong to a series (the same survey run each quarter or year) and name its
-- period, so that its results can be compared with the series' other periods (trends). Both
-- are optional; a survey's series is its name.
ALTER TABLE surveys ADD COLUMN series TEXT;
ALTER TABLE surveys ADD COLUMN period TEXT;
CREATE INDEX surveys_series ON surveys (series);
