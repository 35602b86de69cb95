//! Operating the server binary: its logs, and the backup and restore of its database.

mod backup;
mod logs;
