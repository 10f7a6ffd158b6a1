//! The report's summary as Markdown, for a CI comment: the verdict, the
//! counts per implementation, the interop matrix, and every unexpected
//! result (tokens are left to the HTML page).

use std::io::{self, Write};

use crate::audit::{AuditData, Status, TokenCount, VectorResult};
use crate::interop::{self, Judgement, MatrixVerdict};
use crate::profile::Profile;

/// At most this many unexpected results are listed one by one.
const LISTED: usize = 30;

/// Text safe in a Markdown table cell and in a GitHub comment: no `|`, no
/// line breaks, no HTML.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push('\''),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span safe in a table cell: its text stays literal (no HTML is
/// read inside it), so only `|`, backticks and line breaks need care.
fn code(text: &str) -> String {
    let inner: String = text
        .chars()
        .map(|c| match c {
            '`' => '\'',
            '\r' | '\n' => ' ',
            c => c,
        })
        .collect();
    format!("`{}`", inner.replace('|', "\\|"))
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "FAIL"
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes the summary.
pub fn write(data: &AuditData, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## jose-harness report: {}", verdict(data.passed()))?;
    writeln!(out)?;
    writeln!(out, "| part | verdict | result |")?;
    writeln!(out, "|---|---|---|")?;
    writeln!(
        out,
        "| vectors | {} | {} on {}: {}, {} |",
        verdict(data.run.unexpected.is_empty()),
        plural(data.vectors.count, "vector", "vectors"),
        plural(data.run.rows.len(), "implementation", "implementations"),
        plural(
            data.run.unexpected.len(),
            "unexpected outcome",
            "unexpected outcomes"
        ),
        plural(data.run.quirks.len(), "known quirk", "known quirks"),
    )?;
    match &data.matrix {
        None => writeln!(out, "| interop | - | not run |")?,
        Some(m) => {
            let tokens: usize = m.cells.iter().map(|c| c.passed + c.failed).sum();
            let answers: usize = m.negative.iter().map(|n| n.outcomes.len()).sum();
            let rejected = m
                .negative
                .iter()
                .flat_map(|n| &n.outcomes)
                .filter(|o| o.judgement == Judgement::Rejected)
                .count();
            writeln!(
                out,
                "| interop | {} | seed {}, {} per profile: {} judged, {}; {}, {answers} answers, {rejected} rejected; {} |",
                verdict(m.verdict == MatrixVerdict::Pass),
                m.seed,
                plural(m.cases, "case", "cases"),
                plural(tokens, "token", "tokens"),
                plural(m.failure_count, "failure", "failures"),
                plural(m.negative.len(), "negative case", "negative cases"),
                plural(m.stale_quirks.len(), "stale quirk", "stale quirks"),
            )?;
        }
    }
    match &data.wycheproof {
        None => writeln!(out, "| wycheproof | - | not run |")?,
        Some(w) => {
            let run: usize = w
                .files
                .iter()
                .flat_map(|f| &f.backends)
                .map(|b| b.run)
                .sum();
            writeln!(
                out,
                "| wycheproof | {} | {} run over {}: {} |",
                verdict(w.unexpected == 0),
                plural(run, "case", "cases"),
                plural(w.files.len(), "file", "files"),
                plural(w.unexpected, "unexpected result", "unexpected results"),
            )?;
        }
    }
    match &data.rooterberg {
        None => writeln!(out, "| rooterberg | - | not run |")?,
        Some(r) => {
            let run: usize = r
                .files
                .iter()
                .flat_map(|f| &f.backends)
                .map(|b| b.run)
                .sum();
            writeln!(
                out,
                "| rooterberg | {} | {} run over {}: {} |",
                verdict(r.unexpected == 0),
                plural(run, "case", "cases"),
                plural(r.files.len(), "file", "files"),
                plural(r.unexpected, "unexpected result", "unexpected results"),
            )?;
        }
    }
    writeln!(out)?;
    let join = |v: Vec<String>| {
        if v.is_empty() {
            "-".into()
        } else {
            v.join(", ")
        }
    };
    writeln!(
        out,
        "Vectors: seed {}, generator {}, judged at {}. jose-harness {}, {}.",
        join(data.vectors.seeds.iter().map(u64::to_string).collect()),
        join(data.vectors.generator_versions.clone()),
        join(data.vectors.dates.clone()),
        cell(&data.versions.harness),
        cell(&data.versions.openssl),
    )?;

    writeln!(out)?;
    writeln!(out, "### Implementations")?;
    writeln!(out)?;
    writeln!(
        out,
        "| implementation | library | vectors as expected | interop: produced, accepted | interop: consumed, accepted | negative cases rejected |"
    )?;
    writeln!(out, "|---|---|---:|---:|---:|---:|")?;
    for i in &data.implementations {
        let vectors = i.vectors.map_or("-".into(), |v| {
            let mut s = format!("{}/{}", v.as_expected, v.run);
            if v.unexpected > 0 {
                s.push_str(&format!(" ({} unexpected)", v.unexpected));
            }
            if v.quirks > 0 {
                s.push_str(&format!(" ({} quirks)", v.quirks));
            }
            s
        });
        let tally =
            |t: Option<TokenCount>| t.map_or("-".into(), |t| format!("{}/{}", t.passed, t.total));
        let negative = i.negative.map_or("-".into(), |n| {
            let mut s = format!("{}/{}", n.rejected, n.answers);
            if n.quirks > 0 {
                s.push_str(&format!(" ({} quirks)", n.quirks));
            }
            s
        });
        writeln!(
            out,
            "| {} | {} | {vectors} | {} | {} | {negative} |",
            cell(&i.name),
            cell(&i.library),
            tally(i.produced),
            tally(i.consumed),
        )?;
    }

    if let Some(m) = &data.matrix {
        for profile in Profile::ALL {
            let Some(interop::ProfileTable {
                cells,
                producers,
                consumers,
            }) = m.table(profile)
            else {
                continue;
            };
            writeln!(out)?;
            writeln!(
                out,
                "### Interop, {}: accepted with the same claims / tokens",
                profile.as_str()
            )?;
            writeln!(out)?;
            write!(out, "| producer ↓ consumer → |")?;
            for c in &consumers {
                write!(out, " {} |", cell(c))?;
            }
            writeln!(out)?;
            write!(out, "|---|")?;
            for _ in &consumers {
                write!(out, "---:|")?;
            }
            writeln!(out)?;
            for p in &producers {
                write!(out, "| {} |", cell(p))?;
                for c in &consumers {
                    match cells.iter().find(|x| x.producer == *p && x.consumer == *c) {
                        Some(x) => {
                            let mark = if x.failed > 0 { "✗ " } else { "" };
                            write!(out, " {mark}{}/{} |", x.passed, x.passed + x.failed)?;
                        }
                        None => write!(out, " - |")?,
                    }
                }
                writeln!(out)?;
            }
        }
    }

    let mut problems: Vec<String> = Vec::new();
    for case in data.cases.iter().filter(|c| c.status == Status::Unexpected) {
        for r in case
            .results
            .iter()
            .filter(|r| r.status == Status::Unexpected)
        {
            problems.push(format!(
                "vector {} on {}: expected {}, got {}",
                code(&case.id),
                cell(&r.implementation),
                expected(case),
                cell(&r.outcome)
            ));
        }
    }
    if let Some(m) = &data.matrix {
        for f in &m.failures {
            problems.push(format!(
                "interop {} case {}, {} → {}: {}",
                f.profile.as_str(),
                code(&f.case),
                cell(&f.producer),
                cell(&f.consumer),
                cell(&f.problem)
            ));
        }
        if m.failure_count > m.failures.len() {
            problems.push(format!(
                "{} more interop failures (the JSON keeps the first {})",
                m.failure_count - m.failures.len(),
                m.failures.len()
            ));
        }
        for s in &m.stale_quirks {
            problems.push(format!(
                "stale quirk: {} {} no longer happens (rejected {})",
                cell(&s.quirk.implementation),
                code(&s.quirk.case),
                cell(&s.rejected.join(", "))
            ));
        }
    }
    if let Some(w) = &data.wycheproof {
        for file in &w.files {
            for b in &file.backends {
                for u in &b.unexpected {
                    problems.push(format!(
                        "Wycheproof {} tcId {} ({}) on {}: expected {}, got {}",
                        cell(&file.file),
                        u.tc_id,
                        cell(&u.comment),
                        cell(&b.backend),
                        u.expected.as_str(),
                        cell(&super::wycheproof::describe(&u.actual))
                    ));
                }
            }
        }
    }
    if let Some(r) = &data.rooterberg {
        for file in &r.files {
            for b in &file.backends {
                for u in &b.unexpected {
                    problems.push(format!(
                        "Rooterberg {} tcId {} ({}) on {}: expected {}, got {}",
                        cell(&file.file),
                        u.tc_id,
                        cell(&u.comment),
                        cell(&b.backend),
                        u.expected.as_str(),
                        cell(&super::wycheproof::describe(&u.actual))
                    ));
                }
            }
        }
    }
    writeln!(out)?;
    if problems.is_empty() {
        writeln!(out, "No unexpected results.")?;
    } else {
        writeln!(out, "### Unexpected results")?;
        writeln!(out)?;
        let total = problems.len();
        for p in problems.iter().take(LISTED) {
            writeln!(out, "- {p}")?;
        }
        if total > LISTED {
            writeln!(out, "- … and {} more (see the HTML report)", total - LISTED)?;
        }
    }

    let quirks: Vec<String> = data
        .run
        .quirks
        .iter()
        .map(|u| format!("vector {} on {}", code(&u.id), cell(&u.implementation)))
        .chain(data.matrix.iter().flat_map(|m| {
            m.negative.iter().flat_map(|n| {
                n.outcomes
                    .iter()
                    .filter(|o| o.judgement == Judgement::Quirk)
                    .map(move |o| {
                        format!("negative case {} on {}", code(&n.case), cell(&o.consumer))
                    })
            })
        }))
        .collect();
    if !quirks.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Known quirks seen ({}, each with its reason in the quirks file): {}.",
            quirks.len(),
            quirks.join("; ")
        )?;
    }
    Ok(())
}

fn expected(case: &VectorResult) -> String {
    match case.expect.verdict {
        crate::vectors::Expected::Pass => "pass".into(),
        crate::vectors::Expected::Fail => {
            format!("fail with {}", cell(&case.expect.errors.join(", ")))
        }
    }
}
