//! The auditors' page: one self-contained HTML file. Inline CSS, inline
//! vanilla JavaScript, and the [`AuditData`] embedded as JSON in a
//! `<script type="application/json">` element; no network, no build step,
//! it works from `file://`.
//!
//! Tokens, claims and adapter answers are untrusted: in the embedded JSON
//! every `<`, `>` and `&` is written as a `\u` escape, so no text can close
//! the script element, and the page's script renders everything with
//! `textContent`. A Content-Security-Policy allows only the page's own
//! script and style (by hash) and no network at all.

use std::io::{self, Write};

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::audit::AuditData;

/// The page's style.
const CSS: &str = include_str!("page.css");
/// The page's script: renders every section from the embedded data.
const JS: &str = include_str!("page.js");

/// The page around the data; `{{…}}` are filled in by [`render`].
const PAGE: &str = include_str!("page.html");

/// `'sha256-…'` of an inline element's text, for the CSP.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// JSON that is inert inside a `<script>` element: `<`, `>` and `&` (which
/// only occur inside strings) become `\u` escapes, so `</script>` or
/// `<!--` in a token or a claim stays text.
pub fn script_safe_json(value: &impl serde::Serialize) -> serde_json::Result<String> {
    let json = serde_json::to_string(value)?;
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Text safe between HTML tags.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page for `data`.
pub fn render(data: &AuditData) -> io::Result<String> {
    let json = script_safe_json(data)?;
    let mut summary = Vec::new();
    super::markdown::write(data, &mut summary)?;
    let summary = String::from_utf8_lossy(&summary);
    let csp = format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(JS),
        csp_hash(CSS)
    );
    // One pass over the template, so nothing substituted is searched again.
    let mut out = String::with_capacity(PAGE.len() + json.len() + CSS.len() + JS.len());
    let mut rest = PAGE;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        match &after[..end] {
            "CSP" => out.push_str(&csp),
            "VERSION" => out.push_str(&escape_html(&data.versions.harness)),
            "CSS" => out.push_str(CSS),
            "JS" => out.push_str(JS),
            "DATA" => out.push_str(&json),
            "NOSCRIPT" => out.push_str(&escape_html(&summary)),
            other => {
                out.push_str("{{");
                out.push_str(other);
                out.push_str("}}");
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Writes the page.
pub fn write(data: &AuditData, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(data)?.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_keeps_the_value_and_hides_markup() {
        let value =
            serde_json::json!({"sub": "</script><script>alert(1)</script> & <!-- \u{2028}"});
        let text = script_safe_json(&value).unwrap();
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn the_assets_have_no_template_markers_and_load_nothing() {
        for asset in [CSS, JS] {
            assert!(!asset.contains("</script") && !asset.contains("</style"));
            assert!(!asset.contains("http://") && !asset.contains("https://"));
        }
    }
}
