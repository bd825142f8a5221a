//! The control socket: how `peergate client activate|deactivate` asks the running server to do
//! what only it may do. Running tunnels belong to the server process (its per-client locks, its
//! monitor, its event stream), so the command line never drives wg-quick itself; it sends the
//! request here and prints the answer.
//!
//! `<data dir>/control.sock`, mode 0600, owned by the server's user. A connection is served only
//! when the peer (`SO_PEERCRED`) is root or that same user: the socket is the CLI's, never the
//! network's. The CLI names itself (`cli:<login>`, as its other audited commands do) in
//! [`ACTOR_HEADER`]; a peer that may open the socket may run every CLI command anyway.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::routing::post;
use tokio::net::{UnixListener, UnixStream};

use crate::app::{AppContext, Shutdown};
use crate::clients::Client;
use crate::db::audit::Actor;
use crate::db::clients::ClientId;
use crate::http::dataplane::{Operation, operate};
use crate::http::error::{ApiError, ApiPath};

/// The audit actor the CLI acts as, e.g. `cli:alice`.
pub const ACTOR_HEADER: &str = "x-peergate-actor";

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("control.sock")
}

/// Binds the socket, replacing a stale one left by a crash; refuses to start beside a server
/// that still answers on it.
pub async fn bind(path: &Path) -> anyhow::Result<UnixListener> {
    refuse_if_served(path).await?;
    if path.exists() {
        std::fs::remove_file(path).with_context(|| format!("removing the stale control socket {}", path.display()))?;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let listener = UnixListener::bind(path).with_context(|| format!("binding the control socket {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("restricting the control socket {}", path.display()))?;
    Ok(listener)
}

/// Fails when a server answers on the socket: one server per data directory (checked before
/// `serve` touches the data plane, and again at bind).
pub async fn refuse_if_served(path: &Path) -> anyhow::Result<()> {
    if UnixStream::connect(path).await.is_ok() {
        bail!("another `peergate serve` answers on {}; stop it first (one server per data directory)", path.display());
    }
    Ok(())
}

/// Serves the control routes on `listener` until `shutdown`, then removes the socket file.
pub async fn serve(listener: UnixListener, path: PathBuf, app: AppContext, shutdown: Shutdown) {
    let owner = std::fs::metadata(&path).map(|m| m.uid()).ok();
    let router = Router::new()
        .route("/clients/{id}/activate", post(activate))
        .route("/clients/{id}/deactivate", post(deactivate))
        .route("/clients/sync", post(sync_clients))
        .with_state(app);
    let listener = Trusted { listener, owner };
    let stop = shutdown.clone();
    if let Err(err) = axum::serve(listener, router).with_graceful_shutdown(async move { stop.wait().await }).await {
        tracing::warn!(error = %err, "the control socket stopped");
    }
    let _ = std::fs::remove_file(&path);
}

/// Accepts only peers that are root or the socket's owner.
struct Trusted {
    listener: UnixListener,
    owner: Option<u32>,
}

impl axum::serve::Listener for Trusted {
    type Io = UnixStream;
    type Addr = ();

    async fn accept(&mut self) -> (UnixStream, ()) {
        loop {
            match self.listener.accept().await {
                Ok((stream, _)) => match stream.peer_cred() {
                    Ok(cred) if cred.uid() == 0 || Some(cred.uid()) == self.owner => return (stream, ()),
                    Ok(cred) => tracing::warn!(uid = cred.uid(), "control socket: refused a connection from another user"),
                    Err(err) => tracing::warn!(error = %err, "control socket: unreadable peer credentials"),
                },
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The actor named by the CLI: `cli` or `cli:<login>`, printable, at most 64 characters.
struct CliActor(Actor);

impl<S: Send + Sync> FromRequestParts<S> for CliActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<CliActor, ApiError> {
        let name = parts.headers.get(ACTOR_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("cli");
        let valid = (name == "cli" || name.starts_with("cli:")) && name.len() <= 64 && !name.chars().any(char::is_control);
        if !valid {
            return Err(ApiError::BadRequest { code: "bad_actor", detail: format!("{ACTOR_HEADER} must read `cli:<login>`") });
        }
        Ok(CliActor(Actor::user(name, None)))
    }
}

async fn activate(
    State(app): State<AppContext>,
    CliActor(actor): CliActor,
    ApiPath(id): ApiPath<ClientId>,
) -> Result<axum::Json<Client>, ApiError> {
    operate(&app, id, &actor, Operation::Activate).await
}

async fn deactivate(
    State(app): State<AppContext>,
    CliActor(actor): CliActor,
    ApiPath(id): ApiPath<ClientId>,
) -> Result<axum::Json<Client>, ApiError> {
    operate(&app, id, &actor, Operation::Deactivate).await
}

/// The CLI wrote clients (an import, a removal): the server's roster reads them again, so open
/// dashboards show the change now rather than at the next reconcile pass.
async fn sync_clients(State(app): State<AppContext>) -> Result<axum::http::StatusCode, ApiError> {
    app.roster.sync(&app.db).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Tells a running server that the CLI changed clients in the database. Best effort: with no
/// server there is nobody to tell, and a server that does not answer catches up at its next
/// reconcile pass.
pub async fn announce_client_changes(data_dir: &Path) {
    let path = socket_path(data_dir);
    let Ok(http) = reqwest::Client::builder().unix_socket(path.as_path()).timeout(Duration::from_secs(5)).build() else {
        return;
    };
    if let Err(err) = http.post("http://peergate/clients/sync").send().await
        && !err.is_connect()
    {
        eprintln!("note: the running server was not told of the change ({err}); it sees it within a reconcile interval");
    }
}

/// What the CLI asks the server for.
#[derive(Debug, Clone, Copy)]
pub enum Request {
    Activate,
    Deactivate,
}

/// How long the CLI waits for the server's answer: an activation runs wg-quick (bounded by its
/// own deadline), resolves endpoints and pings the remote host.
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

/// The CLI's side: sends `request` for client `id` to the server on this data directory's
/// socket. `Ok` carries the client as the server answered; `Err` the server's own words (a
/// 409 becomes a `Conflict`), or why it could not be reached.
pub async fn call(data_dir: &Path, id: ClientId, request: Request, actor: &Actor) -> anyhow::Result<serde_json::Value> {
    let path = socket_path(data_dir);
    let http = reqwest::Client::builder().unix_socket(path.as_path()).timeout(CALL_TIMEOUT).build()?;
    let verb = match request {
        Request::Activate => "activate",
        Request::Deactivate => "deactivate",
    };
    let sent = http.post(format!("http://peergate/clients/{id}/{verb}")).header(ACTOR_HEADER, &actor.name).send().await;
    let response = match sent {
        Ok(response) => response,
        Err(err) if err.is_connect() => bail!(
            "the peergate server is not running (nothing answers on {}); start it (`systemctl start peergate`): \
             it owns the tunnels, and brings up every client marked active when it starts",
            path.display()
        ),
        Err(err) => return Err(anyhow::Error::new(err).context(format!("asking the server on {}", path.display()))),
    };
    let status = response.status();
    let body: serde_json::Value = response.json().await.context("reading the server's answer")?;
    if status.is_success() {
        return Ok(body);
    }
    let detail = body["detail"].as_str().unwrap_or("the server refused").to_string();
    if status == axum::http::StatusCode::CONFLICT {
        return Err(crate::cli::Conflict(detail).into());
    }
    bail!("{detail}")
}
