//! Fixtures shared by the storage layer's unit tests.

use super::{open, DbConnection, Pool};

/// A pool of `size` on a fresh SQLite file named `name` in a directory removed when the
/// first value is dropped.
pub(super) fn scratch(name: &str, size: u32) -> (tempfile::TempDir, Pool) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}",
        dir.path().join(format!("{name}.db")).display()
    );
    (dir, open(&url, size).unwrap().0)
}

/// The SQL of every statement `conn` caches from now on.
pub(super) fn cached_statements(
    conn: &mut DbConnection,
) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use diesel::connection::{Connection as _, InstrumentationEvent};
    let cached = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&cached);
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::CacheQuery { sql, .. } = event {
            seen.lock().unwrap().push(sql.to_string());
        }
    });
    cached
}
