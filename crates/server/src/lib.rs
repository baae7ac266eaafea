//! # apiq-server: the account backend
//!
//! The account side of an Apiqcloud (Jelastic-style) platform, following the
//! contract `design/account-api.md`: URLs `/1.0/{service}/rest/{method}`,
//! parameters from the query string and the body, every outcome HTTP 200
//! with a `{result, error}` envelope, and the security properties listed
//! there (Argon2id passwords, TOTP with a compare-and-set on the last used
//! step, sealed recovery codes, hashed sessions and tokens, throttling, an
//! audit trail). Gaps the contract leaves are filled as documented in
//! `docs/account-api-notes.md`.
//!
//! ## Embedding
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let state = apiq_server::AppState::new(apiq_server::Config::new("/tmp/apiq.db"))?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let url = format!("http://{}", listener.local_addr()?);
//! tokio::spawn(apiq_server::serve(listener, state));
//! # let _ = url; Ok(()) }
//! ```
//!
//! ## Layout
//! - `http`: the edge: routes, parameter parsing, body limit, envelope,
//!   panics caught into an envelope (never a 5xx).
//! - `api`: one handler per method: sign-in, 2FA, recovery codes, sessions,
//!   tokens, audit.
//! - `store`: all SQL, behind one interface with two engines: SQLite (one
//!   file, the default) and PostgreSQL (any number of instances on one
//!   database); pooled, migrated at start.
//! - `crypto`, `password`, `totp`, `throttle`, `clock`: the pieces, each
//!   pure or nearly so.

mod api;
mod clock;
mod crypto;
mod error;
mod http;
mod params;
mod password;
mod slots;
mod store;
mod throttle;
mod totp;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use apiq_account_proto::Method;
pub use clock::{format_utc, parse_utc, Clock, ManualClock, SystemClock};
pub use crypto::KeySource;
pub use error::{ApiError, ServerError, StoreError};
pub use http::{router, OPENAPI_JSON};
pub use store::Database;

/// This machine's CPUs (as many as this process may use), at least 1.
fn cpus() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// How to run the server. [`Config::new`] gives the defaults.
#[derive(Clone)]
pub struct Config {
    /// Where the data lives: an SQLite file (created and migrated when
    /// missing) or a PostgreSQL database (migrated at start).
    pub database: Database,
    /// The server key; default: the file `<db>.key` beside an SQLite
    /// database. Every instance on one PostgreSQL database needs the same.
    pub key: KeySource,
    /// Hashing threads: Argon2id hashes computed at once (default: the
    /// number of CPUs).
    pub hash_threads: usize,
    /// A folder of hashing slots shared by the instances on this machine
    /// (`--hash-slots`): together they hash at most as many passwords at
    /// once as it has CPUs (see `slots`). Default: none, each instance
    /// hashes on its own `hash_threads`.
    pub hash_slots: Option<PathBuf>,
    /// Each hashing thread keeps its 19 MiB of Argon2 working memory between
    /// hashes (default: yes, what a server under sign-in load needs). The
    /// desktop app's bundled backend, which hashes a few times a day, gives
    /// it back after each hash instead.
    pub keep_hash_memory: bool,
    /// Passwords that may wait for a hashing thread (default 64); past that
    /// `signin`, `createaccount` and password checks answer 704 "busy" with
    /// `retryAfter` at once.
    pub hash_queue: usize,
    /// Database connections (default 4).
    pub db_pool: usize,
    /// Largest request body in bytes (default 64 KiB); more is a 413.
    pub body_limit: usize,
    /// Failed attempts one IP address may make per `addr_window` seconds
    /// (counted in the database: shared by every instance).
    pub addr_max_failures: u32,
    pub addr_window: u64,
    /// Accounts one IP address may create per `signup_window` seconds
    /// (default 20 an hour); past it `createaccount` answers 704.
    pub signup_max_per_addr: u32,
    pub signup_window: u64,
    /// A full session ends after this many idle seconds (default 24 h) …
    pub session_idle: u64,
    /// … and at the latest this long after sign-in (default 7 days).
    pub session_absolute: u64,
    /// A pending session's lifetime (5 minutes, the contract's).
    pub pending_lifetime: u64,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
}

impl Config {
    /// An SQLite file, with its key file beside it.
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        let db_path: PathBuf = db_path.into();
        Self::with(
            Database::Sqlite(db_path.clone()),
            KeySource::beside(&db_path),
        )
    }

    /// A PostgreSQL database (`postgres://…`) and the key file every
    /// instance shares.
    pub fn postgres(url: impl Into<String>, key_file: impl Into<PathBuf>) -> Self {
        Self::with(
            Database::Postgres(url.into()),
            KeySource::File(key_file.into()),
        )
    }

    fn with(database: Database, key: KeySource) -> Self {
        Config {
            key,
            database,
            hash_threads: cpus(),
            hash_queue: 64,
            hash_slots: None,
            keep_hash_memory: true,
            db_pool: 4,
            body_limit: 64 * 1024,
            addr_max_failures: 100,
            addr_window: 300,
            signup_max_per_addr: 20,
            signup_window: 3600,
            session_idle: 24 * 3600,
            session_absolute: 7 * 24 * 3600,
            pending_lifetime: 300,
            clock: Arc::new(SystemClock),
        }
    }
}

/// The server's shared state: cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: store::Store,
    key: crypto::ServerKey,
    hasher: password::Hasher,
}

impl AppState {
    /// Loads (or creates) the server key, opens and migrates the database,
    /// prepares the hashing pool. Blocking: call it at start-up.
    pub fn new(config: Config) -> Result<Self, ServerError> {
        let key = crypto::ServerKey::load(&config.key)?;
        let store = store::Store::open(&config.database, config.db_pool)?;
        let slots = match &config.hash_slots {
            Some(dir) => Some(
                slots::HashSlots::open(dir, cpus())
                    .map_err(|e| ServerError::Io(std::io::Error::other(e)))?,
            ),
            None => None,
        };
        let hasher = password::Hasher::new(
            config.hash_threads,
            config.hash_queue,
            config.keep_hash_memory,
            slots.as_ref(),
        );
        Ok(AppState {
            inner: Arc::new(Inner {
                config,
                store,
                key,
                hasher,
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    fn now(&self) -> u64 {
        self.inner.config.clock.now()
    }
}

/// Reads a TLS certificate chain and its private key (PEM files) for
/// [`serve_tls_with_shutdown`]; the error says which file is wrong and how.
pub fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<std::sync::Arc<tokio_rustls::rustls::ServerConfig>, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<_, _>>())
        .map_err(|e| format!("cannot read the certificate {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no PEM certificate", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read the private key {}: {e}", key.display()))?;
    let provider = std::sync::Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .map(std::sync::Arc::new)
        .map_err(|e| format!("the certificate and key do not make a TLS configuration: {e}"))
}

/// Serves the API over HTTPS on `listener` until `shutdown` completes.
/// A connection whose handshake fails or stalls (10 s) is dropped alone.
pub async fn serve_tls_with_shutdown(
    listener: tokio::net::TcpListener,
    state: AppState,
    tls: std::sync::Arc<tokio_rustls::rustls::ServerConfig>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use tower::ServiceExt;
    let local = listener.local_addr()?;
    let app = http::guard(router(state), local);
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                // Out of file descriptors and the like: wait, go on.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            let handshake =
                tokio::time::timeout(std::time::Duration::from_secs(10), acceptor.accept(tcp));
            let Ok(Ok(stream)) = handshake.await else {
                return;
            };
            let svc = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    app.clone().oneshot(req)
                },
            );
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                .await;
        });
    }
}

/// Serves the API on `listener` until the task is dropped or fails.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_with_shutdown(listener, state, std::future::pending()).await
}

/// Serves the API until `shutdown` completes (in-flight requests finish).
pub async fn serve_with_shutdown(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let local = listener.local_addr()?;
    let app = http::guard(router(state), local).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
