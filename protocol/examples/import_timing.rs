//! Times the spreadsheet imports on this machine: a 5,000-row roster (XLSX and GBK CSV) and a
//! 200-question XLSForm, as `bench --only imports` does, without building the server.
//!
//! ```text
//! cargo run --release -p canvass-protocol --example import_timing
//! ```

fn main() {
    for timing in canvass_protocol::sheets::samples::timed_imports(7) {
        println!(
            "{}: median {:.0} ms, slowest {:.0} ms",
            timing.what,
            timing.median.as_secs_f64() * 1000.0,
            timing.max.as_secs_f64() * 1000.0
        );
    }
}
