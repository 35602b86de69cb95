-- Rectification (整改): a survey's results published (the step that picks the units to
-- rectify), the items of the rectification ledger (整改台账), every step of an item's cycle
-- with who and when, and the files attached to a report.
CREATE TABLE survey_results_published (
    survey_id BIGINT NOT NULL PRIMARY KEY REFERENCES surveys(id),
    published_at BIGINT NOT NULL,
    published_by BIGINT NOT NULL REFERENCES accounts(id)
);

CREATE TABLE rectification_items (
    id INTEGER PRIMARY KEY,
    -- the unit that rectifies (an official's unit for an item about an official)
    unit_id BIGINT NOT NULL REFERENCES units(id),
    survey_id BIGINT REFERENCES surveys(id),
    round_id BIGINT REFERENCES rounds(id),
    official_id BIGINT REFERENCES officials(id),
    -- picked by the rectification rule when results were published, or added by hand
    by_rule BOOLEAN NOT NULL,
    -- what was found, as JSON (docs/rectification.md)
    finding TEXT NOT NULL,
    -- YYYY-MM-DD, the last day of the unit's report
    due_on TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'reported', 'returned', 'closed')),
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rectification_items_unit ON rectification_items (unit_id);
CREATE INDEX rectification_items_survey ON rectification_items (survey_id);
CREATE INDEX rectification_items_round ON rectification_items (round_id);

CREATE TABLE rectification_events (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES rectification_items(id),
    kind TEXT NOT NULL CHECK (kind IN ('created', 'due_set', 'reported', 'returned', 'accepted')),
    actor_id BIGINT NOT NULL REFERENCES accounts(id),
    at BIGINT NOT NULL,
    -- the report's text, the reason it was sent back, or the due date set
    body TEXT
);
CREATE INDEX rectification_events_item ON rectification_events (item_id);

CREATE TABLE rectification_attachments (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES rectification_items(id),
    event_id BIGINT NOT NULL REFERENCES rectification_events(id),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX rectification_attachments_event ON rectification_attachments (event_id);
