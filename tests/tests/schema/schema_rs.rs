//! Reads `schema.rs` as text: its `table!` and `joinable!` invocations. Anything inside a
//! `table!` this reader does not understand (an attribute such as `#[sql_name]`, a `use`) stops
//! the test with the line, rather than being skipped.

use crate::compare::{Column, ForeignKey, Schema, Table};

/// The tables and `joinable!`s of a `schema.rs`.
pub fn read(text: &str) -> Schema {
    let mut schema = Schema::default();
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, without_comment(line).trim()))
        .filter(|(_, line)| !line.is_empty());
    while let Some((_, line)) = lines.next() {
        if line.starts_with("diesel::table!") || line.starts_with("table!") {
            schema.tables.push(read_table(&mut lines));
        } else if let Some(rest) = line
            .strip_prefix("diesel::joinable!(")
            .or_else(|| line.strip_prefix("joinable!("))
        {
            schema
                .foreign_keys
                .push(read_joinable(rest).unwrap_or_else(|| {
                    panic!(
                        "schema.rs: cannot read `{line}` as `joinable!(child -> parent (column));`"
                    )
                }));
        }
    }
    schema
}

/// One `table!` after its opening line: `name (key, …) {`, then `column -> Type,` lines up to
/// the two closing braces.
fn read_table<'a>(lines: &mut impl Iterator<Item = (usize, &'a str)>) -> Table {
    let (n, header) = lines.next().expect("schema.rs: a table! without a table");
    let parsed = header.strip_suffix('{').and_then(|h| {
        let (name, key) = h.trim().split_once('(')?;
        let key = key.trim().strip_suffix(')')?;
        Some(Table {
            name: name.trim().to_string(),
            primary_key: key.split(',').map(|k| k.trim().to_string()).collect(),
            columns: Vec::new(),
        })
    });
    let mut table = parsed.unwrap_or_else(|| {
        panic!("schema.rs line {n}: cannot read `{header}` as `name (key, …) {{`")
    });
    for (n, line) in lines.by_ref() {
        if line == "}" {
            break;
        }
        let column = line
            .strip_suffix(',')
            .unwrap_or(line)
            .split_once("->")
            .map(|(name, ty)| {
                let ty = ty.trim();
                let (ty, nullable) = ty
                    .strip_prefix("Nullable<")
                    .and_then(|t| t.strip_suffix('>'))
                    .map_or((ty, false), |t| (t, true));
                Column {
                    name: name.trim().to_string(),
                    ty: diesel_type(ty).to_string(),
                    nullable,
                }
            })
            .filter(|c| !c.name.is_empty() && !c.name.contains(char::is_whitespace));
        let column = column.unwrap_or_else(|| {
            panic!(
                "schema.rs line {n}: cannot read `{line}` as a column `name -> Type,` of {}",
                table.name
            )
        });
        table.columns.push(column);
    }
    match lines.next() {
        Some((_, "}")) => table,
        other => panic!(
            "schema.rs: table {} is not closed by `}}`: {other:?}",
            table.name
        ),
    }
}

/// `child -> parent (column));`
fn read_joinable(rest: &str) -> Option<ForeignKey> {
    let rest = rest.strip_suffix(';')?.trim().strip_suffix(')')?;
    let (table, rest) = rest.split_once("->")?;
    let (parent, column) = rest.trim().split_once('(')?;
    Some(ForeignKey {
        table: table.trim().to_string(),
        column: column.trim().strip_suffix(')')?.trim().to_string(),
        parent: parent.trim().to_string(),
    })
}

/// A SQL type's name as the comparison knows it: the last segment of a path, diesel's aliases
/// under their usual names.
fn diesel_type(ty: &str) -> &str {
    match ty.rsplit("::").next().unwrap_or(ty).trim() {
        "Int8" => "BigInt",
        "Int4" => "Integer",
        "Float8" => "Double",
        other => other,
    }
}

fn without_comment(line: &str) -> &str {
    line.split_once("//").map_or(line, |(code, _)| code)
}

#[test]
fn tables_columns_keys_and_joins_are_read_from_the_text() {
    let schema = read(
        "//! A schema.\n\
         diesel::table! {\n\
             /// Things.\n\
             things (owner_id, id) {\n\
                 id -> Text,\n\
                 owner_id -> diesel::sql_types::Int8,\n\
                 note -> Nullable<Text>, // free text\n\
             }\n\
         }\n\
         diesel::joinable!(things -> owners (owner_id));\n\
         diesel::allow_tables_to_appear_in_same_query!(things, owners);\n",
    );
    let column = Column::new;
    assert_eq!(
        schema.tables,
        [Table {
            name: "things".into(),
            primary_key: vec!["owner_id".into(), "id".into()],
            columns: vec![
                column("id", "Text", false),
                column("owner_id", "BigInt", false),
                column("note", "Text", true),
            ],
        }]
    );
    assert_eq!(
        schema.foreign_keys,
        [ForeignKey {
            table: "things".into(),
            column: "owner_id".into(),
            parent: "owners".into(),
        }]
    );
}

#[test]
#[should_panic(expected = "schema.rs line 3: cannot read `#[sql_name = \"kind\"]`")]
fn what_the_reader_does_not_understand_stops_the_test() {
    read("diesel::table! {\n    things (id) {\n        #[sql_name = \"kind\"]\n        id -> Text,\n    }\n}\n");
}
