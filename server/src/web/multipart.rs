//! The one reader of `multipart/form-data` bodies, for the pages that take a file (a definition
//! to upload, a unit list or roster to import): small bodies, read whole, parts by name.

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The parts of a `multipart/form-data` body: (field name, bytes); `None` when the body is not
/// one.
pub fn parts(content_type: &str, body: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
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
        let name = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?
            .split(';')
            .find_map(|p| p.trim().strip_prefix("name="))?
            .trim_matches('"')
            .to_string();
        rest = &rest[header_end + 4..];
        let end = find(rest, next_delimiter.as_bytes())?;
        parts.push((name, rest[..end].to_vec()));
        rest = &rest[end + next_delimiter.len()..];
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::parts;

    #[test]
    fn multipart_bodies_are_split_into_named_parts() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.json\"\r\nContent-Type: application/json\r\n\r\n{\"a\":\r\n1}\r\n--XyZ--\r\n";
        let found = parts("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], ("csrf".to_string(), b"abc".to_vec()));
        assert_eq!(found[1].0, "file");
        assert_eq!(found[1].1, b"{\"a\":\r\n1}".to_vec());
        assert!(parts("multipart/form-data; boundary=Q", body).is_none());
    }
}
