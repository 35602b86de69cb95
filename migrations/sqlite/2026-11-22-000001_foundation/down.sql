DROP TABLE server_secrets;
DROP TABLE login_throttle;
DROP TABLE device_tokens;
DROP TABLE accounts;
DROP TABLE units;
