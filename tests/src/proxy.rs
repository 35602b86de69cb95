//! A TCP proxy for fault tests: it relays HTTP/1.1 between a client (the `canvass` client or
//! a browser) and the server, and cuts the connection after the server has answered a batch
//! upload, so the batch is stored and the client never hears so.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// A TCP proxy that forwards everything, except that the answers to the first `drops`
/// batch uploads are thrown away after the server has sent them: the server stored the
/// batch, the client never hears so.
pub struct DroppingProxy {
    /// `http://127.0.0.1:<port>`, to give the client instead of the server's address.
    pub address: String,
    /// How many batch uploads were answered by the server so far (dropped or passed on).
    pub dropped: Arc<AtomicUsize>,
}

impl DroppingProxy {
    /// Listens on a free port of the loopback and relays to `upstream` on the loopback.
    #[must_use]
    pub fn start(upstream: u16, drops: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let dropped = Arc::new(AtomicUsize::new(0));
        let budget = Arc::clone(&dropped);
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                let budget = Arc::clone(&budget);
                std::thread::spawn(move || relay(client, upstream, &budget, drops));
            }
        });
        Self { address, dropped }
    }
}

/// Relays one client connection (HTTP/1.1, one request at a time).
fn relay(mut client: TcpStream, upstream: u16, dropped: &AtomicUsize, drops: usize) {
    let Ok(mut server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    let mut to_server = server.try_clone().unwrap();
    let mut to_client = client.try_clone().unwrap();
    let upload_sent = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&upload_sent);
    let forward = std::thread::spawn(move || {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match client.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if buf[..n].starts_with(b"POST /api/v1/sync/batches") {
                        flag.store(true, Ordering::SeqCst);
                    }
                    if to_server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to_server.shutdown(Shutdown::Write);
    });
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match server.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if upload_sent.swap(false, Ordering::SeqCst)
                    && dropped.fetch_add(1, Ordering::SeqCst) < drops
                {
                    // the server answered (so it stored the batch); the client never sees it
                    let _ = to_client.shutdown(Shutdown::Both);
                    let _ = server.shutdown(Shutdown::Both);
                    break;
                }
                if to_client.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to_client.shutdown(Shutdown::Both);
    let _ = forward.join();
}
