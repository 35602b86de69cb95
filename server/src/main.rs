//! The `canvass-server` binary.

use clap::Parser;

/// mimalloc instead of the C library's allocator: the server allocates and frees from many
/// threads at once, where glibc keeps an arena per thread and holds on to freed memory
/// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    canvass_server::cli::run(canvass_server::cli::Cli::parse())
}
