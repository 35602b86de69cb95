//! Tables as both sides describe them, and every difference between the two in words.

use std::collections::{BTreeMap, BTreeSet};

use canvass_server::db::Backend;

/// What the check compares: tables and foreign keys.
#[derive(Debug, Default)]
pub struct Schema {
    pub tables: Vec<Table>,
    pub foreign_keys: Vec<ForeignKey>,
}

/// A table: its name, its primary key's columns in key order, and its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub primary_key: Vec<String>,
    pub columns: Vec<Column>,
}

/// A column; `ty` is diesel's SQL type in `schema.rs` (`BigInt`), the database's own name in the
/// database (`BIGINT` on SQLite, `bigint` on PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: String,
    pub nullable: bool,
}

/// `table.column` refers to `parent`: a foreign key, or a `joinable!`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub table: String,
    pub column: String,
    pub parent: String,
}

impl ForeignKey {
    /// The `joinable!` that declares this key in `schema.rs`.
    fn joinable(&self) -> String {
        format!(
            "`joinable!({} -> {} ({}))`",
            self.table, self.parent, self.column
        )
    }
}

impl Column {
    #[cfg(test)]
    pub fn new(name: &str, ty: &str, nullable: bool) -> Self {
        Self {
            name: name.into(),
            ty: ty.into(),
            nullable,
        }
    }
}

/// The diesel types that read and write a column of the database's type `ty` without loss;
/// `None` for a type this check does not know yet.
fn readable_as(backend: Backend, ty: &str) -> Option<&'static [&'static str]> {
    Some(match (backend, ty.to_ascii_uppercase().as_str()) {
        // SQLite keeps every integer in up to 8 bytes whatever the declared width (an
        // `INTEGER PRIMARY KEY` is the 64-bit rowid); PostgreSQL's `integer` is 4 bytes
        (Backend::Sqlite, "INTEGER") => &["Integer", "BigInt"],
        (Backend::Postgres, "INTEGER") => &["Integer"],
        (_, "BIGINT") => &["BigInt"],
        (_, "TEXT") => &["Text"],
        (_, "BOOLEAN") => &["Bool"],
        (_, "DOUBLE PRECISION") => &["Double"],
        (Backend::Sqlite, "BLOB") | (Backend::Postgres, "BYTEA") => &["Binary"],
        _ => return None,
    })
}

/// Columns SQLite lets hold NULL although `schema.rs` (and PostgreSQL) do not: the `PRIMARY
/// KEY` column of a table with a rowid, declared without `NOT NULL` (SQLite keeps this for
/// compatibility with its early versions). The code never writes NULL there; only a migration
/// that rebuilds the table would close it.
const SQLITE_NULLABLE_KEYS: &[(&str, &str)] = &[("sync_batches", "batch_id")];

/// Every difference between `code` (`schema.rs`) and `database`, one sentence each; empty when
/// they agree. diesel's own `__diesel_schema_migrations` table is not compared.
pub fn differences(backend: Backend, code: &Schema, database: &Schema) -> Vec<String> {
    let by_name = |schema: &'_ Schema| -> BTreeMap<String, Table> {
        schema
            .tables
            .iter()
            .filter(|t| t.name != "__diesel_schema_migrations")
            .map(|t| (t.name.clone(), t.clone()))
            .collect()
    };
    let (code_tables, db_tables) = (by_name(code), by_name(database));
    let mut out = Vec::new();
    for name in db_tables.keys().filter(|n| !code_tables.contains_key(*n)) {
        out.push(format!(
            "table {name}: created by the migrations, missing from schema.rs"
        ));
    }
    for name in code_tables.keys().filter(|n| !db_tables.contains_key(*n)) {
        out.push(format!(
            "table {name}: in schema.rs, not created by the migrations"
        ));
    }
    for (name, db_table) in &db_tables {
        if let Some(code_table) = code_tables.get(name) {
            table_differences(backend, code_table, db_table, &mut out);
        }
    }
    foreign_key_differences(code, database, &mut out);
    out
}

fn table_differences(backend: Backend, code: &Table, database: &Table, out: &mut Vec<String>) {
    let t = &code.name;
    let find = |table: &Table, name: &str| table.columns.iter().find(|c| c.name == name).cloned();
    for db in &database.columns {
        let c = &db.name;
        let Some(code) = find(code, c) else {
            out.push(format!(
                "{t}.{c}: a column of the database ({}), missing from schema.rs",
                sql(db)
            ));
            continue;
        };
        match readable_as(backend, &db.ty) {
            None => out.push(format!(
                "{t}.{c}: the database's type {} is unknown to this check (add it to \
                 `readable_as` in tests/tests/schema/compare.rs)",
                db.ty
            )),
            Some(types) if !types.contains(&code.ty.as_str()) => out.push(format!(
                "{t}.{c}: {} in the database, {} in schema.rs (which should be {})",
                db.ty,
                code.ty,
                types.join(" or ")
            )),
            Some(_) => {}
        }
        let excused =
            backend == Backend::Sqlite && SQLITE_NULLABLE_KEYS.contains(&(t.as_str(), c.as_str()));
        if excused && !db.nullable {
            out.push(format!(
                "{t}.{c}: NOT NULL in the database now; take it out of `SQLITE_NULLABLE_KEYS` in \
                 tests/tests/schema/compare.rs"
            ));
        }
        // SQLite lets such a column hold NULL; schema.rs, like PostgreSQL, does not
        let null_on_sqlite_only = excused && db.nullable && !code.nullable;
        if db.nullable != code.nullable && !null_on_sqlite_only {
            out.push(format!(
                "{t}.{c}: {} in the database, {} in schema.rs",
                if db.nullable {
                    "NULL allowed"
                } else {
                    "NOT NULL"
                },
                diesel(&code)
            ));
        }
    }
    for code in &code.columns {
        if find(database, &code.name).is_none() {
            out.push(format!(
                "{t}.{}: in schema.rs ({}), not a column of the database",
                code.name,
                diesel(code)
            ));
        }
    }
    if code.primary_key != database.primary_key {
        out.push(format!(
            "{t}: primary key ({}) in the database, ({}) in schema.rs",
            database.primary_key.join(", "),
            code.primary_key.join(", ")
        ));
    }
}

/// Every foreign key of the database has its `joinable!`, and every `joinable!` is a foreign
/// key; a key into its own table has none (diesel joins a table to itself through an alias).
fn foreign_key_differences(code: &Schema, database: &Schema, out: &mut Vec<String>) {
    let keys = |schema: &Schema| -> BTreeSet<ForeignKey> {
        schema
            .foreign_keys
            .iter()
            .filter(|k| k.table != k.parent)
            .cloned()
            .collect()
    };
    let (code, database) = (keys(code), keys(database));
    for key in database.difference(&code) {
        out.push(format!(
            "foreign key {}.{} -> {}: no {} in schema.rs",
            key.table,
            key.column,
            key.parent,
            key.joinable()
        ));
    }
    for key in code.difference(&database) {
        out.push(format!(
            "{} in schema.rs: no such foreign key in the database",
            key.joinable()
        ));
    }
}

/// A database column as SQL would declare it.
fn sql(column: &Column) -> String {
    let null = if column.nullable { "" } else { " NOT NULL" };
    format!("{}{null}", column.ty)
}

/// A `schema.rs` column's type as `schema.rs` writes it.
fn diesel(column: &Column) -> String {
    if column.nullable {
        format!("Nullable<{}>", column.ty)
    } else {
        column.ty.clone()
    }
}

#[test]
fn each_difference_is_named_exactly() {
    let code = crate::schema_rs::read(
        "diesel::table! {\n\
             things (id) {\n\
                 id -> BigInt,\n\
                 owner_id -> BigInt,\n\
                 label -> Nullable<Text>,\n\
                 weight -> Integer,\n\
                 gone -> Text,\n\
             }\n\
         }\n\
         diesel::table! {\n\
             ghosts (id) {\n\
                 id -> BigInt,\n\
             }\n\
         }\n\
         diesel::joinable!(things -> ghosts (owner_id));\n",
    );
    let column = Column::new;
    let database = Schema {
        tables: vec![
            Table {
                name: "things".into(),
                primary_key: vec!["id".into(), "owner_id".into()],
                columns: vec![
                    column("id", "INTEGER", false),
                    column("owner_id", "BIGINT", false),
                    column("label", "TEXT", false),
                    column("weight", "DOUBLE PRECISION", false),
                    column("added", "TEXT", true),
                    column("shape", "BLOB", false),
                ],
            },
            Table {
                name: "owners".into(),
                primary_key: vec!["id".into()],
                columns: vec![column("id", "INTEGER", false)],
            },
            Table {
                name: "__diesel_schema_migrations".into(),
                primary_key: vec!["version".into()],
                columns: vec![column("version", "VARCHAR(50)", false)],
            },
        ],
        foreign_keys: vec![ForeignKey {
            table: "things".into(),
            column: "owner_id".into(),
            parent: "owners".into(),
        }],
    };
    assert_eq!(
        differences(Backend::Sqlite, &code, &database),
        [
            "table owners: created by the migrations, missing from schema.rs",
            "table ghosts: in schema.rs, not created by the migrations",
            "things.label: NOT NULL in the database, Nullable<Text> in schema.rs",
            "things.weight: DOUBLE PRECISION in the database, Integer in schema.rs (which should \
             be Double)",
            "things.added: a column of the database (TEXT), missing from schema.rs",
            "things.shape: a column of the database (BLOB NOT NULL), missing from schema.rs",
            "things.gone: in schema.rs (Text), not a column of the database",
            "things: primary key (id, owner_id) in the database, (id) in schema.rs",
            "foreign key things.owner_id -> owners: no `joinable!(things -> owners (owner_id))` \
             in schema.rs",
            "`joinable!(things -> ghosts (owner_id))` in schema.rs: no such foreign key in the \
             database",
        ]
    );
    // the same INTEGER column is 4 bytes on PostgreSQL: BigInt cannot read it there
    let mut database = database;
    database.tables[0].columns[0].ty = "integer".into();
    assert!(differences(Backend::Postgres, &code, &database).contains(
        &"things.id: integer in the database, BigInt in schema.rs (which should be Integer)"
            .to_string()
    ));
    // a column of a type the check does not know is named, not passed
    database.tables[0].columns[0].ty = "numeric".into();
    assert!(differences(Backend::Postgres, &code, &database)
        .iter()
        .any(|d| d.starts_with("things.id: the database's type numeric is unknown to this check")));
}

#[test]
fn a_key_sqlite_alone_lets_hold_null_is_excused_only_while_it_does() {
    let code = crate::schema_rs::read(
        "diesel::table! {\n    sync_batches (batch_id) {\n        batch_id -> Text,\n    }\n}\n",
    );
    let database = |nullable| Schema {
        tables: vec![Table {
            name: "sync_batches".into(),
            primary_key: vec!["batch_id".into()],
            columns: vec![Column::new("batch_id", "TEXT", nullable)],
        }],
        foreign_keys: Vec::new(),
    };
    assert_eq!(
        differences(Backend::Sqlite, &code, &database(true)),
        Vec::<String>::new()
    );
    assert_eq!(
        differences(Backend::Postgres, &code, &database(true)),
        ["sync_batches.batch_id: NULL allowed in the database, Text in schema.rs"]
    );
    assert_eq!(
        differences(Backend::Sqlite, &code, &database(false)),
        [
            "sync_batches.batch_id: NOT NULL in the database now; take it out of \
             `SQLITE_NULLABLE_KEYS` in tests/tests/schema/compare.rs"
        ]
    );
}
