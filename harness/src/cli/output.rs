//! What the commands print beyond the library's reporters: the choice of
//! reporter and colour, the rules table, the decoded token, the lines on
//! stderr, and the JSON files `--save` writes.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};

use jose_harness::batch::Summary;
use jose_harness::findings::Report;
use jose_harness::mistakes::{self, Mistake, Status};
use jose_harness::profile::Profile;
use jose_harness::report::{json::Json, text::Text, Reporter};
use jose_harness::rules::{Rule, Scope};

use super::args::Format;

/// Colour only on a terminal, and never with NO_COLOR set.
pub fn use_color() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The reporter of a `--format`.
pub fn reporter(format: Format) -> Box<dyn Reporter> {
    match format {
        Format::Text => Box::new(Text { color: use_color() }),
        Format::Json => Box::new(Json),
    }
}

/// `DISAGREEMENT: backend A says … with …; backend B says … with …`
pub fn disagreement_line(first: &Report, other: &Report) -> String {
    format!(
        "DISAGREEMENT: backend {} says {:?} with {:?}; backend {} says {:?} with {:?}",
        first.backend,
        first.verdict,
        first.ids(),
        other.backend,
        other.verdict,
        other.ids()
    )
}

/// `batch: N tokens in S s (R tokens/s): P pass, F fail, …`
pub fn batch_summary_line(s: &Summary, backend: &str) -> String {
    let mut line = format!(
        "batch: {} tokens in {:.2} s ({:.0} tokens/s): {} pass, {} fail, {} incomplete",
        s.tokens,
        s.elapsed.as_secs_f64(),
        s.rate(),
        s.pass,
        s.fail,
        s.incomplete
    );
    if s.disagreements > 0 {
        line.push_str(&format!(", {} with backends disagreeing", s.disagreements));
    }
    if s.overlong > 0 {
        line.push_str(&format!(", {} line(s) over the length limit", s.overlong));
    }
    if s.blank > 0 {
        line.push_str(&format!("; {} blank line(s) skipped", s.blank));
    }
    line.push_str(&format!("; backend {backend}"));
    line
}

/// The rules as `checks` lists them: id, severity, scope and message on
/// one line, the fix and the reference under them.
pub fn write_rules_text(rules: &[&Rule], out: &mut dyn Write) -> io::Result<()> {
    for r in rules {
        let scope = match r.scope {
            Scope::Both => "both",
            Scope::Iadvize => "iadvize",
            Scope::Moveo => "moveo",
        };
        writeln!(
            out,
            "{:<30} {:<8} {:<8} {}",
            r.id,
            r.severity.as_str(),
            scope,
            r.message
        )?;
        writeln!(out, "{:<48} fix: {}", "", r.fix)?;
        writeln!(out, "{:<48} see: {}", "", r.reference)?;
        for m in mistakes::for_rule(r.id) {
            let langs: Vec<&str> = m.fixes.iter().map(|(l, _)| l.as_str()).collect();
            writeln!(out, "{:<48} cause: {} [{}]", "", m.id, langs.join(", "))?;
        }
    }
    Ok(())
}

/// What `checks --mistakes` prints as text: each mistake, what confirms
/// it, the rules it explains, and its fix per language.
pub fn write_mistakes_text(listed: &[&Mistake], out: &mut dyn Write) -> io::Result<()> {
    for m in listed {
        let status = match m.status {
            Status::Confirmed => "confirmed",
            Status::Likely => "likely",
        };
        writeln!(
            out,
            "{:<32} {:<21} {status:<9} {}",
            m.id,
            m.layer.as_str(),
            m.message
        )?;
        let rules: Vec<&str> = m.rules.iter().map(|r| r.id).collect();
        writeln!(out, "{:<32} rules: {}", "", rules.join(", "))?;
        writeln!(out, "{:<32} trial: {}", "", m.trial)?;
        for (lang, fix) in m.fixes {
            writeln!(out, "{:<32} {:<12} {fix}", "", format!("{}:", lang.label()))?;
        }
        writeln!(out, "{:<32} seen: {}", "", m.source)?;
    }
    Ok(())
}

/// What `decode` prints as text: the warning that nothing was verified,
/// the headers, claims and context, and, for a JWE it could not open,
/// why.
pub fn write_decoded_text(
    report: &Report,
    sealed_because: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "NOT VERIFIED: decoded without checking any signature; do not trust these values."
    )?;
    writeln!(out, "Run `jose-harness check` for a verdict.")?;
    Text { color: use_color() }.write_contents(report, out)?;
    if let Some(why) = sealed_because {
        writeln!(out, "\nThe payload is encrypted: {why}.")?;
    }
    Ok(())
}

/// The heading of a token `demo` minted, and the token.
pub fn write_demo_token(profile: Profile, token: &str, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "=== {} token minted with keys generated for this run ===\n{token}\n",
        profile.as_str()
    )
}

/// What `demo` suggests doing next.
pub fn write_demo_next_step(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Next: check your own token with\n  jose-harness check --profile iadvize --token @token.txt \\\n      --verify-key customer-public.pem --decrypt-key recipient-private.pem"
    )
}

/// Writes `value` as pretty JSON to `path` (`--save`).
pub fn save_json(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
