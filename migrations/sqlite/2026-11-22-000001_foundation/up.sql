-- Units, accounts, device tokens, sign-in throttling and server secrets.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    parent_id BIGINT REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('county', 'township', 'department', 'village', 'community')),
    name TEXT NOT NULL,
    window_unit BOOLEAN NOT NULL DEFAULT FALSE,
    -- materialised path of ids, '/1/4/9/': a subtree is one prefix match
    path TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_path ON units (path);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'organiser', 'leader', 'officer')),
    -- NULL only for an administrator of the whole installation
    unit_id BIGINT REFERENCES units(id),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    -- bumped when the password changes: tokens naming an older version are refused
    session_version INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX accounts_unit ON accounts (unit_id);

CREATE TABLE device_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX device_tokens_account ON device_tokens (account_id);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    last_failure BIGINT NOT NULL
);

CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
