-- Field sync: one row per stored batch, so a batch is stored exactly once. It keeps only the
-- batch id, a hash of its exact bytes, the officer, its counts and when it arrived; the answers
-- and sheets it carried do not point to it (docs/privacy.md).
CREATE TABLE sync_batches (
    batch_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    survey_responses INTEGER NOT NULL,
    tally_sheets INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX sync_batches_account ON sync_batches (account_id);
