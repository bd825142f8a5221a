//! The audit log: who changed what, when, from which request. Written in the same transaction as
//! the change it describes, so there is never a change without its event (or an event without its
//! change). Read by admins at `GET /api/audit`.

use serde::Serialize;
use sqlx::Row;

use super::{Db, now};

/// Who made a change: a user name (with the request that carried it), `cli:<login>` for the command
/// line, or `system` for the reconciler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn user(name: &str, request_id: Option<&str>) -> Actor {
        Actor { name: name.to_string(), request_id: request_id.map(str::to_string) }
    }

    pub fn system() -> Actor {
        Actor { name: "system".into(), request_id: None }
    }

    /// The command line, named by the login that ran it (through sudo: the login behind sudo).
    pub fn cli() -> Actor {
        let name = match std::env::var("SUDO_USER").or_else(|_| std::env::var("USER")) {
            Ok(user) if !user.is_empty() => format!("cli:{user}"),
            _ => "cli".into(),
        };
        Actor { name, request_id: None }
    }
}

/// What changed: the action (`client.create`), its target (`client:site-a`), and the relevant
/// state before and after.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub action: String,
    pub target: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Entry {
    pub fn new(action: impl Into<String>, target: impl Into<Option<String>>) -> Entry {
        Entry { action: action.into(), target: target.into(), ..Entry::default() }
    }

    pub fn before(self, value: serde_json::Value) -> Entry {
        Entry { before: Some(value), ..self }
    }

    pub fn after(self, value: serde_json::Value) -> Entry {
        Entry { after: Some(value), ..self }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub id: i64,
    /// UNIX seconds.
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

/// Records `entry` in the transaction of the change it describes (see [`super::Change`]).
pub(super) async fn record(tx: &mut sqlx::AnyConnection, actor: &Actor, entry: Entry) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events (at, actor, action, target, before, after, request_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now())
    .bind(&actor.name)
    .bind(entry.action)
    .bind(entry.target)
    .bind(entry.before.map(|v| v.to_string()))
    .bind(entry.after.map(|v| v.to_string()))
    .bind(actor.request_id.as_deref())
    .execute(&mut *tx)
    .await
    .map(|_| ())
}

#[derive(Debug, Default)]
pub struct Filter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub target: Option<String>,
    /// UNIX seconds: events at or after…
    pub since: Option<i64>,
    /// …and before.
    pub until: Option<i64>,
    /// Events with a smaller id (the next page of a newest-first listing).
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// Newest first.
pub async fn list(db: &Db, filter: &Filter) -> Result<Vec<AuditEvent>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, at, actor, action, target, before, after, request_id FROM audit_events \
         WHERE ($1 IS NULL OR action = $1) AND ($2 IS NULL OR actor = $2) AND ($3 IS NULL OR target = $3) \
         AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at < $5) AND ($6 IS NULL OR id < $6) \
         ORDER BY id DESC LIMIT $7",
    )
    .bind(filter.action.as_deref())
    .bind(filter.actor.as_deref())
    .bind(filter.target.as_deref())
    .bind(filter.since)
    .bind(filter.until)
    .bind(filter.before_id)
    .bind(filter.limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let json = |col: &str| -> Result<Option<serde_json::Value>, sqlx::Error> {
                let text: Option<String> = r.try_get(col)?;
                Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
            };
            Ok(AuditEvent {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                target: r.try_get("target")?,
                before: json("before")?,
                after: json("after")?,
                request_id: r.try_get("request_id")?,
            })
        })
        .collect()
}

/// The distinct actions and actors recorded, for filter choices (each list sorted, bounded).
pub async fn facets(db: &Db) -> Result<(Vec<String>, Vec<String>), sqlx::Error> {
    let actions =
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_events ORDER BY action LIMIT 500").fetch_all(&db.pool).await?;
    let actors =
        sqlx::query_scalar("SELECT DISTINCT actor FROM audit_events ORDER BY actor LIMIT 500").fetch_all(&db.pool).await?;
    Ok((actions, actors))
}
