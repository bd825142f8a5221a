use clap::Parser;
use peergate::cli::{self, Cli, Conflict};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Everything peergate creates (database, its WAL, the data directory, configs, logs) is for
    // root's eyes only, whatever umask the service manager or the shell handed over.
    // SAFETY: umask only sets the process's file-creation mask; it cannot fail.
    unsafe { libc::umask(0o077) };
    let cli = Cli::parse();
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("peergate: {err:#}");
            let code = if err.downcast_ref::<Conflict>().is_some() { cli::EXIT_CONFLICT } else { 1 };
            std::process::ExitCode::from(code as u8)
        }
    }
}
