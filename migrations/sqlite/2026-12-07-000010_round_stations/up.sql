-- The station setup of a round: how many polling stations (one tally sheet each) the organiser
-- expects, so that the count shows stations expected against entered.
CREATE TABLE round_stations (
    round_id BIGINT NOT NULL PRIMARY KEY REFERENCES rounds(id),
    expected INTEGER NOT NULL
);
