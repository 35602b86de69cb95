//! The one reader of `multipart/form-data` bodies, for the pages that take a file (a definition
//! to upload, a unit list or roster to import, a rectification report's files): bodies read
//! whole, parts by name.

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One part of a `multipart/form-data` body: its field name, the file name it was sent with
/// (for a file input), and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// The parts of a `multipart/form-data` body: (field name, bytes); `None` when the body is not
/// one.
pub fn parts(content_type: &str, body: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    Some(
        parts_with_files(content_type, body)?
            .into_iter()
            .map(|p| (p.name, p.bytes))
            .collect(),
    )
}

/// The value of parameter `key` of a `Content-Disposition` header line (`name`, `filename`).
fn disposition_param(line: &str, key: &str) -> Option<String> {
    line.split(';')
        .find_map(|p| p.trim().strip_prefix(key)?.strip_prefix('='))
        .map(|v| v.trim_matches('"').to_string())
}

/// The parts of a `multipart/form-data` body with the file names of file inputs; `None` when
/// the body is not one.
pub fn parts_with_files(content_type: &str, body: &[u8]) -> Option<Vec<Part>> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let next_delimiter = format!("\r\n--{boundary}");
    let mut rest = &body[find(body, delimiter.as_bytes())? + delimiter.len()..];
    let mut parts = Vec::new();
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n")?;
        let header_end = find(rest, b"\r\n\r\n")?;
        let headers = std::str::from_utf8(&rest[..header_end]).ok()?;
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
        let name = disposition_param(disposition, "name")?;
        let file_name = disposition_param(disposition, "filename");
        rest = &rest[header_end + 4..];
        let end = find(rest, next_delimiter.as_bytes())?;
        parts.push(Part {
            name,
            file_name,
            bytes: rest[..end].to_vec(),
        });
        rest = &rest[end + next_delimiter.len()..];
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::{parts, parts_with_files};

    #[test]
    fn multipart_bodies_are_split_into_named_parts() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.json\"\r\nContent-Type: application/json\r\n\r\n{\"a\":\r\n1}\r\n--XyZ--\r\n";
        let found = parts("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], ("csrf".to_string(), b"abc".to_vec()));
        assert_eq!(found[1].0, "file");
        assert_eq!(found[1].1, b"{\"a\":\r\n1}".to_vec());
        assert!(parts("multipart/form-data; boundary=Q", body).is_none());
        let with_files = parts_with_files("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(with_files[0].file_name, None);
        assert_eq!(with_files[1].file_name.as_deref(), Some("f.json"));
    }
}
