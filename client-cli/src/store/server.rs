//! Which server the store belongs to: the one of its first pull, for as long as it holds
//! anything not yet sent.

use rusqlite::OptionalExtension;

use super::{LocalStore, StoreError};

impl LocalStore {
    /// The server this store belongs to, recorded at the first pull.
    pub fn server(&self) -> Result<Option<String>, StoreError> {
        self.meta("server")
    }

    pub(super) fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Whether anything collected is still to be sent or dealt with: queued, batched or
    /// refused items.
    pub fn has_unsent_work(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM items WHERE state IN ('queued', 'batched', 'attention'))",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Binds the store to `server` (first pull), or rebinds an empty store to another server,
    /// forgetting the old server's manifest, counts and batches. Refuses (returns the bound
    /// server) when unsent work belongs to another server.
    pub fn bind_server(&mut self, server: &str) -> Result<Result<(), String>, StoreError> {
        let (tx, err) = self.begin()?;
        let bound: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'server'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(&err)?;
        match bound {
            Some(bound) if bound == server => return Ok(Ok(())),
            Some(bound) => {
                let busy: bool = tx
                    .query_row(
                        "SELECT EXISTS (SELECT 1 FROM items WHERE state IN ('queued', 'batched', 'attention'))",
                        [],
                        |r| r.get(0),
                    )
                    .map_err(&err)?;
                if busy {
                    return Ok(Err(bound));
                }
                tx.execute_batch(
                    "DELETE FROM items; DELETE FROM batches; DELETE FROM counts; \
                     DELETE FROM manifest; DELETE FROM imports; \
                     DELETE FROM meta WHERE key IN ('coverage', 'coverage_at');",
                )
                .map_err(&err)?;
            }
            None => {}
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('server', ?1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [server],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::response;
    use super::super::ItemState;
    use super::*;

    #[test]
    fn an_empty_store_may_move_to_another_server_but_unsent_work_may_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open_in(dir.path()).unwrap();
        assert_eq!(store.bind_server("http://a").unwrap(), Ok(()));
        assert_eq!(store.bind_server("http://a").unwrap(), Ok(()));
        store.add_item(&response(3, "a")).unwrap();
        assert_eq!(
            store.bind_server("http://b").unwrap(),
            Err("http://a".to_string())
        );
        let id = store.items_in(ItemState::Queued).unwrap()[0].id;
        store.discard(id).unwrap();
        assert_eq!(store.bind_server("http://b").unwrap(), Ok(()));
        assert_eq!(store.server().unwrap().as_deref(), Some("http://b"));
        assert!(store.counts().unwrap().is_empty(), "old counts forgotten");
    }
}
