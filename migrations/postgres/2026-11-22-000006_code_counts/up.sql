-- Codes issued per round and elector group, kept as codes are generated, so turnout reads one
-- row per group instead of counting every code (codes used are the ballots counted in
-- round_ballot_counts: a code is spent exactly when its ballot is stored).
CREATE TABLE round_code_counts (
    round_id BIGINT NOT NULL,
    elector_group TEXT NOT NULL,
    issued BIGINT NOT NULL,
    PRIMARY KEY (round_id, elector_group)
);
INSERT INTO round_code_counts (round_id, elector_group, issued)
    SELECT round_id, elector_group, COUNT(*) FROM ballot_codes GROUP BY round_id, elector_group;
