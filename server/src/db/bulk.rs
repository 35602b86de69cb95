//! Bulk statements: multi-row inserts ([`insert_rows`]) and counter upserts ([`add_counts`]),
//! the writes that diesel's query builder cannot express on the two-backend connection. Each
//! backend gets the statement shape that is fastest for it, and each statement is prepared
//! once per connection and kept.

use super::DbConnection;

/// A value of a row given to [`add_counts`] or [`insert_rows`].
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    BigInt(i64),
    NullableBigInt(Option<i64>),
    Integer(i32),
    Double(f64),
    Text(&'a str),
}

/// Most rows in one statement of [`add_counts`] and [`insert_rows`] (well within both engines'
/// limits on bound values).
const MAX_ROWS_PER_STATEMENT: usize = 128;

/// Inserts rows into `table` with multi-row `INSERT`s. Each row is `columns.len()` values, in
/// column order. `table` and `columns` are written into the SQL as they are: callers pass their
/// own constant names, never anything received; the values are always bound. On PostgreSQL this
/// saves a round trip per row. The statements are prepared once per connection and kept (see
/// [`write_rows`]).
pub fn insert_rows(
    conn: &mut DbConnection,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Param<'_>>],
) -> Result<(), diesel::result::Error> {
    write_rows(conn, table, columns, rows, "")
}

/// Adds rows of counts to a counter table: each row's `key` columns name a counter row, its
/// `counters` columns are added to it (inserted when new). Multi-row
/// `INSERT … ON CONFLICT (key) DO UPDATE SET c = table.c + excluded.c` statements, not one
/// statement per row: a group commit touches a hundred counter rows or more. Each row is
/// `key.len() + counters.len()` values, in column order; a key must not repeat (PostgreSQL
/// refuses to update one row twice in a statement). The rows are written in the order given,
/// so writers that sort their keys lock counter rows in one order. `table`, `key` and
/// `counters` are written into the SQL as they are: callers pass their own constant names,
/// never anything received; the values are always bound.
pub fn add_counts(
    conn: &mut DbConnection,
    table: &str,
    key: &[&str],
    counters: &[&str],
    rows: &[Vec<Param<'_>>],
) -> Result<(), diesel::result::Error> {
    use std::fmt::Write as _;
    let columns: Vec<&str> = key.iter().chain(counters).copied().collect();
    let mut tail = format!(" ON CONFLICT ({}) DO UPDATE SET ", key.join(", "));
    for (i, c) in counters.iter().enumerate() {
        let _ = write!(
            tail,
            "{}{c} = {table}.{c} + excluded.{c}",
            if i == 0 { "" } else { ", " }
        );
    }
    write_rows(conn, table, &columns, rows, &tail)
}

/// The sizes of the statements that write `rows` rows: the largest power of two that fits,
/// then the next, so that a table is only ever written by statements of eight sizes (1, 2, 4
/// … 128 rows), each prepared once and cached by the connection.
fn statement_sizes(mut rows: usize) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if rows == 0 {
            return None;
        }
        let size = if rows >= MAX_ROWS_PER_STATEMENT {
            MAX_ROWS_PER_STATEMENT
        } else {
            1 << rows.ilog2()
        };
        rows -= size;
        Some(size)
    })
}

/// The multi-row `INSERT`s of [`insert_rows`] and [`add_counts`]; `tail` ends each statement.
///
/// diesel prepares a `sql_query` anew at every run and never caches it (its text might be
/// built from anything); parsing and planning a 100-row upsert cost more than running it. On
/// SQLite a [`RowsStatement`] is cached by its text, and [`statement_sizes`] keeps the texts
/// few. On PostgreSQL every row goes in one [`ColumnsStatement`]: one array per column, one
/// statement text per table, one round trip however many rows.
fn write_rows(
    conn: &mut DbConnection,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Param<'_>>],
    tail: &str,
) -> Result<(), diesel::result::Error> {
    use diesel::RunQueryDsl;
    match conn {
        DbConnection::Sqlite(c) => {
            let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            let mut rest = rows;
            for size in statement_sizes(rows.len()) {
                let (chunk, after) = rest.split_at(size);
                rest = after;
                RowsStatement {
                    head: &head,
                    width: columns.len(),
                    rows: chunk,
                    tail,
                }
                .execute(c)?;
            }
        }
        DbConnection::Pg(c) => {
            if rows.is_empty() {
                return Ok(());
            }
            let head = format!(
                "INSERT INTO {table} ({}) SELECT * FROM unnest(",
                columns.join(", ")
            );
            ColumnsStatement::new(&head, columns.len(), rows, tail)?.execute(c)?;
        }
    }
    Ok(())
}

cached_by_text!(RowsStatement<'_>, ColumnsStatement<'_>);

/// One multi-row statement of [`write_rows`] on SQLite: `head`, then each row's values bound
/// in parentheses, then `tail`. Safe to cache: its text depends only on the constant names and
/// the number of rows.
struct RowsStatement<'a> {
    head: &'a str,
    width: usize,
    rows: &'a [Vec<Param<'a>>],
    tail: &'a str,
}

impl diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for RowsStatement<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> diesel::QueryResult<()> {
        use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text};
        out.push_sql(self.head);
        for (r, row) in self.rows.iter().enumerate() {
            debug_assert_eq!(row.len(), self.width, "every row has one value per column");
            out.push_sql(if r == 0 { "(" } else { ", (" });
            for (c, param) in row.iter().enumerate() {
                if c > 0 {
                    out.push_sql(", ");
                }
                match param {
                    Param::BigInt(v) => out.push_bind_param::<BigInt, _>(v)?,
                    Param::NullableBigInt(v) => out.push_bind_param::<Nullable<BigInt>, _>(v)?,
                    Param::Integer(v) => out.push_bind_param::<Integer, _>(v)?,
                    Param::Double(v) => out.push_bind_param::<Double, _>(v)?,
                    Param::Text(v) => out.push_bind_param::<Text, _>(*v)?,
                }
            }
            out.push_sql(")");
        }
        out.push_sql(self.tail);
        Ok(())
    }
}

/// The values of one column of a [`ColumnsStatement`].
enum Column<'a> {
    BigInt(Vec<i64>),
    NullableBigInt(Vec<Option<i64>>),
    Integer(Vec<i32>),
    Double(Vec<f64>),
    Text(Vec<&'a str>),
}

impl<'a> Column<'a> {
    /// An empty column of the kind of `first`, room for `rows` values.
    fn like(first: Param<'a>, rows: usize) -> Self {
        match first {
            Param::BigInt(_) => Self::BigInt(Vec::with_capacity(rows)),
            Param::NullableBigInt(_) => Self::NullableBigInt(Vec::with_capacity(rows)),
            Param::Integer(_) => Self::Integer(Vec::with_capacity(rows)),
            Param::Double(_) => Self::Double(Vec::with_capacity(rows)),
            Param::Text(_) => Self::Text(Vec::with_capacity(rows)),
        }
    }

    /// Adds a value; `false` when it is not of this column's kind.
    fn push(&mut self, value: Param<'a>) -> bool {
        match (self, value) {
            (Self::BigInt(c), Param::BigInt(v)) => c.push(v),
            (Self::NullableBigInt(c), Param::NullableBigInt(v)) => c.push(v),
            (Self::Integer(c), Param::Integer(v)) => c.push(v),
            (Self::Double(c), Param::Double(v)) => c.push(v),
            (Self::Text(c), Param::Text(v)) => c.push(v),
            _ => return false,
        }
        true
    }
}

/// Every row of [`write_rows`] on PostgreSQL in one statement:
/// `INSERT INTO t (a, b) SELECT * FROM unnest($1::bigint[], $2::text[]) …`, each column's
/// values bound as one array. Safe to cache: its text depends only on the constant names.
struct ColumnsStatement<'a> {
    head: &'a str,
    columns: Vec<Column<'a>>,
    tail: &'a str,
}

impl<'a> ColumnsStatement<'a> {
    /// Turns rows into columns, each of the kind of its value in the first row.
    fn new(
        head: &'a str,
        width: usize,
        rows: &[Vec<Param<'a>>],
        tail: &'a str,
    ) -> Result<Self, diesel::result::Error> {
        let mixed = || diesel::result::Error::QueryBuilderError("the rows' columns differ".into());
        let first = rows.first().ok_or_else(mixed)?;
        let mut columns: Vec<Column<'a>> =
            first.iter().map(|p| Column::like(*p, rows.len())).collect();
        for row in rows {
            if row.len() != width || columns.len() != width {
                return Err(mixed());
            }
            for (column, value) in columns.iter_mut().zip(row) {
                if !column.push(*value) {
                    return Err(mixed());
                }
            }
        }
        Ok(Self {
            head,
            columns,
            tail,
        })
    }
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for ColumnsStatement<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> diesel::QueryResult<()> {
        use diesel::sql_types::{Array, BigInt, Double, Integer, Nullable, Text};
        out.push_sql(self.head);
        for (c, column) in self.columns.iter().enumerate() {
            if c > 0 {
                out.push_sql(", ");
            }
            match column {
                Column::BigInt(v) => {
                    out.push_bind_param::<Array<BigInt>, _>(v)?;
                    out.push_sql("::bigint[]");
                }
                Column::NullableBigInt(v) => {
                    out.push_bind_param::<Array<Nullable<BigInt>>, _>(v)?;
                    out.push_sql("::bigint[]");
                }
                Column::Integer(v) => {
                    out.push_bind_param::<Array<Integer>, _>(v)?;
                    out.push_sql("::integer[]");
                }
                Column::Double(v) => {
                    out.push_bind_param::<Array<Double>, _>(v)?;
                    out.push_sql("::double precision[]");
                }
                Column::Text(v) => {
                    out.push_bind_param::<Array<Text>, _>(v)?;
                    out.push_sql("::text[]");
                }
            }
        }
        out.push_sql(")");
        out.push_sql(self.tail);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::test_support::cached_statements;
    use crate::db::{Backend, DatabaseUrl};
    use diesel::connection::SimpleConnection;

    /// A connection to the database the suite runs on (PostgreSQL when
    /// `CANVASS_TEST_DATABASE_URL` names one, else a fresh SQLite file), for tests that work in
    /// temporary tables of their own.
    fn test_connection(name: &str) -> (Option<tempfile::TempDir>, DbConnection) {
        match std::env::var("CANVASS_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => {
                (None, DatabaseUrl::parse(&url).unwrap().connect().unwrap())
            }
            _ => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!(
                    "sqlite://{}",
                    dir.path().join(format!("{name}.db")).display()
                );
                let conn = DatabaseUrl::parse(&url).unwrap().connect().unwrap();
                (Some(dir), conn)
            }
        }
    }

    /// What the counter table adds up to.
    #[derive(diesel::QueryableByName)]
    struct Totals {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        rows: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
        #[diesel(sql_type = diesel::sql_types::Double)]
        total: f64,
    }

    #[test]
    fn counts_are_added_to_existing_rows_and_new_ones_inserted_across_statements() {
        use diesel::RunQueryDsl;
        let (_dir, mut conn) = test_connection("counts");
        conn.batch_execute(
            "CREATE TEMPORARY TABLE counters (k BIGINT NOT NULL, name TEXT NOT NULL, n BIGINT NOT NULL, \
             total DOUBLE PRECISION NOT NULL, PRIMARY KEY (k, name))",
        )
        .unwrap();
        let names = ["a", "b"];
        let rows = |range: std::ops::Range<i64>, n: i64| -> Vec<Vec<Param<'_>>> {
            range
                .flat_map(|k| {
                    names.iter().map(move |name| {
                        vec![
                            Param::BigInt(k),
                            Param::Text(name),
                            Param::BigInt(n),
                            Param::Double(0.5),
                        ]
                    })
                })
                .collect()
        };
        // 500 rows: seven statements (128 × 3, 64, 32, 16, 4); then 300 of them again and 100
        // new ones
        add_counts(
            &mut conn,
            "counters",
            &["k", "name"],
            &["n", "total"],
            &rows(0..250, 1),
        )
        .unwrap();
        add_counts(
            &mut conn,
            "counters",
            &["k", "name"],
            &["n", "total"],
            &rows(100..300, 2),
        )
        .unwrap();
        let t: Totals = diesel::sql_query(
            "SELECT COUNT(*) AS rows, CAST(SUM(n) AS BIGINT) AS n, SUM(total) AS total FROM counters",
        )
        .get_result(&mut conn)
        .unwrap();
        assert_eq!(t.rows, 600);
        assert_eq!(t.n, 500 + 2 * 400);
        assert!((t.total - 0.5 * 900.0).abs() < 1e-9);
    }

    #[test]
    fn rows_are_written_by_statements_of_eight_sizes_at_most() {
        for n in 0..=1000 {
            let sizes: Vec<usize> = statement_sizes(n).collect();
            assert_eq!(sizes.iter().sum::<usize>(), n);
            assert!(sizes
                .iter()
                .all(|s| s.is_power_of_two() && *s <= MAX_ROWS_PER_STATEMENT));
            assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
        }
        assert_eq!(
            statement_sizes(300).collect::<Vec<_>>(),
            [128, 128, 32, 8, 4]
        );
    }

    #[test]
    fn multi_row_statements_are_prepared_once_per_size_and_kept() {
        let (_dir, mut conn) = test_connection("cached");
        conn.batch_execute(
            "CREATE TEMPORARY TABLE counters (k BIGINT PRIMARY KEY, n BIGINT NOT NULL)",
        )
        .unwrap();
        let cached = cached_statements(&mut conn);
        let rows = |keys: std::ops::Range<i64>| -> Vec<Vec<Param<'static>>> {
            keys.map(|k| vec![Param::BigInt(k), Param::BigInt(1)])
                .collect()
        };
        // 7 rows (4 + 2 + 1 on SQLite, one statement on PostgreSQL), then 7, 6 and 5 more:
        // the same statements each time
        for keys in [0..7, 3..10, 20..26, 40..45] {
            add_counts(&mut conn, "counters", &["k"], &["n"], &rows(keys)).unwrap();
        }
        let sqlite = conn.backend() == Backend::Sqlite;
        let cached = cached.lock().unwrap();
        assert_eq!(cached.len(), if sqlite { 3 } else { 1 }, "{cached:?}");
        assert!(cached.iter().all(|sql| sql.contains("ON CONFLICT (k)")));
    }

    #[test]
    fn rows_are_inserted_across_statements_with_their_nulls() {
        use diesel::RunQueryDsl;
        let (_dir, mut conn) = test_connection("rows");
        conn.batch_execute(
            "CREATE TEMPORARY TABLE things (id TEXT PRIMARY KEY, parent BIGINT, n BIGINT NOT NULL, \
             total DOUBLE PRECISION NOT NULL)",
        )
        .unwrap();
        let ids: Vec<String> = (0..450).map(|i| format!("id{i}")).collect();
        // 450 rows: six statements (128 × 3, 64, 2); every third row has no parent
        let rows: Vec<Vec<Param<'_>>> = ids
            .iter()
            .zip(0_i64..)
            .map(|(id, i)| {
                vec![
                    Param::Text(id),
                    Param::NullableBigInt((i % 3 != 0).then_some(i)),
                    Param::BigInt(1),
                    Param::Double(0.5),
                ]
            })
            .collect();
        insert_rows(&mut conn, "things", &["id", "parent", "n", "total"], &rows).unwrap();
        let t: Totals = diesel::sql_query(
            "SELECT COUNT(*) AS rows, COUNT(parent) AS n, SUM(total) AS total FROM things",
        )
        .get_result(&mut conn)
        .unwrap();
        assert_eq!(t.rows, 450);
        assert_eq!(t.n, 300, "150 rows without a parent");
        assert!((t.total - 225.0).abs() < 1e-9);
        // a repeated key is refused
        assert!(insert_rows(
            &mut conn,
            "things",
            &["id", "parent", "n", "total"],
            &rows[..1]
        )
        .is_err());
    }
}
