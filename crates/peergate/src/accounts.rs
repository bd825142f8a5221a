//! Accounts: creating users, issuing and revoking their API tokens, starting and ending browser
//! sessions. The command line and the API call these; each change commits with its audit event.
//! Secrets (passwords, tokens, session ids) are stored only as hashes/digests and returned once.

use std::net::IpAddr;

use peergate_core::account::{Role, Username};

use crate::credentials::{self, digest};
use crate::db::audit::{Actor, Entry};
use crate::db::users::{self, User};
use crate::db::{self, Db, sessions, tokens};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The name is taken (the CLI exits with its "conflict" status).
    #[error("{0}")]
    Conflict(String),
    #[error("user `{0}` does not exist")]
    NoSuchUser(String),
    #[error("`{0}` is disabled; enable the account first")]
    Disabled(String),
    #[error("no live token with id {0}")]
    NoSuchToken(i64),
    /// The gateway must keep an enabled admin.
    #[error("`{0}` is the last enabled admin; add or enable another admin first")]
    LastAdmin(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db::database_failure_is_internal!(AccountError);

/// Creates a user with an already checked password.
pub async fn add_user(db: &Db, username: &Username, password: &str, role: Role, actor: &Actor) -> Result<User, AccountError> {
    let hash = credentials::hash_password_off_thread(password).await?;
    let mut change = db.change(actor).await?;
    let user = match users::create(&mut change, username, &hash, role).await {
        Err(err) if db::is_unique_violation(&err) => {
            return Err(AccountError::Conflict(format!("user `{username}` already exists")));
        }
        other => other?,
    };
    let entry = Entry::new("user.create", format!("user:{}", user.username))
        .after(serde_json::json!({ "username": user.username, "role": user.role }));
    change.commit(entry).await?;
    Ok(user)
}

/// Lets a throttled account in again: its login failures up to now stop counting (within the
/// server's next login attempt for it). The guessing addresses stay limited.
pub async fn unlock_user(db: &Db, username: &str, actor: &Actor) -> Result<(), AccountError> {
    let mut change = db.change(actor).await?;
    if !users::set_unlocked(&mut change, username, db::now()).await? {
        return Err(AccountError::NoSuchUser(username.into()));
    }
    change.commit(Entry::new("user.unlock", format!("user:{username}"))).await?;
    Ok(())
}

/// A token just issued: its secret is shown once and never stored.
pub struct IssuedToken {
    pub id: i64,
    pub user: User,
    pub secret: String,
}

/// Issues an API token named `name` (checked with `parse_token_name`) to `username`, expiring
/// after `expires_in_days` if given.
pub async fn create_token(
    db: &Db,
    username: &str,
    name: &str,
    expires_in_days: Option<u32>,
    actor: &Actor,
) -> Result<IssuedToken, AccountError> {
    let user = users::find_by_username(db, username).await?.ok_or_else(|| AccountError::NoSuchUser(username.into()))?;
    let secret = credentials::new_api_token();
    let expires_at = expires_in_days.map(|d| db::now() + i64::from(d) * 86_400);
    let mut change = db.change(actor).await?;
    let id = tokens::create(&mut change, user.id, name, &digest(&secret), expires_at).await?;
    let entry = Entry::new("token.create", format!("token:{id}"))
        .after(serde_json::json!({ "user": user.username, "name": name, "expires_at": expires_at }));
    change.commit(entry).await?;
    Ok(IssuedToken { id, user, secret })
}

pub async fn revoke_token(db: &Db, id: i64, actor: &Actor) -> Result<(), AccountError> {
    let mut change = db.change(actor).await?;
    if !tokens::revoke(&mut change, id).await? {
        return Err(AccountError::NoSuchToken(id));
    }
    change.commit(Entry::new("token.revoke", format!("token:{id}"))).await?;
    Ok(())
}

/// A browser session just started: the cookie's secret and the CSRF token that goes with it.
pub struct NewSession {
    pub id: String,
    pub csrf_token: String,
}

/// Starts a session for a user whose password was verified.
pub async fn start_session(db: &Db, user: &User, ip: IpAddr, request_id: &str) -> Result<NewSession, AccountError> {
    let session = NewSession { id: credentials::new_session_id(), csrf_token: credentials::new_csrf_token() };
    let actor = Actor::user(&user.username, Some(request_id));
    let mut change = db.change(&actor).await?;
    sessions::create(&mut change, &digest(&session.id), user.id, &session.csrf_token).await?;
    let entry = Entry::new("auth.login", format!("user:{}", user.username)).after(serde_json::json!({ "ip": ip.to_string() }));
    change.commit(entry).await?;
    Ok(session)
}

/// Records a refused login (the name as typed, cut to 64 characters).
pub async fn record_failed_login(db: &Db, username: &str, ip: IpAddr, request_id: &str) -> Result<(), AccountError> {
    let actor = Actor::user("anonymous", Some(request_id));
    let target = format!("user:{}", username.chars().take(64).collect::<String>());
    let entry = Entry::new("auth.login_failed", target).after(serde_json::json!({ "ip": ip.to_string() }));
    db.change(&actor).await?.commit(entry).await?;
    Ok(())
}

/// Ends the session whose id digest is `id_hash`.
pub async fn end_session(db: &Db, id_hash: &str, actor: &Actor) -> Result<(), AccountError> {
    let mut change = db.change(actor).await?;
    sessions::delete(&mut change, id_hash).await?;
    change.commit(Entry::new("auth.logout", format!("user:{}", actor.name))).await?;
    Ok(())
}

/// Sets an enabled user's password (already checked) and ends their sessions, so whoever knew
/// the old one is signed out. API tokens stay: revoke them separately.
pub async fn set_password(db: &Db, username: &str, password: &str, actor: &Actor) -> Result<u64, AccountError> {
    let hash = credentials::hash_password_off_thread(password).await?;
    let mut change = db.change(actor).await?;
    let account = users::find_in(&mut change, username).await?.ok_or_else(|| AccountError::NoSuchUser(username.into()))?;
    if account.disabled_at.is_some() {
        return Err(AccountError::Disabled(username.into()));
    }
    users::set_password(&mut change, username, &hash).await?;
    let ended = sessions::delete_for_user(&mut change, account.user.id).await?;
    let entry = Entry::new("user.password", format!("user:{username}")).after(serde_json::json!({ "sessions_ended": ended }));
    change.commit(entry).await?;
    Ok(ended)
}

/// Ends every session of a user ("sign out everywhere"); returns how many there were.
pub async fn end_sessions(db: &Db, username: &str, actor: &Actor) -> Result<u64, AccountError> {
    let mut change = db.change(actor).await?;
    let account = users::find_in(&mut change, username).await?.ok_or_else(|| AccountError::NoSuchUser(username.into()))?;
    let ended = sessions::delete_for_user(&mut change, account.user.id).await?;
    let entry = Entry::new("user.sessions_end", format!("user:{username}")).after(serde_json::json!({ "sessions_ended": ended }));
    change.commit(entry).await?;
    Ok(ended)
}

/// Disables (`enable = false`) or enables an account. Disabling ends its sessions; its tokens stop
/// working (checked at each use, after the server's token cache). The last enabled admin cannot
/// be disabled.
pub async fn set_enabled(db: &Db, username: &str, enable: bool, actor: &Actor) -> Result<(), AccountError> {
    let mut change = db.change(actor).await?;
    let account = users::find_in(&mut change, username).await?.ok_or_else(|| AccountError::NoSuchUser(username.into()))?;
    if account.disabled_at.is_none() == enable {
        return Ok(()); // already so: nothing to record
    }
    users::set_disabled(&mut change, account.user.id, (!enable).then(db::now)).await?;
    if !enable {
        sessions::delete_for_user(&mut change, account.user.id).await?;
        if users::count_admins_in(&mut change).await? == 0 {
            return Err(AccountError::LastAdmin(username.into()));
        }
    }
    let action = if enable { "user.enable" } else { "user.disable" };
    change.commit(Entry::new(action, format!("user:{username}"))).await?;
    Ok(())
}

/// Deletes an account with its sessions and tokens. The last enabled admin cannot be removed.
pub async fn remove_user(db: &Db, username: &str, actor: &Actor) -> Result<(), AccountError> {
    let mut change = db.change(actor).await?;
    let account = users::find_in(&mut change, username).await?.ok_or_else(|| AccountError::NoSuchUser(username.into()))?;
    users::delete(&mut change, account.user.id).await?;
    if users::count_admins_in(&mut change).await? == 0 {
        return Err(AccountError::LastAdmin(username.into()));
    }
    let entry = Entry::new("user.delete", format!("user:{username}"))
        .before(serde_json::json!({ "username": account.user.username, "role": account.user.role }));
    change.commit(entry).await?;
    Ok(())
}
