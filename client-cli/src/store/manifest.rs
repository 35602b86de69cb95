//! The cached manifest: one record, replaced by every pull that brings a new one.

use canvass_protocol::sync::{FieldCoverage, Manifest};
use rusqlite::{params, OptionalExtension};

use super::{LocalStore, StoreError};

/// The cached manifest.
#[derive(Debug, Clone)]
pub struct CachedManifest {
    pub manifest: Manifest,
    pub etag: Option<String>,
    /// When it was last fetched with content (Unix seconds).
    pub pulled_at: i64,
    /// When the server was last asked, including "not modified" answers.
    pub checked_at: i64,
}

impl LocalStore {
    /// The cached manifest, if any was pulled.
    pub fn manifest(&self) -> Result<Option<CachedManifest>, StoreError> {
        let row: Option<(Option<String>, String, i64, i64)> = self
            .conn
            .query_row(
                "SELECT etag, body, pulled_at, checked_at FROM manifest WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((etag, body, pulled_at, checked_at)) = row else {
            return Ok(None);
        };
        let manifest = serde_json::from_str(&body)
            .map_err(|e| self.damaged(format!("the cached manifest: {e}")))?;
        Ok(Some(CachedManifest {
            manifest,
            etag,
            pulled_at,
            checked_at,
        }))
    }

    /// Replaces the cached manifest (one row: pulling again never duplicates anything).
    pub fn save_manifest(
        &mut self,
        manifest: &Manifest,
        etag: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let body = serde_json::to_string(manifest).expect("a manifest serialises");
        self.conn
            .execute(
                "INSERT INTO manifest (id, etag, body, pulled_at, checked_at) \
                 VALUES (1, ?1, ?2, ?3, ?3) \
                 ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, body = excluded.body, \
                 pulled_at = excluded.pulled_at, checked_at = excluded.checked_at",
                params![etag, body, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Records that the server said the cached manifest is current.
    pub fn touch_manifest(&mut self, now: i64) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE manifest SET checked_at = ?1 WHERE id = 1", [now])
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The field coverage of the last pull and when it was fetched, if any.
    pub fn coverage(&self) -> Result<Option<(FieldCoverage, i64)>, StoreError> {
        let (Some(body), Some(at)) = (self.meta("coverage")?, self.meta("coverage_at")?) else {
            return Ok(None);
        };
        let coverage = serde_json::from_str(&body)
            .map_err(|e| self.damaged(format!("the cached coverage: {e}")))?;
        Ok(Some((coverage, at.parse().unwrap_or(0))))
    }

    /// Replaces the cached field coverage.
    pub fn save_coverage(&mut self, coverage: &FieldCoverage, now: i64) -> Result<(), StoreError> {
        let body = serde_json::to_string(coverage).expect("coverage serialises");
        let (tx, err) = self.begin()?;
        for (key, value) in [("coverage", body), ("coverage_at", now.to_string())] {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }
}
