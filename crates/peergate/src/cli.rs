//! The command line: `serve`, `migrate`, `user …`, `token …`, `client …` (in `cli/client.rs`),
//! `doctor`. Commands parse their arguments, call the same workflow functions as the API
//! (`accounts`, `clients`) with actor `cli:<login>`, and print the answer; listings have a header
//! row and dates people read (`cli/table.rs`).

mod client;
mod table;

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use peergate_core::account::{Role, Username, check_new_password, parse_token_name};

use crate::accounts::{self, AccountError};
use crate::config::Config;
use crate::credentials;
use crate::db::audit::Actor;
use crate::db::{Db, tokens, users};
use crate::{server, telemetry};

#[derive(Debug, Parser)]
#[command(name = "peergate", version, about = "WireGuard site gateway and operator access portal")]
pub struct Cli {
    /// TOML configuration file [default: /etc/peergate/peergate.toml if it exists]
    #[arg(long, global = true, env = "PEERGATE_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API, the web UI and the background workers
    Serve,
    /// Run database migrations and exit
    Migrate,
    /// Manage local accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens (for scripts: `Authorization: Bearer <token>`)
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage gateway clients (WireGuard configs of remote sites)
    #[command(subcommand)]
    Client(client::ClientCommand),
    /// Check tools, directories, database, LAN, forwarding, firewall and drift; change nothing
    Doctor,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from stdin (or asked for on a terminal)
    Add {
        /// The login name (letters, digits and `. _ -`)
        #[arg(long)]
        username: String,
        /// `admin` manages the gateway; `operator` views it
        #[arg(long, value_parser = ["admin", "operator"])]
        role: String,
        /// Read the password from stdin even when it is a terminal
        #[arg(long, conflicts_with = "generate_password")]
        password_stdin: bool,
        /// Generate a strong password and print it once
        #[arg(long)]
        generate_password: bool,
    },
    /// List users, disabled ones too
    List,
    /// Set a user's password (read like `add`) and sign out their browser sessions
    Passwd {
        /// The user whose password changes
        username: String,
        /// Read the password from stdin even when it is a terminal
        #[arg(long, conflicts_with = "generate_password")]
        password_stdin: bool,
        /// Generate a strong password and print it once
        #[arg(long)]
        generate_password: bool,
    },
    /// Disable a user: their sessions end and their API tokens stop working
    Disable {
        /// The user to disable (not the last enabled admin)
        username: String,
    },
    /// Enable a disabled user again (their old sessions stay ended)
    Enable {
        /// The user to enable
        username: String,
    },
    /// Delete a user with their sessions and API tokens (the audit log keeps what they did)
    Remove {
        /// The user to delete (not the last enabled admin)
        username: String,
    },
    /// Let a user whose logins are throttled in again (failed attempts up to now stop counting;
    /// the addresses that guessed stay limited)
    Unlock {
        /// The user to let in again
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token; it is printed once, as the last line
    Create {
        /// The user the token acts as
        #[arg(long)]
        username: String,
        /// What the token is for (shown in listings and the audit log)
        #[arg(long)]
        name: String,
        /// Expire the token after this many days [default: never]
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3650))]
        expires_in_days: Option<u32>,
    },
    /// List API tokens (never their secrets)
    List,
    /// Revoke an API token by id
    Revoke {
        /// The token's id (`peergate token list`)
        #[arg(long)]
        id: i64,
    },
}

/// Exit status for "already exists", so scripts can tell it from other failures.
pub const EXIT_CONFLICT: i32 = 3;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Conflict(pub String);

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    // One-shot commands print their own answer; their log stays at warnings unless PEERGATE_LOG
    // asks for more, so routine info lines do not interleave with it.
    let quiet = !matches!(cli.command, Command::Serve) && std::env::var_os("PEERGATE_LOG").is_none();
    let _log_guard = telemetry::init_logging(if quiet { "warn" } else { &config.log }, config.log_format);
    telemetry::limit_allocator_retention();
    match cli.command {
        Command::Serve => server::run(config).await,
        Command::Migrate => {
            connect(&config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::User(cmd) => user(&connect(&config).await?, cmd).await,
        Command::Token(cmd) => token(&connect(&config).await?, cmd).await,
        Command::Client(cmd) => client::run(&config, &connect(&config).await?, cmd).await,
        Command::Doctor => crate::doctor::run(&config).await,
    }
}

async fn connect(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.effective_database_url()).await?;
    db.migrate().await?;
    Ok(db)
}

/// An account error as the command line reports it: a taken name exits with [`EXIT_CONFLICT`].
fn cli_error(err: AccountError) -> anyhow::Error {
    match err {
        AccountError::Conflict(text) => Conflict(text).into(),
        AccountError::Internal(err) => err,
        other => other.into(),
    }
}

async fn user(db: &Db, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add { username, role, password_stdin, generate_password } => {
            let username = Username::parse(&username).context("--username")?;
            let role: Role = role.parse()?;
            let password = if generate_password { credentials::generate_password() } else { read_password(password_stdin)? };
            check_new_password(&password)?;
            let user = accounts::add_user(db, &username, &password, role, &Actor::cli()).await.map_err(cli_error)?;
            println!("created {} `{}` (id {})", user.role, user.username, user.id);
            if generate_password {
                println!("password (shown once): {password}");
            }
            Ok(())
        }
        UserCommand::List => {
            let rows: Vec<Vec<String>> = users::list_all(db)
                .await?
                .into_iter()
                .map(|a| {
                    let status = if a.disabled_at.is_some() { "disabled" } else { "active" };
                    vec![
                        a.user.id.to_string(),
                        a.user.username,
                        a.user.role.to_string(),
                        status.into(),
                        table::when(Some(a.created_at)),
                    ]
                })
                .collect();
            table::print(&["ID", "USERNAME", "ROLE", "STATUS", "CREATED"], &rows);
            Ok(())
        }
        UserCommand::Passwd { username, password_stdin, generate_password } => {
            let password = if generate_password { credentials::generate_password() } else { read_password(password_stdin)? };
            check_new_password(&password)?;
            let ended = accounts::set_password(db, &username, &password, &Actor::cli()).await.map_err(cli_error)?;
            println!("password of `{username}` changed; {ended} browser session(s) signed out");
            if generate_password {
                println!("password (shown once): {password}");
            }
            Ok(())
        }
        UserCommand::Disable { username } => {
            accounts::set_enabled(db, &username, false, &Actor::cli()).await.map_err(cli_error)?;
            println!("disabled `{username}`: signed out, API tokens stopped");
            Ok(())
        }
        UserCommand::Enable { username } => {
            accounts::set_enabled(db, &username, true, &Actor::cli()).await.map_err(cli_error)?;
            println!("enabled `{username}`");
            Ok(())
        }
        UserCommand::Remove { username } => {
            accounts::remove_user(db, &username, &Actor::cli()).await.map_err(cli_error)?;
            println!("removed `{username}` with their sessions and API tokens");
            Ok(())
        }
        UserCommand::Unlock { username } => {
            accounts::unlock_user(db, &username, &Actor::cli()).await.map_err(cli_error)?;
            println!("unlocked `{username}`: its failed logins no longer count");
            Ok(())
        }
    }
}

/// Reads the password: from stdin when piped (or with `--password-stdin`), else asked twice on the
/// terminal without echo.
fn read_password(force_stdin: bool) -> anyhow::Result<String> {
    if force_stdin || !std::io::stdin().is_terminal() {
        let mut input = String::new();
        std::io::stdin().take(64 * 1024).read_to_string(&mut input).context("reading the password from stdin")?;
        let password = input.strip_suffix('\n').map(|p| p.strip_suffix('\r').unwrap_or(p)).unwrap_or(&input);
        if password.is_empty() {
            bail!("no password on stdin");
        }
        return Ok(password.to_string());
    }
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Repeat password: ")?;
    if first != second {
        bail!("the passwords differ");
    }
    Ok(first)
}

async fn token(db: &Db, cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create { username, name, expires_in_days } => {
            let name = parse_token_name(&name).context("--name")?;
            let issued = accounts::create_token(db, &username, &name, expires_in_days, &Actor::cli()).await.map_err(cli_error)?;
            eprintln!("token {} `{name}` for `{}` created; it is shown once, store it now:", issued.id, issued.user.username);
            println!("{}", issued.secret);
            Ok(())
        }
        TokenCommand::List => {
            let rows: Vec<Vec<String>> = tokens::list(db)
                .await?
                .into_iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.username,
                        t.name,
                        table::when(Some(t.created_at)),
                        table::when(t.expires_at),
                        table::when(t.last_used_at),
                        table::when(t.revoked_at),
                    ]
                })
                .collect();
            table::print(&["ID", "USER", "NAME", "CREATED", "EXPIRES", "LAST USED", "REVOKED"], &rows);
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            accounts::revoke_token(db, id, &Actor::cli()).await.map_err(cli_error)?;
            println!("token {id} revoked");
            Ok(())
        }
    }
}
