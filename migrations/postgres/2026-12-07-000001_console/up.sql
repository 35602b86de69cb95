-- The organiser's console: retired units (kept for the answers that name them, never targeted
-- again), a temporary password that must be changed at the next sign-in, and the team and
-- roster order of officials (干部名册).
ALTER TABLE units ADD COLUMN retired_at BIGINT;
ALTER TABLE accounts ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE officials ADD COLUMN team TEXT;
ALTER TABLE officials ADD COLUMN sort_order INTEGER;
