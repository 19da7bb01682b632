//! Serving the router on a socket, with the inbound limits `axum::serve` does not offer: a
//! client must send its request head within a time (else a few slow clients hold connections
//! open for ever) and take its answer (else a client that never reads holds one), only so many
//! connections are open at once (past that, new ones wait in the kernel's backlog instead of
//! exhausting file descriptors and memory), and one client holds only a share of them.

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;
use tower::ServiceExt;

use crate::limits::network_of;

/// The inbound limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// A client that has not sent a whole request head by then is disconnected; so is a
    /// kept-alive connection that sends no new request by then.
    pub header_read_timeout: Duration,
    /// A client that takes no byte of its answer for this long is disconnected (nginx's
    /// `send_timeout`).
    pub send_timeout: Duration,
    /// Connections open at once; further ones are accepted as others close.
    pub max_connections: usize,
    /// Connections one client (an IPv4 address, an IPv6 /64) may hold open at once; a further
    /// one is closed at once (nginx's `limit_conn`). 0: no such cap, for a proxy behind another
    /// one, where every connection comes from the one in front.
    pub max_connections_per_client: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_read_timeout: Duration::from_secs(10),
            send_timeout: Duration::from_secs(60),
            // Well under the usual 1,024 open files per process.
            max_connections: 512,
            // A browser opens at most six connections to a host; this leaves room for a few
            // dozen visitors behind one address (an office, a carrier's NAT) and keeps one
            // client from holding every connection.
            max_connections_per_client: 64,
        }
    }
}

thread_local! {
    /// Which lane's thread this is ([`serve_on_threads`]); 0 outside the lanes.
    static LANE: Cell<usize> = const { Cell::new(0) };
}

/// The lane serving requests on this thread: the upstream client keeps one connection pool per
/// lane, so that a request and its tenant connection stay on one thread.
pub fn lane() -> usize {
    LANE.get()
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes the requests in
/// flight (so a load balancer moves visitors to another instance without a failure). Every
/// request carries the peer's [`ConnectInfo`], which the per-client limits key on. The
/// connections are served on the calling runtime.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) {
    serve_on_threads(listener, router, limits, 1, shutdown).await;
}

/// [`serve`] on `threads` lanes: the calling runtime and `threads - 1` threads of their own, each
/// running a single-threaded runtime. Connections are handed to the lanes in turn, and a
/// connection's requests (and the tenant calls they make) stay on its lane, as nginx's workers
/// keep theirs: no work moves between threads, no thread wakes another per request. Call it
/// from a single-threaded runtime, which is lane 0.
pub async fn serve_on_threads(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    threads: usize,
    shutdown: impl Future<Output = ()>,
) {
    let mut queues = Vec::new();
    let mut finished = Vec::new();
    for index in 0..threads.max(1) {
        let (queue, incoming) = mpsc::unbounded_channel();
        let (done, lane_finished) = oneshot::channel();
        let router = router.clone();
        let serving = async move {
            serve_lane(incoming, router, limits).await;
            let _ = done.send(());
        };
        if index == 0 {
            tokio::spawn(serving);
        } else {
            let spawned = std::thread::Builder::new()
                .name(format!("lane-{index}"))
                .spawn(move || {
                    LANE.set(index);
                    match tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        Ok(runtime) => runtime.block_on(serving),
                        Err(error) => tracing::warn!(%error, "cannot start a serving thread"),
                    }
                });
            if let Err(error) = spawned {
                tracing::warn!(%error, "cannot start a serving thread");
                continue;
            }
        }
        queues.push(queue);
        finished.push(lane_finished);
    }
    accept(listener, limits, &queues, shutdown).await;
    // Closing the queues tells each lane to finish the requests in flight and end.
    drop(queues);
    for lane_finished in finished {
        let _ = lane_finished.await;
    }
}

/// A connection on its way from the acceptor to its lane.
struct Accepted {
    stream: std::net::TcpStream,
    peer: SocketAddr,
    /// Held while the connection is open: [`ServeLimits::max_connections`] across all lanes.
    permit: OwnedSemaphorePermit,
    /// Held while the connection is open: [`ServeLimits::max_connections_per_client`].
    client: Option<ClientConnection>,
}

/// How many connections each client holds open.
#[derive(Default)]
struct ClientConnections(Mutex<HashMap<IpAddr, usize>>);

impl ClientConnections {
    /// One more connection for `client`, unless it already holds `cap` of them.
    fn open(self: &Arc<Self>, client: IpAddr, cap: usize) -> Option<ClientConnection> {
        let mut open = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(client).or_default();
        if *count >= cap {
            return None;
        }
        *count += 1;
        Some(ClientConnection {
            client,
            all: Arc::clone(self),
        })
    }
}

/// One open connection of a client, counted until it is dropped.
struct ClientConnection {
    client: IpAddr,
    all: Arc<ClientConnections>,
}

impl Drop for ClientConnection {
    fn drop(&mut self) {
        let mut open = self
            .all
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// Accepts connections until `shutdown` completes and hands them to the lanes in turn.
async fn accept(
    listener: TcpListener,
    limits: ServeLimits,
    lanes: &[mpsc::UnboundedSender<Accepted>],
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let clients = Arc::new(ClientConnections::default());
    tokio::pin!(shutdown);
    let mut next = 0;
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permit else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let client = match limits.max_connections_per_client {
            0 => None,
            cap => match clients.open(network_of(peer.ip()), cap) {
                Some(client) => Some(client),
                // Closed unanswered: a client past its share is not a visitor to inform.
                None => {
                    tracing::debug!(%peer, "a client past its share of connections: closed");
                    continue;
                }
            },
        };
        // Answers go out as soon as they are written, as nginx's `tcp_nodelay` does; Nagle's
        // algorithm would hold a small answer back while the previous one is unacknowledged.
        let _ = stream.set_nodelay(true);
        // Off this runtime's reactor, onto the lane's.
        let Ok(stream) = stream.into_std() else {
            continue;
        };
        let mut accepted = Accepted {
            stream,
            peer,
            permit,
            client,
        };
        // A lane that is gone (its thread could not start) is skipped.
        for _ in 0..lanes.len() {
            next = (next + 1) % lanes.len();
            match lanes[next].send(accepted) {
                Ok(()) => break,
                Err(mpsc::error::SendError(back)) => accepted = back,
            }
        }
    }
}

/// Serves the connections handed to this lane until its queue closes, then finishes the
/// requests in flight.
async fn serve_lane(
    mut incoming: mpsc::UnboundedReceiver<Accepted>,
    router: Router,
    limits: ServeLimits,
) {
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    while let Some(Accepted {
        stream,
        peer,
        permit,
        client,
    }) = incoming.recv().await
    {
        let Ok(stream) = TcpStream::from_std(stream) else {
            continue;
        };
        let service = router
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let stream = SendDeadline::new(stream, limits.send_timeout);
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or is too slow is its own business, not an error to log.
            let _ = connection.await;
            drop((permit, client));
        });
    }
    graceful.shutdown().await;
}

/// A connection whose writes fail once the client has taken none of the answer for `timeout`.
struct SendDeadline {
    stream: TcpStream,
    timeout: Duration,
    /// Running while a write waits for the client.
    waiting: Option<Pin<Box<Sleep>>>,
}

impl SendDeadline {
    fn new(stream: TcpStream, timeout: Duration) -> Self {
        SendDeadline {
            stream,
            timeout,
            waiting: None,
        }
    }

    /// `written` as it is, unless it is still waiting and the client has taken nothing for
    /// `timeout`.
    fn within_deadline<T>(
        &mut self,
        cx: &mut Context<'_>,
        written: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if written.is_ready() {
            self.waiting = None;
            return written;
        }
        let timeout = self.timeout;
        let waiting = self
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        ready!(waiting.as_mut().poll(cx));
        Poll::Ready(Err(io::ErrorKind::TimedOut.into()))
    }
}

impl AsyncRead for SendDeadline {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for SendDeadline {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.within_deadline(cx, written)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.within_deadline(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let flushed = Pin::new(&mut this.stream).poll_flush(cx);
        this.within_deadline(cx, flushed)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
