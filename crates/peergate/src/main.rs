use clap::Parser;
use peergate::cli::{self, Cli, Conflict};

#[tokio::main]
async fn main() -> std::process::ExitCode {
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
