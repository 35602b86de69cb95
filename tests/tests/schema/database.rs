//! Reads the tables, columns, primary keys and foreign keys of a migrated database:
//! `PRAGMA table_info` and its siblings on SQLite, `information_schema` and `pg_constraint` on
//! PostgreSQL.

use canvass_server::db::{Backend, DbConnection};
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};

use crate::compare::{Column, ForeignKey, Schema, Table};

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    ty: String,
    #[diesel(sql_type = BigInt)]
    not_null: i64,
    /// The column's place in the primary key, from 1; 0 when it is not part of it.
    #[diesel(sql_type = BigInt)]
    key: i64,
}

#[derive(QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    parent: String,
}

#[derive(QueryableByName)]
struct WithoutRowid {
    #[diesel(sql_type = BigInt)]
    wr: i64,
}

/// Every table of the database, with its columns, primary key and foreign keys.
pub fn read(conn: &mut DbConnection, backend: Backend) -> Schema {
    let tables_sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    };
    let names = diesel::sql_query(tables_sql)
        .load::<Name>(conn)
        .expect("list the tables");
    let mut schema = Schema::default();
    for Name { name } in names {
        let table = match backend {
            Backend::Sqlite => sqlite_table(conn, name),
            Backend::Postgres => postgres_table(conn, name),
        };
        schema.tables.push(table);
    }
    let keys_sql = match backend {
        Backend::Sqlite => {
            "SELECT t.name AS table_name, k.\"from\" AS column_name, k.\"table\" AS parent \
             FROM sqlite_schema AS t, pragma_foreign_key_list(t.name) AS k \
             WHERE t.type = 'table'"
        }
        Backend::Postgres => {
            "SELECT c.conrelid::regclass::text AS table_name, a.attname::text AS column_name, \
             c.confrelid::regclass::text AS parent \
             FROM pg_constraint AS c \
             JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) \
             WHERE c.contype = 'f' AND c.connamespace = current_schema()::text::regnamespace"
        }
    };
    schema.foreign_keys = diesel::sql_query(keys_sql)
        .load::<KeyRow>(conn)
        .expect("list the foreign keys")
        .into_iter()
        .map(|k| ForeignKey {
            table: k.table_name,
            column: k.column_name,
            parent: k.parent,
        })
        .collect();
    schema
}

/// A SQLite table. A primary key column cannot hold NULL when it is the rowid
/// (`INTEGER PRIMARY KEY`) or the table has none (`WITHOUT ROWID`), whatever `PRAGMA table_info`
/// says; any other one can unless declared `NOT NULL`.
fn sqlite_table(conn: &mut DbConnection, name: String) -> Table {
    let rows = diesel::sql_query(
        "SELECT name, type AS ty, \"notnull\" AS not_null, pk AS key \
         FROM pragma_table_info(?) ORDER BY cid",
    )
    .bind::<Text, _>(&name)
    .load::<ColumnRow>(conn)
    .expect("read the table's columns");
    let without_rowid =
        diesel::sql_query("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?")
            .bind::<Text, _>(&name)
            .get_result::<WithoutRowid>(conn)
            .expect("read whether the table has a rowid")
            .wr
            != 0;
    let key_width = rows.iter().filter(|r| r.key > 0).count();
    let mut table = table(name, rows, |row| {
        let rowid = key_width == 1 && row.ty.eq_ignore_ascii_case("INTEGER");
        row.not_null == 0 && !(row.key > 0 && (without_rowid || rowid))
    });
    for column in &mut table.columns {
        column.ty = column.ty.to_ascii_uppercase();
    }
    table
}

fn postgres_table(conn: &mut DbConnection, name: String) -> Table {
    let rows = diesel::sql_query(
        "SELECT c.column_name::text AS name, c.data_type::text AS ty, \
         CASE WHEN c.is_nullable = 'NO' THEN 1 ELSE 0 END::bigint AS not_null, \
         COALESCE(( \
             SELECT array_position(k.conkey, c.ordinal_position::integer::smallint) \
             FROM pg_constraint AS k \
             WHERE k.contype = 'p' AND k.conrelid = c.table_name::text::regclass \
         ), 0)::bigint AS key \
         FROM information_schema.columns AS c \
         WHERE c.table_schema = current_schema() AND c.table_name = $1 \
         ORDER BY c.ordinal_position",
    )
    .bind::<Text, _>(&name)
    .load::<ColumnRow>(conn)
    .expect("read the table's columns");
    table(name, rows, |row| row.not_null == 0)
}

/// A table from its columns' rows; `nullable` says whether a column may hold NULL.
fn table(name: String, rows: Vec<ColumnRow>, nullable: impl Fn(&ColumnRow) -> bool) -> Table {
    let mut key: Vec<(i64, String)> = rows
        .iter()
        .filter(|r| r.key > 0)
        .map(|r| (r.key, r.name.clone()))
        .collect();
    key.sort_unstable();
    Table {
        name,
        primary_key: key.into_iter().map(|(_, column)| column).collect(),
        columns: rows
            .iter()
            .map(|row| Column {
                name: row.name.clone(),
                ty: row.ty.clone(),
                nullable: nullable(row),
            })
            .collect(),
    }
}
