//! The printed table of figures, and the units and machine facts it shows.

use std::fmt::Write as _;

#[derive(Default)]
pub struct Table {
    pub rows: Vec<[String; 3]>,
}

impl Table {
    pub fn row(&mut self, what: &str, rate: &str, latency: &str) {
        eprintln!("bench: {what}: {rate} {latency}");
        self.rows
            .push([what.to_string(), rate.to_string(), latency.to_string()]);
    }

    pub fn render(&self) -> String {
        let mut out = String::from("| scenario | throughput / time | latency |\n|---|---|---|\n");
        for [a, b, c] in &self.rows {
            let _ = writeln!(out, "| {a} | {b} | {c} |");
        }
        out
    }
}

#[allow(clippy::cast_precision_loss)]
pub fn kib_to_mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[allow(clippy::cast_precision_loss)]
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
