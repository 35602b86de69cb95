# Words of the canvass-server command line: backup and restore.

## What a backup or a restored database holds
server-contents-from = from the database { $database }
server-contents-schema = schema version: { $version }
server-contents-counts = units: { $units }   surveys: { $surveys }   answers: { $answers }   rounds: { $rounds }   electronic ballots: { $ballots }

## Done
server-backup-written = Backup written: { $file } ({ $size })
server-backup-protect = It holds every answer and ballot, the accounts and the server's keys: keep it as safe as the database.
server-restore-done = Restored { $file } into { $database } ({ $size })
server-restore-kept = The replaced database is kept as { $kept }
server-restore-not-kept = The replaced database was deleted (--no-keep).
server-restore-next = Start canvass-server to serve it. Everything written after the backup was made is not in it.

## Refused: nothing was changed
server-backup-no-database = There is no database at { $path }; nothing was written. Check database_url (CANVASS_DATABASE_URL) and the working directory.
server-restore-no-file = There is no file { $path }; nothing was changed.
server-backup-is-directory = { $path } is a directory; nothing was written. Give the name of the backup file to write.
server-backup-exists = { $path } already exists; nothing was written. Give --force to replace it, or choose another name.
server-same-file = { $path } is the configured database itself; nothing was changed.
server-not-a-database = { $path } is not a SQLite database; nothing was changed.
server-not-canvass = { $path } is a SQLite database but not one of canvass (it has no record of canvass's migrations); nothing was changed.
server-corrupt = { $path } is damaged (SQLite's integrity check: { $problem }); nothing was changed. Use another backup.
server-restore-older-schema = { $path } has schema version { $file }, older than this canvass-server's { $binary }; nothing was changed. Restore it with the canvass-server version that made it, then start this version, which brings it up to date.
server-restore-newer-schema = { $path } has schema version { $file }, newer than this canvass-server's { $binary }; nothing was changed. Restore it with the canvass-server version that made it, or a later one.
server-restore-in-use = { $path } is in use: a canvass-server (or another program) has it open; nothing was changed. Stop the server, then restore again.
server-restore-live-copy = { $log } lies beside the file to restore: it is a copy of a database in use, not a backup, and lacks what that log holds; nothing was changed. Make the backup with canvass-server backup.
server-restore-loose-log = { $log } is left from an earlier database and would be mixed into the restored one; nothing was changed. Move it away, then restore again.
server-io-failed = { $path }: { $reason }; nothing was changed.
server-sqlite-failed = SQLite failed on { $path }: { $reason }; nothing was changed.

## PostgreSQL
server-backup-postgres = The database is PostgreSQL: back it up with pg_dump, which makes a consistent copy while the servers run. Nothing was written. The command for the configured database:
server-restore-postgres = The database is PostgreSQL: restore a pg_dump backup with pg_restore, with every canvass-server on the database stopped. Nothing was changed. The command for the configured database:
server-postgres-password = The password is not shown: pg_dump and pg_restore read it from PGPASSWORD or ~/.pgpass. See docs/deployment.md.

## Audit log
server-audit-holds = The audit log holds: { $entries } entries, each pointing to the one before it. Its head: { $head }
server-audit-broken = The audit log was changed: entry { $entry } does not hold ({ $why }). Entries before it are intact.
server-audit-why-moved = an entry before it is missing, or it was moved
server-audit-why-link = it does not point back to the entry before it
server-audit-why-changed = its content was changed after it was written
## canvass-server admin
server-admin-password-reset = The account { $username } has a temporary password (shown only this once):
server-admin-password-once = It must be changed at the first sign-in with it; the account's old password and every signed-in device no longer work.
server-admin-no-such-account = There is no account with the username { $username }.
