DROP TABLE tally_sheets;
DROP TABLE round_ballot_counts;
DROP TABLE round_tallies;
DROP TABLE ballots;
DROP TABLE ballot_codes;
DROP TABLE rounds;
DROP TABLE officials;
