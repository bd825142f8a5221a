//! The API as one caller sees it: a bearer token and typed requests, so a test reads like the
//! product (`admin.upload(…)`, `admin.post(…)`) instead of building requests by hand.

use reqwest::Response;
use reqwest::multipart::{Form, Part};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One caller of a running `TestApp`: cheap to clone into concurrent tasks.
#[derive(Clone)]
pub struct Caller {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Caller {
    pub fn new(base: String, token: String) -> Caller {
        Caller { base, token, http: reqwest::Client::new() }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        request.bearer_auth(&self.token).send().await.expect("the server answers")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(self.http.get(self.url(path))).await
    }

    /// GETs `path` with these request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        let request = headers.iter().fold(self.http.get(self.url(path)), |r, (name, value)| r.header(*name, *value));
        self.send(request).await
    }

    /// GETs `path`, requires 200 and decodes the body.
    pub async fn json<T: DeserializeOwned>(&self, path: &str) -> T {
        let res = self.get(path).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, 200, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {path}: {e}: {text}"))
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send(self.http.post(self.url(path)).json(body)).await
    }

    /// A POST without a body (activate, deactivate, ping).
    pub async fn post_empty(&self, path: &str) -> Response {
        self.send(self.http.post(self.url(path))).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.send(self.http.patch(self.url(path)).json(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.send(self.http.put(self.url(path)).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.send(self.http.delete(self.url(path))).await
    }

    /// Uploads a client config as the UI does: the file plus optional form fields.
    pub async fn upload(&self, file_name: &str, body: impl Into<Vec<u8>>, fields: &[(&str, &str)]) -> Response {
        let mut form = Form::new().part("file", Part::bytes(body.into()).file_name(file_name.to_string()));
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        self.send(self.http.post(self.url("/api/clients/upload")).multipart(form)).await
    }

    /// Uploads `<name>.conf` routing `subnet`; requires 201 and returns the new client's id.
    pub async fn create_client(&self, name: &str, subnet: &str) -> i64 {
        let res = self.upload(&format!("{name}.conf"), super::fixtures::conf(subnet), &[]).await;
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "upload of {name}: {body}");
        body["id"].as_i64().unwrap()
    }
}
