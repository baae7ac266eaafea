//! The PostgreSQL floor of `scripts/bench-server.sh`: the least an HTTP
//! endpoint can do per request with the server's driver and threading —
//! axum, one primary-key read of `users` through a pooled blocking
//! `postgres` connection on tokio's blocking pool, a JSON reply.
//!
//! `pg_floor --db postgres://… [--listen 127.0.0.1:0] [--pool 4]`; prints
//! `listening on http://ADDR`; `GET /?id=N` answers `{"login": …}`.

use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::routing::get;
use axum::Router;
use tokio::sync::Semaphore;

struct Pool {
    url: String,
    idle: Mutex<Vec<(postgres::Client, postgres::Statement)>>,
    permits: Arc<Semaphore>,
}

#[derive(serde::Deserialize)]
struct Q {
    id: i64,
}

fn connect(url: &str) -> (postgres::Client, postgres::Statement) {
    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let st = c
        .prepare("SELECT login FROM users WHERE id = $1")
        .expect("prepare");
    (c, st)
}

async fn one(State(pool): State<Arc<Pool>>, Query(q): Query<Q>) -> String {
    let permit = pool.permits.clone().acquire_owned().await.unwrap();
    let p = pool.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let taken = p.idle.lock().unwrap().pop();
        let (mut c, st) = taken.unwrap_or_else(|| connect(&p.url));
        let login: Option<String> = c.query_opt(&st, &[&q.id]).unwrap().map(|r| r.get(0));
        p.idle.lock().unwrap().push((c, st));
        serde_json::json!({ "result": 0, "login": login }).to_string()
    })
    .await
    .unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let url = arg("--db").expect("--db postgres://…");
    let listen = arg("--listen").unwrap_or_else(|| "127.0.0.1:0".into());
    let size: usize = arg("--pool").and_then(|p| p.parse().ok()).unwrap_or(4);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let pool = Arc::new(Pool {
            url,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(size)),
        });
        let app = Router::new().route("/", get(one)).with_state(pool);
        let l = tokio::net::TcpListener::bind(&listen).await.unwrap();
        println!("listening on http://{}", l.local_addr().unwrap());
        axum::serve(l, app).await.unwrap();
    });
}
