//! The HTTP(S) server: one thread running a current-thread tokio runtime, hyper HTTP/1.1
//! connections, routing (`/`, `/metrics`, `/health`), basic auth, the concurrent
//! request cap and the timeouts for clients that never send.

use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue, ALLOW, CONTENT_TYPE, WWW_AUTHENTICATE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tokio::sync::{watch, Semaphore};
use tokio_rustls::TlsAcceptor;

use crate::auth::BasicAuth;
use crate::collect::filesystem_statfs;
use crate::metrics::Format;
use crate::scrape::Scraper;
use crate::{Config, Error, Result};

/// Open connections allowed at once (fewer when the descriptor limit is low, see
/// [`connection_cap`]); further connections are closed on accept, so a flood cannot
/// exhaust file descriptors.
const MAX_CONNECTIONS: usize = 2048;

/// Descriptors kept for the collectors (/proc, /sys, statfs) beyond the connections.
const RESERVED_FDS: u64 = 256;

/// The longest a connection may live: a client that sends a request and never reads
/// the answer holds its connection this long at most (hyper has no write timeout).
/// Scrapers on keep-alive simply reconnect.
const MAX_CONNECTION_LIFETIME: Duration = Duration::from_secs(120);

/// How many connections to allow: the soft descriptor limit is first raised to the
/// hard one (as node_exporter's Go runtime does), then [`RESERVED_FDS`] are kept for
/// the collectors, so accepted sockets can never starve /proc reads.
fn connection_cap() -> usize {
    use pskit::{Process, Rlimit, RlimitResource, RLIM_INFINITY};
    let me = Process::current().ok();
    let limit = me
        .as_ref()
        .and_then(|p| p.rlimit(RlimitResource::Nofile).ok());
    let soft = match (me, limit) {
        (Some(p), Some(l)) if l.soft != l.hard => {
            let raised = Rlimit {
                soft: l.hard,
                hard: l.hard,
            };
            match p.set_rlimit(RlimitResource::Nofile, raised) {
                Ok(()) => l.hard,
                Err(_) => l.soft,
            }
        }
        (_, Some(l)) => l.soft,
        _ => 1024,
    };
    let soft = if soft == RLIM_INFINITY {
        u64::MAX
    } else {
        soft.max(0) as u64
    };
    let room = soft.saturating_sub(RESERVED_FDS).max(16);
    usize::try_from(room)
        .unwrap_or(usize::MAX)
        .min(MAX_CONNECTIONS)
}

const LANDING_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>pskit exporter</title></head>\n<body><h1>pskit exporter</h1>\n<p><a href=\"/metrics\">Metrics</a></p>\n<p><a href=\"/health\">Health</a></p>\n</body></html>\n";

/// What every connection shares.
struct App {
    scraper: Scraper,
    auth: Option<BasicAuth>,
    tls: Option<TlsAcceptor>,
    /// `http_server_config.headers`, added to every response.
    headers: Vec<(HeaderName, HeaderValue)>,
    max_requests: usize,
    in_flight: AtomicUsize,
    header_timeout: Duration,
}

/// A bound, not yet running exporter. [`Server::run`] serves until
/// [`ShutdownHandle::shutdown`] is called.
///
/// ```
/// let mut config = pskit_exporter::Config::from_args(Default::default()).unwrap();
/// config.listen_address = "127.0.0.1:0".into();
/// let server = pskit_exporter::Server::bind(config).unwrap();
/// let addr = server.local_addr();
/// let stop = server.shutdown_handle();
/// let thread = std::thread::spawn(move || server.run());
/// // ... scrape http://{addr}/metrics ...
/// stop.shutdown();
/// thread.join().unwrap().unwrap();
/// # let _ = addr;
/// ```
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    app: Arc<App>,
    stop: Arc<watch::Sender<bool>>,
}

/// Stops a running [`Server`] (from any thread); clone it freely.
#[derive(Clone)]
pub struct ShutdownHandle(Arc<watch::Sender<bool>>);

impl ShutdownHandle {
    /// Asks the server to stop accepting and return from [`Server::run`].
    pub fn shutdown(&self) {
        self.0.send_replace(true);
    }
}

impl Server {
    /// Loads TLS files (a missing, malformed or expired certificate is an error),
    /// builds the collectors and binds the listen address (an address in use is
    /// [`Error::Bind`]).
    pub fn bind(config: Config) -> Result<Server> {
        let tls = match &config.web.tls_server_config {
            Some(t) => Some(crate::tls::acceptor(t)?),
            None => None,
        };
        let listener = TcpListener::bind(&config.listen_address).map_err(|source| Error::Bind {
            address: config.listen_address.clone(),
            source,
        })?;
        let local_addr = listener.local_addr().map_err(Error::Runtime)?;
        listener.set_nonblocking(true).map_err(Error::Runtime)?;
        let headers = extra_headers(&config.web.http_server_config.headers)?;
        let scraper = Scraper::new(
            &config.collectors,
            &config.collector,
            config.scrape_timeout,
            filesystem_statfs(),
        );
        let app = App {
            scraper,
            auth: BasicAuth::new(config.web.basic_auth_users.clone()),
            tls,
            headers,
            max_requests: config.max_requests,
            in_flight: AtomicUsize::new(0),
            header_timeout: config.read_header_timeout,
        };
        Ok(Server {
            listener,
            local_addr,
            app: Arc::new(app),
            stop: Arc::new(watch::channel(false).0),
        })
    }

    /// The address actually bound (the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// A handle that stops [`Server::run`].
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(self.stop.clone())
    }

    /// Serves until shut down; blocks the calling thread.
    pub fn run(self) -> Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            // bcrypt checks run here, one at a time (as exporter-toolkit serialises them).
            .max_blocking_threads(1)
            .thread_name("pskit-serve")
            .build()
            .map_err(Error::Runtime)?;
        runtime.block_on(self.accept_loop())
    }

    async fn accept_loop(self) -> Result<()> {
        let listener = tokio::net::TcpListener::from_std(self.listener).map_err(Error::Runtime)?;
        let mut stop = self.stop.subscribe();
        let connections = Arc::new(Semaphore::new(connection_cap()));
        loop {
            let accepted = tokio::select! {
                r = listener.accept() => r,
                _ = stop.wait_for(|s| *s) => return Ok(()),
            };
            let stream = match accepted {
                Ok((s, _)) => s,
                // EMFILE and friends: wait a little instead of spinning; never exit.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            };
            let Ok(permit) = connections.clone().try_acquire_owned() else {
                drop(stream);
                continue;
            };
            let app = self.app.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(MAX_CONNECTION_LIFETIME, app.connection(stream)).await;
                drop(permit);
            });
        }
    }
}

/// Parses the configured response headers (already checked by `WebConfig::load`).
fn extra_headers(
    headers: &std::collections::BTreeMap<String, String>,
) -> Result<Vec<(HeaderName, HeaderValue)>> {
    headers
        .iter()
        .map(|(name, value)| {
            let invalid = |e: &dyn std::fmt::Display| Error::InvalidArgument {
                flag: "--web.config.file",
                message: format!("http_server_config.headers: {name}: {e}"),
            };
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(&e))?;
            let value = HeaderValue::from_str(value).map_err(|e| invalid(&e))?;
            Ok((name, value))
        })
        .collect()
}

type Body = Full<Bytes>;

fn response(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    response(status, "text/plain; charset=utf-8", text)
}

impl App {
    /// Serves one connection: waits for the first byte (a client that never sends is
    /// dropped after the header timeout), does the TLS handshake, then HTTP/1.1.
    async fn connection(self: Arc<Self>, stream: TcpStream) {
        let mut first = [0u8; 1];
        match tokio::time::timeout(self.header_timeout, stream.peek(&mut first)).await {
            Ok(Ok(n)) if n > 0 => {}
            _ => return,
        }
        let _ = stream.set_nodelay(true);
        match self.tls.clone() {
            Some(acceptor) => {
                let handshake = tokio::time::timeout(self.header_timeout, acceptor.accept(stream));
                if let Ok(Ok(tls)) = handshake.await {
                    self.http(TokioIo::new(tls)).await;
                }
            }
            None => self.http(TokioIo::new(stream)).await,
        }
    }

    async fn http<I>(self: Arc<Self>, io: I)
    where
        I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    {
        let app = self.clone();
        let service = hyper::service::service_fn(move |req| {
            let app = app.clone();
            async move {
                let mut response = app.clone().handle(req).await;
                for (name, value) in &app.headers {
                    response.headers_mut().insert(name.clone(), value.clone());
                }
                Ok::<_, Infallible>(response)
            }
        });
        let _ = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_timeout)
            .max_buf_size(16 * 1024)
            .serve_connection(io, service)
            .await;
    }

    async fn handle(self: Arc<Self>, req: Request<Incoming>) -> Response<Body> {
        if self.auth.is_some() && !self.authorized(&req).await {
            let mut r = plain(StatusCode::UNAUTHORIZED, "Unauthorized\n");
            r.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"pskit\""),
            );
            return r;
        }
        let path = req.uri().path();
        if !matches!(path, "/" | "/metrics" | "/health") {
            return plain(StatusCode::NOT_FOUND, "Not Found\n");
        }
        if !matches!(*req.method(), Method::GET | Method::HEAD) {
            let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed\n");
            r.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        match path {
            "/" => response(StatusCode::OK, "text/html; charset=utf-8", LANDING_PAGE),
            "/health" => plain(StatusCode::OK, "OK\n"),
            _ => self.metrics(&req).await,
        }
    }

    async fn authorized(self: &Arc<Self>, req: &Request<Incoming>) -> bool {
        let header = req
            .headers()
            .get(hyper::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // bcrypt is slow by design: verify on the blocking thread.
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            me.auth.as_ref().is_some_and(|a| a.check(header.as_deref()))
        })
        .await
        .unwrap_or(false)
    }

    async fn metrics(&self, req: &Request<Incoming>) -> Response<Body> {
        let n = self.in_flight.fetch_add(1, Ordering::AcqRel);
        let _guard = InFlight(&self.in_flight);
        if self.max_requests > 0 && n >= self.max_requests {
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "Too many concurrent scrapes (--web.max-requests)\n",
            );
        }
        let accept = req
            .headers()
            .get(hyper::header::ACCEPT)
            .and_then(|v| v.to_str().ok());
        let format = Format::negotiate(accept);
        // Prometheus says how long it will wait; answer a little before that.
        let limit = req
            .headers()
            .get("x-prometheus-scrape-timeout-seconds")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v > 0.0 && *v < 1e6)
            .map(|v| Duration::from_secs_f64(v * 0.9));
        match self.scraper.scrape(format, limit).await {
            Ok(body) => response(StatusCode::OK, format.content_type(), body),
            Err(_) => plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Encoding the metrics failed\n",
            ),
        }
    }
}

/// Decrements the in-flight count when a /metrics request ends (even if cancelled).
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use pskit::{Process, RlimitResource};

    #[test]
    fn connections_leave_descriptors_for_the_collectors() {
        let cap = super::connection_cap();
        let l = Process::current()
            .unwrap()
            .rlimit(RlimitResource::Nofile)
            .unwrap();
        assert!((16..=super::MAX_CONNECTIONS).contains(&cap), "{cap}");
        if l.soft >= 0 {
            assert!(
                cap as i64 <= (l.soft - super::RESERVED_FDS as i64).max(16),
                "{cap} vs {l:?}"
            );
        }
    }
}
