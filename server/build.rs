//! Re-embed the migrations whenever one changes: `embed_migrations!` alone does not notice.
fn main() {
    println!("cargo:rerun-if-changed=../migrations/sqlite");
    println!("cargo:rerun-if-changed=../migrations/postgres");
}
