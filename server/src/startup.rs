//! Building and running the HTTP server from [`Settings`]: used by the binary and by tests,
//! which start it on port 0 with a fresh database.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::{Server, ServerHandle, Service, ServiceResponse};
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpServer};
use futures_util::future::{ready, Either};
use futures_util::FutureExt;
use utoipa::OpenApi;
use utoipa_actix_web::{scope, AppExt};

use crate::db::{self, Backend, Pool};
use crate::domain::auth::TokenKeys;
use crate::http::{error, extract, request, AppState};
use crate::routes;
use crate::settings::Settings;

/// How long a connection may take to close once the server has closed its side.
const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Name under which the generated token key is kept in the database.
const TOKEN_SECRET_NAME: &str = "token_hmac_key";

/// Why the server could not start; each says what to change.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] db::DbOpenError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("cannot prepare the database: {0}")]
    Store(#[from] db::StoreError),
}

/// A server bound to its port, ready to run.
pub struct Application {
    server: Server,
    port: u16,
    pub state: web::Data<AppState>,
    /// The ballot mixer's thread, which ends when the application does.
    _mixer: Option<db::Mixer>,
}

impl Application {
    /// Binds the listener and builds the app on an opened database.
    pub fn build(settings: Settings, pool: Pool, backend: Backend) -> Result<Self, StartError> {
        let addr = format!("{}:{}", settings.host, settings.port);
        let listener = TcpListener::bind(&addr).map_err(|source| StartError::Listen {
            addr: addr.clone(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartError::Listen { addr, source })?
            .port();
        let secret = match &settings.jwt_secret {
            Some(s) => s.expose().as_bytes().to_vec(),
            None => {
                let mut conn = pool.get().map_err(db::StoreError::Pool)?;
                db::secrets::get_or_create(&mut conn, TOKEN_SECRET_NAME, random_secret)?
                    .into_bytes()
            }
        };
        let code_pepper = {
            let mut conn = pool.get().map_err(db::StoreError::Pool)?;
            db::secrets::get_or_create(
                &mut conn,
                crate::domain::ballot_codes::CODE_PEPPER,
                random_secret,
            )?
        };
        let public_url = settings.public_base_url(port);
        let workers = settings.workers;
        let submissions = crate::http::ratelimit::RateLimiter::new(settings.submissions_per_minute);
        let code_attempts =
            crate::http::ratelimit::RateLimiter::new(settings.submissions_per_minute);
        let writer = db::Writer::new(&pool, backend)?;
        let commit = crate::commit::GroupCommit::start(writer.clone(), code_pepper.clone());
        let checkpoints = db::Checkpointer::start(pool.clone(), backend, Some(writer.clone()));
        let mixer = db::Mixer::start(
            pool.clone(),
            backend,
            writer.clone(),
            std::time::Duration::from_millis(settings.ballot_mix_interval_ms),
        );
        let state = web::Data::new(AppState {
            pool,
            backend,
            keys: TokenKeys::from_secret(&secret),
            settings: Arc::new(settings),
            public_url,
            submissions,
            code_attempts,
            code_pepper,
            commit,
            writer,
            checkpoints,
            metrics: crate::http::metrics::Metrics::default(),
        });
        let app_state = state.clone();
        let metrics_state = state.clone();
        let body_timeout = Duration::from_millis(state.settings.request_body_timeout_ms);
        let head_timeout = Duration::from_millis(state.settings.request_head_timeout_ms);
        let connections =
            crate::http::limits::ConnectionCap::new(state.settings.max_connections_per_address);
        let mut server = HttpServer::new(move || {
            let metrics_state = metrics_state.clone();
            App::new()
                .app_data(app_state.clone())
                .wrap_fn(move |mut req, srv| {
                    crate::http::limits::limit_body_time(&mut req, body_timeout);
                    srv.call(req)
                })
                .app_data(web::PathConfig::default().error_handler(extract::path_error))
                .app_data(web::QueryConfig::default().error_handler(extract::query_error))
                // a temporary password leads to /dashboard/password before any other page
                .wrap(actix_web::middleware::from_fn(
                    crate::web::console::accounts::password_gate,
                ))
                .wrap_fn(|req, srv| srv.call(req).map(|res| res.map(error::localise_errors)))
                .wrap_fn(
                    |req, srv| match crate::http::storable::check_uri(req.uri()) {
                        // refused before any handler: a JSON error on the API, a page elsewhere
                        Err(e) => {
                            let answer = if req.path().starts_with("/api/") {
                                error::json_answer(&e, request::accept_language(req.request()))
                            } else {
                                crate::web::page::refused_page(req.request(), &e)
                            };
                            Either::Left(ready(Ok(req.into_response(answer))))
                        }
                        Ok(()) => Either::Right(
                            srv.call(req)
                                .map(|res| res.map(ServiceResponse::map_into_boxed_body)),
                        ),
                    },
                )
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "no-referrer"))
                        .add(("X-Frame-Options", "DENY")),
                )
                .wrap_fn(move |req, srv| {
                    // Method, path (never the query string) and status only: no client address,
                    // so the log cannot be matched against answers.
                    let started = Instant::now();
                    let counted = metrics_state.clone();
                    let method = req.method().clone();
                    let path = req.path().to_string();
                    srv.call(req).map(move |res| {
                        if let Ok(res) = &res {
                            // counted by the route's pattern, never by the path a client sent
                            counted.metrics.request(
                                (
                                    method.as_str(),
                                    res.request()
                                        .match_pattern()
                                        .as_deref()
                                        .unwrap_or("unmatched"),
                                ),
                                res.status().as_u16(),
                                crate::http::metrics::error_code(res.response()),
                                started.elapsed(),
                            );
                            tracing::info!(
                                %method,
                                %path,
                                status = res.status().as_u16(),
                                // a u64, so that JSON logs carry a number
                                ms = u64::try_from(started.elapsed().as_millis())
                                    .unwrap_or(u64::MAX),
                                "request"
                            );
                        }
                        res
                    })
                })
                .into_utoipa_app()
                .openapi(routes::ApiDoc::openapi())
                .service(routes::health::healthz)
                .service(
                    scope::scope("/api/v1")
                        .configure(routes::api_v1)
                        // an API route whose answer is a page: see docs/ARCHITECTURE.md
                        .service(crate::web::slips::generate_slips)
                        .service(crate::web::slips::generate_survey_slips),
                )
                .openapi_service(routes::openapi_resource)
                .into_app()
                .service(crate::http::metrics::metrics)
                .service(crate::web::survey_form::show_form)
                .service(crate::web::survey_form::submit_form)
                .service(crate::web::survey_form::thanks)
                .service(crate::web::ballot::enter_code)
                .service(crate::web::ballot::show_ballot)
                .service(crate::web::ballot::cast)
                .configure(crate::web::dashboards)
                .default_service(web::to(routes::not_found))
        })
        .client_request_timeout(head_timeout)
        .client_disconnect_timeout(DISCONNECT_TIMEOUT)
        .on_connect(move |conn, data| connections.on_connect(conn, data))
        .listen(listener)
        .map_err(|source| StartError::Listen {
            addr: format!("port {port}"),
            source,
        })?;
        if workers > 0 {
            server = server.workers(workers);
        }
        Ok(Self {
            server: server.run(),
            port,
            state,
            _mixer: mixer,
        })
    }

    /// The port actually bound (useful with port 0).
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server.
    #[must_use]
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the server is stopped (Ctrl-C, SIGTERM or [`ServerHandle::stop`]).
    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn random_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}
