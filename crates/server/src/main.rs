//! `apiq-server`: runs the account backend on an SQLite file or on
//! PostgreSQL (any number of instances on one database).
//!
//! ```text
//! apiq-server --db PATH|sqlite:PATH [--listen 127.0.0.1:8420] [--key-file PATH]
//!             [--tls-cert PEM --tls-key PEM | --insecure-http]
//! apiq-server --db postgres://USER[:PASSWORD]@HOST[:PORT]/DB --key-file PATH [...]
//! ```
//!
//! Failing to start is one line on stderr, `error: …`, and exit status 1.
//!
//! On a non-loopback address the server speaks HTTPS (`--tls-cert`,
//! `--tls-key`) or refuses to start, unless `--insecure-http` says that a
//! TLS-terminating proxy stands in front (`design/account-api.md`,
//! "Defences of a local listener"). The first line on stdout is
//! `listening on http://ADDR` (`https://` with TLS; the real port when `:0`
//! was asked). Logs go to stderr (`RUST_LOG`, default `info`);
//! they never hold passwords, codes, secrets, sessions or tokens.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use apiq_server::Database;
use clap::Parser;
use std::io::Write;

/// The default address: loopback, the bundled backend's port.
const DEFAULT_LISTEN: &str = "127.0.0.1:8420";

#[derive(Parser)]
#[command(
    name = "apiq-server",
    version,
    about = "The Apiq account backend (account-api.md)"
)]
struct Args {
    /// The SQLite database file (created and migrated when missing), or a
    /// PostgreSQL URL `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`.
    #[arg(long)]
    db: String,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// The server key file (32 bytes, mode 0600; created when missing).
    /// Default: `<db>.key` beside an SQLite database; required with a
    /// PostgreSQL URL (the same file for every instance).
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// The TLS certificate chain (PEM): serve HTTPS.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The TLS certificate's private key (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Plain HTTP on a non-loopback address (only behind a proxy that
    /// terminates TLS). `--allow-non-loopback` is its older name.
    #[arg(long, alias = "allow-non-loopback", conflicts_with = "tls_cert")]
    insecure_http: bool,
    /// Argon2id hashes computed at once (default: number of CPUs).
    #[arg(long)]
    hash_threads: Option<usize>,
    /// A folder of hashing slots shared by the instances on this machine
    /// (created 0700 when missing): together they hash at most as many
    /// passwords at once as it has CPUs, whatever their --hash-threads.
    #[arg(long, value_name = "DIR")]
    hash_slots: Option<PathBuf>,
    /// Passwords that may wait for a hashing thread before requests are
    /// answered "busy" (704) (default 64).
    #[arg(long)]
    hash_queue: Option<usize>,
    /// Accounts one IP address may create per hour (default 20).
    #[arg(long)]
    signup_limit: Option<u32>,
    /// Database connections of this instance (default 4).
    #[arg(long)]
    db_pool: Option<usize>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, whatever the causes say.
            let text = format!("{e:#}").replace(['\n', '\r'], " ");
            eprintln!("error: {text}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            Some(apiq_server::tls_config(cert, key).map_err(anyhow::Error::msg)?)
        }
        _ => None,
    };
    if !args.listen.ip().is_loopback() && tls.is_none() && !args.insecure_http {
        bail!(
            "refusing to serve plain HTTP on {} (not loopback): passwords would cross the network readable; give --tls-cert and --tls-key, or --insecure-http behind a proxy that terminates TLS",
            args.listen
        );
    }
    let mut config = match Database::parse(&args.db) {
        Database::Sqlite(path) => {
            let mut c = apiq_server::Config::new(path);
            if let Some(k) = args.key_file {
                c.key = apiq_server::KeySource::File(k);
            }
            c
        }
        Database::Postgres(url) => {
            let Some(key) = args.key_file else {
                bail!(
                    "--key-file is required with a database URL (the same file for every instance)"
                );
            };
            apiq_server::Config::postgres(url, key)
        }
    };
    if let Some(n) = args.db_pool {
        config.db_pool = n.max(1);
    }
    if let Some(n) = args.hash_threads {
        config.hash_threads = n.max(1);
    }
    if let Some(dir) = args.hash_slots {
        config.hash_slots = Some(dir);
    }
    if let Some(n) = args.signup_limit {
        config.signup_max_per_addr = n.max(1);
    }
    if let Some(n) = args.hash_queue {
        config.hash_queue = n.max(1);
    }
    // Database work is bounded by the connection pool, hashing runs on its
    // own threads: a small blocking pool is plenty.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(16)
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let state = apiq_server::AppState::new(config).context("starting the server")?;
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        {
            let mut out = std::io::stdout().lock();
            let scheme = if tls.is_some() { "https" } else { "http" };
            writeln!(out, "listening on {scheme}://{addr}")?;
            out.flush()?;
        }
        tracing::info!(%addr, tls = tls.is_some(), "apiq-server started");
        match tls {
            Some(tls) => {
                apiq_server::serve_tls_with_shutdown(listener, state, tls, shutdown_signal())
                    .await?
            }
            None => apiq_server::serve_with_shutdown(listener, state, shutdown_signal()).await?,
        }
        tracing::info!("apiq-server stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
