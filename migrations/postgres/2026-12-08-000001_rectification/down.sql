DROP TABLE rectification_attachments;
DROP TABLE rectification_events;
DROP TABLE rectification_items;
DROP TABLE survey_results_published;
