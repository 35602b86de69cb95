//! What a request says about its sender: the client's address (for rate limits and sign-in
//! throttling only, never stored beside an answer) and the language it reads.

use actix_web::http::header;
use actix_web::HttpRequest;
use canvass_protocol::i18n::Lang;

/// The address a request came from: the peer, or the first `X-Forwarded-For` hop when the
/// server is configured to trust its proxy.
pub fn client_ip(req: &HttpRequest, trust_forwarded_for: bool) -> Option<std::net::IpAddr> {
    if trust_forwarded_for {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    req.peer_addr().map(|a| a.ip())
}

/// The client address as text, for throttling keys (`unknown` when there is none).
pub fn client_address(req: &HttpRequest, trust_forwarded_for: bool) -> String {
    client_ip(req, trust_forwarded_for).map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

/// The language the request asks for in `Accept-Language`; Simplified Chinese when it asks
/// for none this server speaks.
#[must_use]
pub fn accept_language(req: &HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::ZhCn, Lang::negotiate)
}
