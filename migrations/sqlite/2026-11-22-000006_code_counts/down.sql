DROP TABLE round_code_counts;
