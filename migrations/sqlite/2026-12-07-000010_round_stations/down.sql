DROP TABLE round_stations;
