//! The hostile-input corpus (`corpus.json`, written by `scripts/hostile-corpus.py`): configs, form
//! fields and file names an attacker could get an admin to upload, each with the refusal it must
//! get. Every case is sent through the API; each must be refused with its code (and line), must not
//! quote a private key back, and must leave nothing behind: no client row, no file in the
//! WireGuard directory, no pending upload. All mismatches are reported together.

use reqwest::multipart::{Form, Part};
use serde::Deserialize;
use serde_json::Value;

use crate::support::admin_app;
use crate::support::fixtures::PRIVATE_KEY;

#[derive(Deserialize)]
struct Case {
    name: String,
    conf: String,
    fields: std::collections::BTreeMap<String, String>,
    file_name: String,
    status: u16,
    code: String,
    line: Option<u64>,
}

#[tokio::test]
async fn the_corpus_is_refused_and_nothing_is_written() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("corpus.json")).expect("corpus.json");
    assert!(cases.len() >= 150, "the corpus has {} cases", cases.len());
    let (app, admin) = admin_app().await;
    let token = app.token("admin", None).await;
    let client = reqwest::Client::new();
    let pending_dir = app.data_dir().join("pending");
    let mut failures = Vec::new();
    for case in &cases {
        let mut form = Form::new().part("file", Part::bytes(case.conf.clone().into_bytes()).file_name(case.file_name.clone()));
        for (field, value) in &case.fields {
            form = form.text(field.clone(), value.clone());
        }
        let res = client.post(app.url("/api/clients/upload")).bearer_auth(&token).multipart(form).send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let line = body["errors"][0]["line"].as_u64().or(body["line"].as_u64());
        let mut wrong = Vec::new();
        if status != case.status || body["code"] != case.code.as_str() {
            wrong.push(format!("got {status} {}", body["code"]));
        }
        if case.line.is_some() && line != case.line {
            wrong.push(format!("line {line:?}, expected {:?}", case.line));
        }
        if text.contains(PRIVATE_KEY.trim_end_matches('=')) {
            wrong.push("the private key is quoted back".into());
        }
        if !app.wg_files().is_empty() || app.client_count().await != 0 {
            wrong.push("something was written".into());
        }
        if std::fs::read_dir(&pending_dir).map(|d| d.count()).unwrap_or(0) != 0 {
            wrong.push("a pending upload was kept".into());
        }
        if !wrong.is_empty() {
            failures.push(format!("{}: {} — {}", case.name, wrong.join("; "), body["detail"]));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases wrong:\n{}", failures.len(), cases.len(), failures.join("\n"));
    drop(admin);
}
