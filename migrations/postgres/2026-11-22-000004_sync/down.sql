DROP TABLE sync_batches;
