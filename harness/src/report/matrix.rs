//! The interop matrix for people (text) and machines (JSON).

use std::io::{self, Write};

use crate::interop::{self, Judgement, Matrix, MatrixVerdict};
use crate::profile::Profile;
use crate::time::utc;

/// Writes the matrix as pretty JSON.
pub fn write_json(matrix: &Matrix, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, matrix)?;
    writeln!(out)
}

/// How long a token may be in the text output before it is cut.
const TOKEN_SHOWN: usize = 400;

/// Writes the matrix as text: verdict, implementations, one table per
/// profile, the negative cases, then every failure with its reproduction.
pub fn write_text(matrix: &Matrix, out: &mut dyn Write) -> io::Result<()> {
    let verdict = match matrix.verdict {
        MatrixVerdict::Pass => "PASS",
        MatrixVerdict::Fail => "FAIL",
    };
    writeln!(
        out,
        "interop: {verdict}  (seed {}, {} cases per profile, now {})",
        matrix.seed,
        matrix.cases,
        utc(matrix.now)
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "implementations (layers done itself; the reference does the rest)"
    )?;
    let width = matrix
        .implementations
        .iter()
        .map(|m| m.name.len())
        .max()
        .unwrap_or(0);
    for member in &matrix.implementations {
        let layers: Vec<String> = member
            .layers
            .iter()
            .filter(|(_, roles)| !roles.produce.is_empty() || !roles.consume.is_empty())
            .map(|(profile, roles)| {
                let list = |names: Vec<&str>| {
                    if names.is_empty() {
                        "-".to_owned()
                    } else {
                        names.join("+")
                    }
                };
                format!(
                    "{} produce {} consume {}",
                    profile.as_str(),
                    list(roles.produce.iter().map(|l| l.as_str()).collect()),
                    list(roles.consume.iter().map(|l| l.as_str()).collect())
                )
            })
            .collect();
        writeln!(out, "  {:<width$}  {}", member.name, layers.join("; "))?;
        writeln!(out, "  {:<width$}  {}", "", member.library)?;
    }
    for profile in Profile::ALL {
        let Some(interop::ProfileTable {
            cells,
            producers,
            consumers,
        }) = matrix.table(profile)
        else {
            continue;
        };
        writeln!(out)?;
        writeln!(
            out,
            "{}: accepted with the same claims and context / tokens (producer down, consumer across)",
            profile.as_str()
        )?;
        let first = producers.iter().map(|p| p.len()).max().unwrap_or(0).max(8);
        let widths: Vec<usize> = consumers.iter().map(|c| c.len().max(9)).collect();
        write!(out, "  {:<first$}", "")?;
        for (c, w) in consumers.iter().zip(&widths) {
            write!(out, "  {c:>w$}")?;
        }
        writeln!(out)?;
        for p in &producers {
            write!(out, "  {p:<first$}")?;
            for (c, w) in consumers.iter().zip(&widths) {
                let cell = cells
                    .iter()
                    .find(|x| x.producer == *p && x.consumer == *c)
                    .map(|x| {
                        let mark = if x.failed > 0 { "✗ " } else { "" };
                        format!("{mark}{}/{}", x.passed, x.passed + x.failed)
                    })
                    .unwrap_or_else(|| "-".into());
                write!(out, "  {cell:>w$}")?;
            }
            writeln!(out)?;
        }
    }
    if !matrix.negative.is_empty() {
        let count = |j: Judgement| {
            matrix
                .negative
                .iter()
                .flat_map(|n| &n.outcomes)
                .filter(|o| o.judgement == j)
                .count()
        };
        writeln!(out)?;
        writeln!(
            out,
            "negative cases: {} cases, {} answers: {} rejected, {} known quirks, {} disagreements, {} wrong rule",
            matrix.negative.len(),
            matrix.negative.iter().map(|n| n.outcomes.len()).sum::<usize>(),
            count(Judgement::Rejected),
            count(Judgement::Quirk),
            count(Judgement::Disagreement),
            count(Judgement::WrongRule),
        )?;
        let name_width = matrix
            .negative
            .iter()
            .map(|n| n.case.len())
            .max()
            .unwrap_or(0);
        let rule_width = matrix
            .negative
            .iter()
            .map(|n| n.rule.len())
            .max()
            .unwrap_or(0);
        writeln!(
            out,
            "  {:<name_width$}  {:<rule_width$}  rejected by",
            "case", "rule that must fire"
        )?;
        for n in &matrix.negative {
            let rejected = n
                .outcomes
                .iter()
                .filter(|o| o.judgement == Judgement::Rejected)
                .count();
            writeln!(
                out,
                "  {:<name_width$}  {:<rule_width$}  {rejected}/{}",
                n.case,
                n.rule,
                n.outcomes.len()
            )?;
        }
        for n in &matrix.negative {
            for o in n
                .outcomes
                .iter()
                .filter(|o| o.judgement != Judgement::Rejected)
            {
                let label = match o.judgement {
                    Judgement::Quirk => "quirk",
                    Judgement::Disagreement => "DISAGREEMENT",
                    Judgement::WrongRule => "WRONG RULE",
                    Judgement::Rejected => "rejected",
                };
                let library = matrix
                    .implementations
                    .iter()
                    .find(|m| m.name == o.consumer)
                    .map_or("", |m| m.library.as_str());
                writeln!(
                    out,
                    "  {label}: {} [{library}] on {} ({})",
                    o.consumer, n.case, n.what
                )?;
                writeln!(out, "    {}", o.detail)?;
            }
        }
    }
    if !matrix.stale_quirks.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "stale quirks (listed, but no longer happen: remove them from the quirks file)"
        )?;
        for s in &matrix.stale_quirks {
            writeln!(
                out,
                "  {} {}: rejected {}",
                s.quirk.implementation,
                s.quirk.case,
                s.rejected.join(", ")
            )?;
        }
    }
    if matrix.failure_count > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "failures: {} (the first {} with reproductions)",
            matrix.failure_count,
            matrix.failures.len()
        )?;
        for f in &matrix.failures {
            writeln!(out)?;
            writeln!(
                out,
                "  {} case {}: produced by {}, consumed by {}",
                f.profile.as_str(),
                f.case,
                f.producer,
                f.consumer
            )?;
            writeln!(out, "    problem:   {}", f.problem)?;
            writeln!(
                out,
                "    keys:      vectors/keys/{}-private.pem signs, vectors/keys/{}-private.pem decrypts",
                f.keys.customer, f.keys.recipient
            )?;
            let token = match f.token.char_indices().nth(TOKEN_SHOWN) {
                Some((at, _)) => format!(
                    "{}… ({} bytes; --format json has it whole)",
                    &f.token[..at],
                    f.token.len()
                ),
                None => f.token.clone(),
            };
            writeln!(out, "    token:     {token}")?;
            writeln!(out, "    reproduce: {}", f.reproduce)?;
        }
    }
    Ok(())
}
