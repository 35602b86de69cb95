//! The layers of the server, checked on its sources: arrows point down only (`routes`, `web` →
//! `http` → `domain` → `db`), the two adapters never reach each other or the storage, the
//! domain never reaches HTTP, and no module imports another that imports it back, neither
//! between the top-level modules nor between any two files.
//!
//! A module's arrows are the paths it names: `crate::a::b` (in `use` lines, braces included,
//! and in code) and `super::x`. A module naming its own parent or one of its own submodules is
//! not an arrow between peers (a parent re-exports its parts, a part uses its parent's
//! helpers), so it is left out of the file-level circles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The modules each top-level module of the server may not name.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("routes", &["db", "web"]),
    ("web", &["db", "routes"]),
    (
        "domain",
        &[
            "routes",
            "web",
            "http",
            "commit",
            "startup",
            "cli",
            "demo",
            "bootstrap",
            "settings",
        ],
    ),
    ("http", &["routes", "web"]),
    ("db", &["domain", "http", "routes", "web", "commit"]),
];

/// Crates a top-level module of the server may not use: the domain knows nothing of HTTP, the
/// adapters nothing of the storage's library.
const FORBIDDEN_CRATES: &[(&str, &[&str])] = &[
    ("domain", &["actix_web", "actix_rt"]),
    ("routes", &["diesel"]),
    ("web", &["diesel"]),
];

type Module = Vec<String>;

struct Source {
    file: PathBuf,
    module: Module,
    text: String,
}

fn sources(dir: &Path, root: &Path, out: &mut Vec<Source>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("the server's sources")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).expect("under src");
            let mut module: Module = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            out.push(Source {
                text: std::fs::read_to_string(&path).expect("readable"),
                file: path,
                module,
            });
        }
    }
}

/// The code of a line: without a `//` comment (outside a string).
fn code(line: &str) -> &str {
    let mut quotes = 0;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => quotes += 1,
            b'/' if quotes % 2 == 0 && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The paths a piece of code names after `prefix::` (`crate`, `super`), braces expanded:
/// `crate::{a::b, c}` gives `a::b` and `c`.
fn named_after(code: &str, prefix: &str, out: &mut Vec<Vec<String>>) {
    let needle = format!("{prefix}::");
    let mut rest = code;
    while let Some(at) = rest.find(&needle) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + needle.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        expand(rest, &mut Vec::new(), out);
    }
}

/// Reads one path at the start of `text` (after a `::`), expanding a brace group.
fn expand(text: &str, stem: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let text = text.trim_start();
    if let Some(group) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    expand(&group[start..i], &mut stem.clone(), out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&group[start..i], &mut stem.clone(), out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let name: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() || name == "self" {
        if !stem.is_empty() {
            out.push(stem.clone());
        }
        return;
    }
    stem.push(name.clone());
    let after = &text[name.len()..];
    match after.strip_prefix("::") {
        Some(next) => expand(next, stem, out),
        None => out.push(stem.clone()),
    }
}

/// The module a path names: its longest prefix that is a module of the server.
fn resolve(path: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains(m))
}

fn is_within(inner: &Module, outer: &Module) -> bool {
    inner.len() >= outer.len() && inner[..outer.len()] == outer[..]
}

/// Every module each module names, itself left out.
fn arrows(all: &[Source], modules: &BTreeSet<Module>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut out: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for source in all {
        let mut named = Vec::new();
        let mut in_tests = false;
        for line in source.text.lines() {
            let line = code(line);
            if line.trim_start().starts_with("mod tests") {
                in_tests = true;
            }
            let mut crate_paths = Vec::new();
            named_after(line, "crate", &mut crate_paths);
            named.extend(crate_paths);
            let mut super_paths = Vec::new();
            named_after(line, "super", &mut super_paths);
            // inside a file's test module, `super` is the file's own module
            let base: &[String] = if in_tests {
                &source.module
            } else {
                &source.module[..source.module.len().saturating_sub(1)]
            };
            named.extend(super_paths.into_iter().map(|p| {
                let mut full = base.to_vec();
                full.extend(p);
                full
            }));
        }
        let entry = out.entry(source.module.clone()).or_default();
        for path in named {
            if let Some(target) = resolve(&path, modules) {
                if target != source.module {
                    entry.insert(target);
                }
            }
        }
    }
    out
}

/// A circle in `graph`, if there is one, as the modules along it.
fn circle(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn visit(
        node: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        done: &mut BTreeSet<Module>,
        path: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(at) = path.iter().position(|m| m == node) {
            let mut found = path[at..].to_vec();
            found.push(node.clone());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, done, path) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

fn show(module: &Module) -> String {
    if module.is_empty() {
        "crate".into()
    } else {
        module.join("::")
    }
}

fn server() -> (Vec<Source>, BTreeSet<Module>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    sources(&root, &root, &mut all);
    assert!(
        all.len() > 40,
        "the sources were not found under {}",
        root.display()
    );
    // the binary only starts the library
    all.retain(|s| !s.file.ends_with("main.rs"));
    let modules = all.iter().map(|s| s.module.clone()).collect();
    (all, modules)
}

#[test]
fn every_module_points_down_to_the_layers_it_may_use() {
    let (all, modules) = server();
    let graph = arrows(&all, &modules);
    let mut wrong = Vec::new();
    for (module, targets) in &graph {
        let Some(top) = module.first() else { continue };
        for (layer, forbidden) in FORBIDDEN {
            if top != layer {
                continue;
            }
            for target in targets {
                if target
                    .first()
                    .is_some_and(|t| forbidden.contains(&t.as_str()))
                {
                    wrong.push(format!("{} -> {}", show(module), show(target)));
                }
            }
        }
    }
    for source in &all {
        let Some(top) = source.module.first() else {
            continue;
        };
        for (layer, crates) in FORBIDDEN_CRATES {
            for name in crates.iter().filter(|_| top == layer) {
                let uses = source
                    .text
                    .lines()
                    .map(code)
                    .any(|l| l.contains(&format!("{name}::")));
                if uses {
                    wrong.push(format!("{} -> {name}", show(&source.module)));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows that must not be:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_top_level_modules_import_no_circle() {
    let (all, modules) = server();
    let mut tops: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, targets) in arrows(&all, &modules) {
        let Some(top) = module.first() else { continue };
        let entry = tops.entry(vec![top.clone()]).or_default();
        for target in targets {
            if let Some(other) = target.first().filter(|t| *t != top) {
                entry.insert(vec![other.clone()]);
            }
        }
    }
    assert!(tops.contains_key(&vec!["domain".to_string()]));
    if let Some(found) = circle(&tops) {
        let names: Vec<String> = found.iter().map(show).collect();
        panic!(
            "the top-level modules import each other: {}",
            names.join(" -> ")
        );
    }
}

#[test]
fn no_two_files_import_each_other_even_through_others() {
    let (all, modules) = server();
    let mut peers = arrows(&all, &modules);
    for (module, targets) in &mut peers {
        targets.retain(|t| !is_within(t, module) && !is_within(module, t));
    }
    if let Some(found) = circle(&peers) {
        let names: Vec<String> = found.iter().map(show).collect();
        panic!("modules import each other: {}", names.join(" -> "));
    }
}

#[test]
fn the_scan_reads_paths_braces_and_parents() {
    let mut out = Vec::new();
    named_after(
        "use crate::{db::{self, units}, domain::error::Error}; x(crate::web::t());",
        "crate",
        &mut out,
    );
    let joined: Vec<String> = out.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        joined,
        ["db", "db::units", "domain::error::Error", "web::t"]
    );
    assert_eq!(code("let a = \"//\"; // crate::web"), "let a = \"//\"; ");
    let modules: BTreeSet<Module> = [
        vec!["domain".to_string()],
        vec!["domain".into(), "error".into()],
    ]
    .into_iter()
    .collect();
    assert_eq!(
        resolve(&["domain".into(), "error".into(), "Error".into()], &modules),
        Some(vec!["domain".to_string(), "error".to_string()])
    );
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    graph
        .entry(vec!["a".into()])
        .or_default()
        .insert(vec!["b".into()]);
    assert!(circle(&graph).is_none());
    graph
        .entry(vec!["b".into()])
        .or_default()
        .insert(vec!["a".into()]);
    assert!(circle(&graph).is_some());
}
