//! How long a client may take to send a request (`EXTRANET_REQUEST_READ_TIMEOUT_SECONDS`): its
//! head, then again its body.
//!
//! actix bounds the head of a connection's first request (`client_request_timeout`, set from
//! the same value: 408 and the connection closed), and nothing else. A body sent a byte at a
//! time is read for as long as it keeps coming; so every request's body is read through
//! [`guard`]: once the deadline has passed since the head arrived, reading it fails with
//! [`timed_out`], which `extract::JsonBody` answers 408 `request_timeout`. The request's payload
//! is then held, unread, until the answer has been sent, because actix closes a connection
//! whose request body was not read to its end — unless the body was dropped and is chunked,
//! which it goes on reading (to keep the connection) for as long as it keeps coming. Held, it
//! closes: after a 408, and after any answer given before the body was all there, whether or
//! not the route reads bodies.
//!
//! The head of a later request on a kept-alive connection has no deadline in actix at all (its
//! keep-alive timer stops at the first byte). [`watch_connection`] gives each connection a
//! [`ConnectionWatch`]: once no request is in flight, the next one must have arrived within
//! [`KEEP_ALIVE`] and the read deadline, or the connection is shut down.
use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage};
use futures_util::Stream;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// How long an idle kept-alive connection waits for its next request (actix closes it then,
/// when nothing at all arrived).
pub const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// The error a body read past its deadline ends with.
pub fn timed_out() -> PayloadError {
    PayloadError::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "the request body was not sent in time",
    ))
}

/// Whether reading a body failed because its deadline passed.
pub fn is_timed_out(e: &PayloadError) -> bool {
    matches!(e, PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut)
}

/// The request's payload, shared between the body stream the route reads and the answer that
/// holds it until it is sent.
type Shared = Rc<RefCell<Payload>>;

/// What a request's payload is made of once replaced.
type BoxedPayloadStream = Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>;

/// A request's body, cut at its deadline.
struct BodyWithDeadline {
    payload: Shared,
    deadline: Pin<Box<tokio::time::Sleep>>,
    over: bool,
}

impl Stream for BodyWithDeadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.over {
            return Poll::Ready(None);
        }
        // The deadline first: a body that trickles always has a byte ready.
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.over = true;
            return Poll::Ready(Some(Err(timed_out())));
        }
        let polled = Pin::new(&mut *self.payload.borrow_mut()).poll_next(cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            self.over = true;
        }
        polled
    }
}

/// An answer's body, holding the request's payload until it has been sent (and, while it
/// lives, the request counts as in flight on its connection).
pub struct HoldingPayload {
    body: BoxBody,
    _payload: Shared,
    _in_flight: Option<InFlight>,
}

impl MessageBody for HoldingPayload {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.body).poll_next(cx)
    }
}

/// Middleware: gives the request's body `timeout` from now (its head has just arrived), and
/// holds its payload until the answer is sent.
pub fn guard<S, B>(
    timeout: Duration,
    mut req: ServiceRequest,
    srv: &S,
) -> impl Future<Output = Result<ServiceResponse<HoldingPayload>, Error>> + 'static
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    let in_flight = req
        .conn_data::<Rc<ConnectionWatch>>()
        .map(|watch| InFlight::start(watch.clone()));
    let payload: Shared = Rc::new(RefCell::new(req.take_payload()));
    let body = BodyWithDeadline {
        payload: payload.clone(),
        deadline: Box::pin(tokio::time::sleep(timeout)),
        over: false,
    };
    req.set_payload(Payload::from(Box::pin(body) as BoxedPayloadStream));
    let response = srv.call(req);
    async move {
        // An error ends the request here (and `in_flight` with it).
        let res = response.await?;
        Ok(res.map_body(|_, body| HoldingPayload {
            body: BoxBody::new(body),
            _payload: payload,
            _in_flight: in_flight,
        }))
    }
}

/// One connection's requests, as far as its deadline needs them: how many are in flight, and
/// since when none is.
pub struct ConnectionWatch {
    in_flight: Cell<u32>,
    idle_since: Cell<Instant>,
    /// Told when the connection is gone, so that the watchdog lets go of the socket at once.
    gone: Rc<tokio::sync::Notify>,
}

impl Drop for ConnectionWatch {
    fn drop(&mut self) {
        self.gone.notify_one();
    }
}

/// A request in flight on its connection, from its head until its answer has been sent.
struct InFlight(Rc<ConnectionWatch>);

impl InFlight {
    fn start(watch: Rc<ConnectionWatch>) -> Self {
        watch.in_flight.set(watch.in_flight.get() + 1);
        Self(watch)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let watch = &self.0;
        watch.in_flight.set(watch.in_flight.get().saturating_sub(1));
        watch.idle_since.set(Instant::now());
    }
}

/// `HttpServer::on_connect`: watches a new plain-TCP connection (see the module's
/// documentation). `timeout` is the read deadline.
pub fn watch_connection(
    timeout: Duration,
    io: &dyn std::any::Any,
    data: &mut actix_web::dev::Extensions,
) {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let Some(stream) = io.downcast_ref::<actix_web::rt::net::TcpStream>() else {
            return;
        };
        // A handle of the watchdog's own on the socket, to shut it down; let go of as soon as
        // the connection is gone, so that it never keeps a socket open.
        let Ok(socket) = stream.as_fd().try_clone_to_owned() else {
            return;
        };
        let socket = std::net::TcpStream::from(socket);
        let gone = Rc::new(tokio::sync::Notify::new());
        let watch = Rc::new(ConnectionWatch {
            in_flight: Cell::new(0),
            idle_since: Cell::new(Instant::now()),
            gone: gone.clone(),
        });
        actix_web::rt::spawn(watchdog(
            Rc::downgrade(&watch),
            gone,
            socket,
            KEEP_ALIVE + timeout,
        ));
        data.insert(watch);
    }
    #[cfg(not(unix))]
    let _ = (timeout, io, data);
}

/// Shuts `socket` down once it has had no request in flight for `grace`; ends (letting go of
/// the socket) when the connection is gone.
async fn watchdog(
    watch: std::rc::Weak<ConnectionWatch>,
    gone: Rc<tokio::sync::Notify>,
    socket: std::net::TcpStream,
    grace: Duration,
) {
    loop {
        let wake = match watch.upgrade() {
            Some(w) if w.in_flight.get() == 0 => w.idle_since.get() + grace,
            Some(_) => Instant::now() + grace,
            None => return,
        };
        tokio::select! {
            () = gone.notified() => return,
            () = tokio::time::sleep_until(wake.into()) => {}
        }
        let idle_too_long = watch.upgrade().is_some_and(|w| {
            w.in_flight.get() == 0 && w.idle_since.get() + grace <= Instant::now()
        });
        if idle_too_long {
            let _ = socket.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}
