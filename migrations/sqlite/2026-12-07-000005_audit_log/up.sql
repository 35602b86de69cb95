-- What organisers and administrators did: who, what, when and on which object, never an
-- answer, a ballot, a code or anything about a respondent. Each entry holds the hash of the one
-- before it (prev_hash) and its own hash over both, so editing, removing or reordering an entry
-- breaks the chain at that entry (`canvass-server audit verify`).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
