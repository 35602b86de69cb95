//! The page frame shared by every public page, and HTML escaping.

use std::fmt::Write;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use canvass_protocol::forms::Lang;

/// Escapes text for HTML content and attribute values.
#[must_use]
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Small, readable on a 360 px phone, large tap targets, no external resources.
const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;font:17px/1.5 system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;color:#1a1a1a;background:#f4f5f7}\
main{max-width:40rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}\
h1{font-size:1.35rem;margin:.2rem 0 .6rem}\
.lang{float:right;font-size:.9rem}\
.note{font-size:.9rem;color:#444;background:#eef4ff;padding:.6rem .8rem;border-radius:6px}\
fieldset{border:0;border-top:1px solid #ddd;margin:1rem 0 0;padding:.8rem 0 0}\
legend{font-weight:600;padding:0}\
.req{color:#b00020}\
.hint{font-size:.88rem;color:#555;margin:.2rem 0}\
label.opt{display:flex;align-items:center;gap:.6rem;min-height:48px;padding:.4rem .6rem;margin:.3rem 0;border:1px solid #ccd;border-radius:8px}\
label.opt input{width:1.4rem;height:1.4rem;margin:0}\
.scale{display:flex;flex-wrap:wrap;gap:.3rem}.scale label.opt{min-width:3rem;justify-content:center}\
input[type=text],input[type=number],textarea,select{width:100%;font-size:1rem;padding:.7rem;border:1px solid #99a;border-radius:8px;min-height:48px}\
textarea{min-height:7rem}\
.err{color:#b00020;font-weight:600;margin:.3rem 0}\
.has-err label.opt,.has-err input,.has-err textarea,.has-err select{border-color:#b00020}\
button{width:100%;min-height:52px;margin:1.2rem 0;font-size:1.1rem;border:0;border-radius:8px;background:#0b5cad;color:#fff}\
.summary{border:2px solid #b00020;border-radius:8px;padding:.6rem .8rem}\
footer{font-size:.8rem;color:#666;margin-top:1.5rem}\
main:has(.dash){max-width:64rem}h2{font-size:1.15rem;margin:1.4rem 0 .4rem}h3{font-size:1rem;margin:1rem 0 .3rem}\
nav.dash{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.9rem;border-bottom:1px solid #ddd;padding-bottom:.4rem}\
nav.dash form{margin:0}.linkbtn{width:auto;min-height:0;margin:0;padding:0;background:none;color:#0b5cad;font-size:.9rem;text-decoration:underline}\
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}\
.n{text-align:right;font-variant-numeric:tabular-nums}.hid{color:#8a5a00;font-size:.82rem}\
.flag{border-left:4px solid #b00020;background:#fff3f3;padding:.4rem .6rem;margin:.4rem 0;font-size:.92rem}\
svg.chart{display:block;width:100%;height:auto;max-width:40rem;margin:.4rem 0}\
form.inline button{width:auto;min-height:44px;padding:0 1rem;margin:.3rem .4rem 0 0}\
fieldset.nums{display:flex;flex-wrap:wrap;gap:.4rem}fieldset.nums label{flex:1 1 6.5rem;font-size:.9rem}";

/// A whole page: `title` in the head, `body` inside `<main>`.
#[must_use]
pub fn page(lang: Lang, title: &str, body: &str) -> String {
    let mut html = String::with_capacity(body.len() + STYLE.len() + 400);
    let _ = write!(
        html,
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        lang.as_str(),
        esc(title),
    );
    html
}

/// An HTML answer with the given status; never cached (forms carry a respondent's answers).
#[must_use]
pub fn html_response(status: StatusCode, html: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"))
        .body(html)
}

/// A page with a heading and one message.
#[must_use]
pub fn message_page(status: StatusCode, lang: Lang, heading: &str, message: &str) -> HttpResponse {
    html_response(
        status,
        page(
            lang,
            heading,
            &format!("<h1>{}</h1><p>{}</p>", esc(heading), esc(message)),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            esc("<script>\"a\"&'b'"),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;"
        );
    }
}
