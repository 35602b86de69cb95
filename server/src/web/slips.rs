//! Printable ballot-code slips: A4, ten to a page, each with the code, a QR code of the ballot
//! page (never the code itself: codes do not travel in URLs), the round's name and its
//! anonymity promise. Cut along the dashed lines, shuffle, hand out like paper ballots.

use std::fmt::Write;

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use canvass_protocol::rounds::{GenerateCodes, RoundInfo};
use canvass_protocol::ErrorBody;
use qrcode::QrCode;

use super::page::{esc, html_response};
use crate::domain::auth::Caller;
use crate::http::{ApiError, ApiJson, AppState};

/// Generates codes and answers with printable slips (HTML, A4, many per page): each with the
/// code, a QR code of the ballot page, the round's name and its anonymity promise. A route of
/// the JSON API (`/api/v1`, bearer token, JSON errors) whose answer is a page, so it lives
/// here with the page it serves; `startup` registers it beside `routes::api_v1`.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), request_body = GenerateCodes, responses((status = 201, description = "a printable page of slips", content_type = "text/html"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
#[post("/rounds/{id}/slips")]
pub async fn generate_slips(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<GenerateCodes>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    let (info, codes) = state
        .generate_codes(caller, id.into_inner(), &request)
        .await?;
    Ok(response(&info, &request.elector_group, &codes))
}

/// The slips page for `codes` of one elector group, as a `201 Created` answer.
#[must_use]
pub fn response(round: &RoundInfo, group: &str, codes: &[String]) -> HttpResponse {
    html_response(StatusCode::CREATED, render(round, group, codes))
}

/// One SVG path drawing the dark modules of a QR code of `url`, and its size in modules.
fn qr_path(url: &str) -> (String, usize) {
    let Ok(code) = QrCode::new(url.as_bytes()) else {
        return (String::new(), 1);
    };
    let width = code.width();
    let colors = code.to_colors();
    let mut d = String::with_capacity(width * width * 4);
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let _ = write!(d, "M{} {}h1v1h-1z", i % width + 4, i / width + 4);
        }
    }
    (d, width + 8)
}

/// The slips page for `codes` of one elector group.
#[must_use]
pub fn render(round: &RoundInfo, group: &str, codes: &[String]) -> String {
    let label = round
        .definition
        .elector_groups
        .iter()
        .find(|g| g.id == group)
        .map_or(group, |g| g.label.as_str());
    let (path, size) = qr_path(&round.ballot_url);
    let title = format!("{} {}", round.series_name, round.period);
    let mut b = String::with_capacity(2048 + codes.len() * 900);
    let _ = write!(
        b,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{} — 测评码</title><style>\
         @page{{size:A4;margin:8mm}}*{{box-sizing:border-box}}body{{margin:0;font:10pt/1.35 \"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif}}\
         .sheet{{display:flex;flex-wrap:wrap}}.slip{{width:97mm;height:55mm;border:1px dashed #888;padding:3mm 4mm;display:flex;gap:3mm;page-break-inside:avoid;break-inside:avoid}}\
         .qr{{width:30mm;height:30mm;flex:none}}.t{{font-weight:700;font-size:10.5pt}}.code{{font:700 16pt/1.2 ui-monospace,\"DejaVu Sans Mono\",monospace;letter-spacing:.08em;margin:2mm 0}}\
         .small{{font-size:7.5pt;color:#333}}.url{{font-size:7pt;word-break:break-all}}\
         @media screen{{body{{background:#eee}}.sheet{{width:210mm;margin:0 auto;background:#fff;padding:8mm}}}}</style></head><body>\
         <svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><symbol id=\"qr\" viewBox=\"0 0 {size} {size}\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\"/></symbol></svg><div class=\"sheet\">",
        esc(&title)
    );
    for code in codes {
        let _ = write!(
            b,
            "<div class=\"slip\"><svg class=\"qr\" role=\"img\" aria-label=\"投票页面二维码 QR code of the ballot page\"><use href=\"#qr\"/></svg><div>\
             <div class=\"t\">{}</div><div class=\"small\">{} · 一次性测评码 one-time ballot code</div>\
             <div class=\"code\">{}</div>\
             <div class=\"small\">扫码或打开下方网址,输入此码投票。此码只能使用一次,与您的身份无关:任何人(包括系统管理员)都无法知道您投了什么票。</div>\
             <div class=\"url\">{}</div></div></div>",
            esc(&title),
            esc(label),
            esc(code),
            esc(&round.ballot_url)
        );
    }
    b.push_str("</div></body></html>");
    b
}

#[cfg(test)]
mod tests {
    use super::qr_path;

    #[test]
    fn a_qr_code_is_drawn_as_one_path() {
        let (path, size) = qr_path("http://127.0.0.1:8080/b/abcdefgh");
        assert!(size >= 29, "{size}");
        assert!(path.starts_with('M') && path.contains("h1v1h-1z"));
    }
}
