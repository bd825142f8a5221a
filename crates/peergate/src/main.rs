use clap::Parser;
use peergate::cli::{self, Cli, Conflict};

/// Memory a burst took comes back after it. Without this, glibc raises its mmap threshold to the
/// largest block freed so far, so after the first login every argon2 verification (19 MiB) and
/// every encoded client list is carved from malloc's arenas, and each blocking-pool thread's arena
/// keeps what it once held (104 MB after a login flood). A fixed threshold keeps large blocks
/// mapped on their own (unmapped when freed); two arenas bound what small blocks can strand.
fn return_large_blocks() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only tunes the allocator; it runs before the runtime starts any thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn main() -> std::process::ExitCode {
    // Everything peergate creates (database, its WAL, the data directory, configs, logs) is for
    // root's eyes only, whatever umask the service manager or the shell handed over.
    // SAFETY: umask only sets the process's file-creation mask; it cannot fail.
    unsafe { libc::umask(0o077) };
    return_large_blocks();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("starting the async runtime");
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("peergate: {err:#}");
            let code = if err.downcast_ref::<Conflict>().is_some() { cli::EXIT_CONFLICT } else { 1 };
            std::process::ExitCode::from(code as u8)
        }
    }
}
