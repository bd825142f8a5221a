//! The command line: `serve`, `migrate`, `user …`, `token …`, `client import`, `doctor`. Commands
//! parse their arguments, call the same workflow functions as the API (`accounts`, `clients`) with
//! actor `cli:<login>`, and print the answer.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use peergate_core::account::{Role, Username, check_new_password, parse_token_name};

use crate::accounts::{self, AccountError};
use crate::clients::Gateway;
use crate::clients::import::{ImportOptions, ImportOutcome, import_paths};
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
    Client(ClientCommand),
    /// Check tools, directories, database, LAN, forwarding, firewall and drift; change nothing
    Doctor,
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Import existing wg-quick files (or directories of them) with the same validation as uploads
    Import {
        /// Files or directories (their *.conf files)
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The remote subnet for full-tunnel files (e.g. 10.77.0.0/24)
        #[arg(long)]
        subnet: Option<String>,
        /// The address to ping through the tunnel [default: first address of the subnet]
        #[arg(long)]
        probe_host: Option<String>,
        /// Accept routes to more public address space than PEERGATE_MAX_PUBLIC_ROUTE_V4/_V6
        /// allow (recorded with the client and in the audit log); never a full tunnel
        #[arg(long)]
        allow_wide_routes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from stdin (or asked for on a terminal)
    Add {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = ["admin", "operator"])]
        role: String,
        /// Read the password from stdin even when it is a terminal
        #[arg(long, conflicts_with = "generate_password")]
        password_stdin: bool,
        /// Generate a strong password and print it once
        #[arg(long)]
        generate_password: bool,
    },
    /// List users
    List,
    /// Let a user whose logins are throttled in again (failed attempts up to now stop counting;
    /// the addresses that guessed stay limited)
    Unlock {
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token; it is printed once, as the last line
    Create {
        #[arg(long)]
        username: String,
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
    let _log_guard = telemetry::init_logging(&config.log, config.log_format);
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
        Command::Client(cmd) => client(&config, &connect(&config).await?, cmd).await,
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
            for user in users::list(db).await? {
                println!("{}\t{}\t{}", user.id, user.username, user.role);
            }
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
            println!("id\tuser\tname\tcreated_at\texpires_at\tlast_used_at\trevoked_at");
            let show = |t: Option<i64>| t.map_or("-".to_string(), |t| t.to_string());
            for t in tokens::list(db).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.username,
                    t.name,
                    t.created_at,
                    show(t.expires_at),
                    show(t.last_used_at),
                    show(t.revoked_at)
                );
            }
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            accounts::revoke_token(db, id, &Actor::cli()).await.map_err(cli_error)?;
            println!("token {id} revoked");
            Ok(())
        }
    }
}

async fn client(config: &Config, db: &Db, cmd: ClientCommand) -> anyhow::Result<()> {
    match cmd {
        ClientCommand::Import { paths, subnet, probe_host, allow_wide_routes } => {
            let host = std::sync::Arc::new(crate::system::host_net::IpHostNetwork);
            let gateway = Gateway::new(config, crate::system::lan::detect(config).await, host);
            let options = ImportOptions { subnets: subnet, probe_host, allow_wide: allow_wide_routes };
            let reports = import_paths(&gateway, db, &paths, &options, &Actor::cli()).await;
            if reports.is_empty() {
                bail!("no .conf files found in {}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
            }
            for r in &reports {
                let outcome = serde_json::to_value(r.outcome)?.as_str().unwrap_or_default().to_string();
                println!("{outcome:<13} {}: {}", r.file, r.detail);
            }
            let failed =
                reports.iter().filter(|r| matches!(r.outcome, ImportOutcome::Refused | ImportOutcome::NeedsSubnet)).count();
            if failed > 0 {
                bail!("{failed} of {} files were not imported", reports.len());
            }
            Ok(())
        }
    }
}
