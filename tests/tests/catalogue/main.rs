//! The message catalogue against the code: every message id written in the sources of the
//! server, the client and the protocol, or in the page templates, is in the catalogue. (That
//! both languages hold the same ids with the same variables is checked in `protocol` itself.)

use std::path::{Path, PathBuf};

use canvass_protocol::i18n;

/// The workspace's root, one level above this crate.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the workspace")
        .to_path_buf()
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "rs" || e == "html" || e == "txt" || e == "js")
        {
            out.push(path);
        }
    }
}

/// Every double-quoted literal of `text` that looks like a message id of one of `areas`:
/// kebab-case, starting with an area and a dash.
fn message_ids<'t>(text: &'t str, areas: &[&str]) -> Vec<&'t str> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            s.split_once('-').is_some_and(|(area, rest)| {
                areas.contains(&area)
                    && !rest.is_empty()
                    && !rest.ends_with('-')
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
        })
        .collect()
}

#[test]
fn every_message_id_in_the_code_and_templates_is_in_the_catalogue() {
    let areas: Vec<&str> = i18n::FILES.iter().map(|(area, _, _)| *area).collect();
    let root = root();
    let mut files = Vec::new();
    for dir in [
        "server/src",
        "server/templates",
        "server/assets",
        "client-cli/src",
        "protocol/src",
    ] {
        sources(&root.join(dir), &mut files);
    }
    assert!(
        files.len() > 20,
        "the sources were not found under {}",
        root.display()
    );
    let mut missing = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable source");
        for id in message_ids(&text, &areas) {
            if !i18n::has(id) {
                missing.push(format!(
                    "{}: {id}",
                    file.strip_prefix(&root).unwrap_or(file).display()
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ids not in the catalogue:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_scan_finds_ids_and_only_ids() {
    let areas = ["error", "cli"];
    let text = r#"t!(lang, "cli-push-done", n = 1); msg!("error-not-found"); "error-" "errors" "cli-x-" "Cli-y" "page-x""#;
    assert_eq!(
        message_ids(text, &areas),
        ["cli-push-done", "error-not-found"]
    );
}
