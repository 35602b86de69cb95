-- Submission keys of public answers (docs/privacy.md, "Submission keys"): the SHA-256 of the
-- random key a survey form was shown with, under its survey, and the hour after which a retry
-- can no longer come and the row is swept. No column points to an answer.
CREATE TABLE submission_keys (
    key_hash TEXT NOT NULL PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX submission_keys_expiry ON submission_keys (expires_at);
