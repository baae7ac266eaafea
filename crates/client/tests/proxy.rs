//! A loopback server is reached directly whatever the proxy variables say
//! (`design/account-api.md`, "Defences of a local listener"): a proxy
//! would see every password and code. This test binary holds this one test
//! because it changes the process environment.

use std::sync::Arc;

use apiq_client::Client;
use apiq_server::{AppState, Config, ManualClock};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_requests_never_go_through_an_environment_proxy() {
    // A "proxy" that only counts who connects to it.
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    proxy.set_nonblocking(true).unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    for k in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(k, &proxy_url);
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");

    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::new(dir.path().join("c.db"));
    cfg.clock = Arc::new(ManualClock::new(1_700_000_010));
    let state = AppState::new(cfg).unwrap();
    for host in ["127.0.0.1", "localhost"] {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{host}:{}", l.local_addr().unwrap().port());
        tokio::spawn(apiq_server::serve(l, state.clone()));
        let c = Client::new(&url).unwrap();
        let login = format!("p-{host}@x.io");
        c.create_account(&login, "proxy test password 1", None)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(c.signin(&login, "proxy test password 1").await.is_ok());
    }
    match proxy.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("a loopback request went to the proxy: {other:?}"),
    }
}
