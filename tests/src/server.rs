//! The canvass application started in-process on port 0, with its own database.

use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use canvass_server::settings::{Secret, Settings};
use canvass_server::startup::Application;
use serde_json::{json, Value};

use crate::database::TestDb;

/// The password of the `admin` account in every test app.
pub const ADMIN_PASSWORD: &str = "admin-test-password";

/// A blocking HTTP client for one canvass server, with the calls tests make.
pub struct Api {
    pub address: String,
    pub client: reqwest::blocking::Client,
}

/// A running server and a blocking HTTP client for it (its [`Api`], through `Deref`).
pub struct TestApp {
    api: Api,
    pub settings: Settings,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
    // dropped last: the server must stop before its database goes
    pub db: TestDb,
}

impl TestApp {
    /// Starts the server on a fresh database with default settings.
    #[must_use]
    pub fn spawn() -> Self {
        Self::spawn_with(|_| {})
    }

    /// Starts the server after `configure` has adjusted the settings.
    #[must_use]
    pub fn spawn_with(configure: impl FnOnce(&mut Settings)) -> Self {
        let db = TestDb::new();
        let mut settings = Settings {
            database_url: db.url().into(),
            port: 0,
            admin_password: Some(ADMIN_PASSWORD.into()),
            db_pool_size: 4,
            workers: 2,
            log: "warn".into(),
            ..Settings::default()
        };
        configure(&mut settings);
        let (pool, backend) =
            canvass_server::db::open(settings.database_url.expose(), settings.db_pool_size)
                .expect("open the test database");
        {
            let mut conn = pool.get().expect("a connection");
            canvass_server::bootstrap::ensure_admin(
                &mut conn,
                settings.admin_password.as_ref().map(Secret::expose),
            )
            .expect("create admin");
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let app_settings = settings.clone();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let app = Application::build(app_settings, pool, backend).expect("build the app");
                tx.send((app.port(), app.handle()))
                    .expect("report the port");
                app.run().await.expect("serve");
            });
        });
        let (port, handle) = rx.recv().expect("the server starts");
        Self {
            api: Api::new(&format!("http://127.0.0.1:{port}")),
            settings,
            handle,
            thread: Some(thread),
            db,
        }
    }
}

impl std::ops::Deref for TestApp {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Api {
    /// A client for the server at `address` (`http://127.0.0.1:PORT`).
    #[must_use]
    pub fn new(address: &str) -> Self {
        let client = reqwest::blocking::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        Self {
            address: address.to_string(),
            client,
        }
    }

    /// `address` + `path`.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Signs in and returns the token; panics on failure.
    #[must_use]
    pub fn login(&self, username: &str, password: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .expect("login request");
        assert_eq!(response.status(), 200, "login as {username} failed");
        let body: Value = response.json().expect("login body");
        body["token"].as_str().expect("a token").to_string()
    }

    /// A token for the `admin` account.
    #[must_use]
    pub fn admin_token(&self) -> String {
        self.login("admin", ADMIN_PASSWORD)
    }

    /// Sends `method path` with a bearer token and an optional JSON body; returns status and
    /// parsed JSON (`Value::Null` for an empty body).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().expect("request");
        let status = response.status().as_u16();
        let text = response.text().expect("body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    /// Sends `method path` with extra headers and raw body bytes (sent as JSON); returns the
    /// status, the answer's headers and its parsed JSON (`Value::Null` for an empty body).
    pub fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = request.send().expect("request");
        let status = response.status().as_u16();
        let answer_headers = response.headers().clone();
        let text = response.text().expect("body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, answer_headers, value)
    }

    /// Creates a unit as `token`; returns its id.
    pub fn create_unit(&self, token: &str, name: &str, kind: &str, parent: Option<i64>) -> i64 {
        let (status, body) = self.call(
            "POST",
            "/api/v1/units",
            Some(token),
            Some(&json!({"name": name, "kind": kind, "parent_id": parent})),
        );
        assert_eq!(status, 201, "create unit {name}: {body}");
        body["id"].as_i64().expect("unit id")
    }

    /// Creates an account as `token`; returns its id.
    pub fn create_account(
        &self,
        token: &str,
        username: &str,
        password: &str,
        role: &str,
        unit: i64,
    ) -> i64 {
        let (status, body) = self.call(
            "POST",
            "/api/v1/accounts",
            Some(token),
            Some(
                &json!({"username": username, "password": password, "role": role, "unit_id": unit}),
            ),
        );
        assert_eq!(status, 201, "create account {username}: {body}");
        body["id"].as_i64().expect("account id")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        // stop() is a future; drive it on a throwaway runtime
        let _ = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(handle.stop(false));
        })
        .join();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
