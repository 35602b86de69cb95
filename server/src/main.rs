//! The `canvass-server` binary.

use clap::Parser;

fn main() -> std::process::ExitCode {
    canvass_server::cli::run(canvass_server::cli::Cli::parse())
}
