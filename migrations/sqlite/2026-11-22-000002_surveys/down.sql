DROP TABLE survey_comments;
DROP TABLE survey_counts;
DROP TABLE survey_sums;
DROP TABLE survey_tallies;
DROP TABLE survey_responses;
DROP TABLE survey_targets;
DROP TABLE survey_versions;
DROP TABLE surveys;
