//! JUnit XML (`--format junit`): the results as the test reporters of CI
//! systems read them (GitLab, Jenkins, GitHub's test reporters, CircleCI,
//! Azure Pipelines), in the shape of the Jenkins JUnit schema.
//!
//! One `<testsuite>` per profile (and implementation, where there are
//! several), one `<testcase>` per vector, matrix cell, negative case or
//! token line, named by its id; a failure carries the rule ids, the
//! message and the command that reproduces it; a known quirk is
//! `<skipped>`. Large runs (`check --batch`, `audit`) spool their cases to
//! a temporary file while they are counted, since a suite's counts come
//! before its cases.

use std::io::{self, Seek, Write};

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::findings::Verdict;
use crate::interop::matrix::{Judgement, Matrix};
use crate::rules::Severity;
use crate::vectors::run::RunReport;

/// How a test case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// As expected.
    Passed,
    /// Not as expected: a one-line message and the details (what was
    /// expected, what happened, how to reproduce it).
    Failed {
        /// One line, for the reporter's list.
        message: String,
        /// What was expected, what happened, the reproduction command.
        detail: String,
    },
    /// Not judged: a known quirk, or parts that could not be checked.
    Skipped {
        /// Why it was not judged.
        message: String,
    },
}

/// One test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Its id (a vector id, a cell, a negative case and consumer, a line).
    pub name: String,
    /// The group reporters file it under.
    pub classname: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Notes that are no failure (a warning), as `<system-out>`.
    pub output: Option<String>,
}

/// One test suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suite {
    /// Its name.
    pub name: String,
    /// Its cases.
    pub cases: Vec<Case>,
}

/// Counts of a suite or of the whole document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    tests: usize,
    failures: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, outcome: &Outcome) {
        self.tests += 1;
        match outcome {
            Outcome::Passed => {}
            Outcome::Failed { .. } => self.failures += 1,
            Outcome::Skipped { .. } => self.skipped += 1,
        }
    }

    fn plus(self, other: Counts) -> Counts {
        Counts {
            tests: self.tests + other.tests,
            failures: self.failures + other.failures,
            skipped: self.skipped + other.skipped,
        }
    }
}

/// Text as XML 1.0 allows it: the characters it forbids even escaped (the
/// C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF)
/// become U+FFFD. An adapter's error message may hold any of them.
fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if text.chars().all(allowed) {
        text.into()
    } else {
        text.chars()
            .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
            .collect::<String>()
            .into()
    }
}

fn write_case<W: Write>(w: &mut Writer<W>, case: &Case) -> io::Result<()> {
    let name = xml_safe(&case.name);
    let classname = xml_safe(&case.classname);
    let element = w
        .create_element("testcase")
        .with_attribute(("name", name.as_ref()))
        .with_attribute(("classname", classname.as_ref()));
    if case.outcome == Outcome::Passed && case.output.is_none() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|w| {
        match &case.outcome {
            Outcome::Passed => {}
            Outcome::Failed { message, detail } => {
                w.create_element("failure")
                    .with_attribute(("message", xml_safe(message).as_ref()))
                    .with_attribute(("type", "nonconformance"))
                    .write_text_content(BytesText::new(&xml_safe(detail)))?;
            }
            Outcome::Skipped { message } => {
                // The Jenkins schema gives <skipped> no attributes: the
                // reason is its text.
                w.create_element("skipped")
                    .write_text_content(BytesText::new(&xml_safe(message)))?;
            }
        }
        if let Some(output) = &case.output {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&xml_safe(output)))?;
        }
        Ok(())
    })?;
    Ok(())
}

fn suite_start<W: Write>(w: &mut Writer<W>, name: &str, counts: Counts) -> io::Result<()> {
    let mut start = quick_xml::events::BytesStart::new("testsuite");
    start.push_attribute(("name", xml_safe(name).as_ref()));
    start.push_attribute(("tests", counts.tests.to_string().as_str()));
    start.push_attribute(("failures", counts.failures.to_string().as_str()));
    start.push_attribute(("errors", "0"));
    start.push_attribute(("skipped", counts.skipped.to_string().as_str()));
    w.write_event(Event::Start(start))
}

fn document_start<W: Write>(w: &mut Writer<W>, name: &str, counts: Counts) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut start = quick_xml::events::BytesStart::new("testsuites");
    start.push_attribute(("name", xml_safe(name).as_ref()));
    start.push_attribute(("tests", counts.tests.to_string().as_str()));
    start.push_attribute(("failures", counts.failures.to_string().as_str()));
    start.push_attribute(("errors", "0"));
    w.write_event(Event::Start(start))
}

fn end<W: Write>(w: &mut Writer<W>, name: &str) -> io::Result<()> {
    w.write_event(Event::End(quick_xml::events::BytesEnd::new(name)))
}

impl Suite {
    fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        self.cases.iter().for_each(|case| counts.add(&case.outcome));
        counts
    }
}

fn write_suite<W: Write>(w: &mut Writer<W>, suite: &Suite) -> io::Result<()> {
    suite_start(w, &suite.name, suite.counts())?;
    for case in &suite.cases {
        write_case(w, case)?;
    }
    end(w, "testsuite")
}

/// Writes `suites` as one JUnit document named `name`.
pub fn write(name: &str, suites: &[Suite], out: &mut dyn Write) -> io::Result<()> {
    let total = suites
        .iter()
        .fold(Counts::default(), |a, s| a.plus(s.counts()));
    let mut w = Writer::new_with_indent(out, b' ', 2);
    document_start(&mut w, name, total)?;
    for suite in suites {
        write_suite(&mut w, suite)?;
    }
    end(&mut w, "testsuites")?;
    w.into_inner().write_all(b"\n")
}

/// One suite written as its cases come (`check --batch`, `audit`): the
/// cases go to a temporary file (in memory while small) and are copied
/// after the counts by [`Spool::finish`].
pub struct Spool {
    name: String,
    counts: Counts,
    cases: Writer<tempfile::SpooledTempFile>,
}

impl Spool {
    /// A suite named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Spool {
            name: name.into(),
            counts: Counts::default(),
            cases: Writer::new_with_indent(tempfile::spooled_tempfile(1 << 20), b' ', 2),
        }
    }

    /// Adds a case.
    pub fn add(&mut self, case: &Case) -> io::Result<()> {
        self.counts.add(&case.outcome);
        write_case(&mut self.cases, case)
    }

    /// Writes the document: the suite, then `extra` suites (the findings
    /// about the set, in `audit`).
    pub fn finish(self, document: &str, extra: &[Suite], out: &mut dyn Write) -> io::Result<()> {
        let total = extra.iter().fold(self.counts, |a, s| a.plus(s.counts()));
        let mut w = Writer::new_with_indent(out, b' ', 2);
        document_start(&mut w, document, total)?;
        suite_start(&mut w, &self.name, self.counts)?;
        let mut spooled = self.cases.into_inner();
        spooled.seek(io::SeekFrom::Start(0))?;
        // Copied as they are: the cases are already well-formed XML.
        io::copy(&mut spooled, w.get_mut())?;
        end(&mut w, "testsuite")?;
        for suite in extra {
            write_suite(&mut w, suite)?;
        }
        end(&mut w, "testsuites")?;
        w.into_inner().write_all(b"\n")
    }
}

/// The case of one token of a batch: line `line`, its verdict and the
/// ids of its error and warning findings. `reproduce` is the command that
/// checks that line alone.
pub fn token_case(
    classname: &str,
    line: u64,
    verdict: Verdict,
    findings: &[(&'static str, Severity)],
    reproduce: &str,
) -> Case {
    // Each rule once, in the order found (a rule may fire on two segments).
    let of = |severity: Severity| -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for (id, s) in findings {
            if *s == severity && !ids.contains(id) {
                ids.push(id);
            }
        }
        ids
    };
    let describe = |ids: &[&str]| -> String {
        ids.iter()
            .map(|id| match crate::rules::by_id(id) {
                Some(rule) => format!("{id}: {}\n  fix: {}", rule.message, rule.fix),
                None => (*id).to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (errors, warnings) = (of(Severity::Error), of(Severity::Warning));
    let outcome = match verdict {
        Verdict::Pass => Outcome::Passed,
        Verdict::Fail => Outcome::Failed {
            message: format!("does not conform: {}", errors.join(", ")),
            detail: format!("{}\nreproduce: {reproduce}", describe(&errors)),
        },
        Verdict::Incomplete => Outcome::Skipped {
            message: "incomplete: no error found, but parts were not checked (a key was not given)"
                .to_owned(),
        },
    };
    Case {
        name: format!("line {line}"),
        classname: classname.to_owned(),
        outcome,
        output: (!warnings.is_empty()).then(|| format!("warnings:\n{}", describe(&warnings))),
    }
}

/// `vectors run`: a suite per profile and implementation, a case per
/// vector. `reproduce` is the run's command line.
pub fn vectors_run(report: &RunReport, reproduce: &str) -> Vec<Suite> {
    let mut suites: Vec<Suite> = Vec::new();
    for (id, per) in &report.outcomes {
        let profile = id.split('/').next().unwrap_or(id);
        for (implementation, result) in per {
            let name = format!("{profile} · {implementation}");
            let outcome = if result == "ok" {
                Outcome::Passed
            } else if let Some(q) = report
                .quirks
                .iter()
                .find(|q| &q.id == id && &q.implementation == implementation)
            {
                Outcome::Skipped {
                    message: format!("known quirk: {}", q.actual),
                }
            } else {
                let entry = report
                    .unexpected
                    .iter()
                    .find(|u| &u.id == id && &u.implementation == implementation);
                let (expected, actual) = entry
                    .map(|u| (u.expected.as_str(), u.actual.as_str()))
                    .unwrap_or(("as the vector says", result.as_str()));
                Outcome::Failed {
                    message: format!("expected {expected}, got {actual}"),
                    detail: format!(
                        "vector {id}\nexpected: {expected}\nactual: {actual}\nreproduce: {reproduce}"
                    ),
                }
            };
            let case = Case {
                name: id.clone(),
                classname: format!("jose-harness.vectors.{profile}.{implementation}"),
                outcome,
                output: None,
            };
            match suites.iter_mut().find(|s| s.name == name) {
                Some(suite) => suite.cases.push(case),
                None => suites.push(Suite {
                    name,
                    cases: vec![case],
                }),
            }
        }
    }
    suites
}

/// `interop`: per profile, a suite of the matrix's cells (producer →
/// consumer, failing with the failed cases and their reproduction
/// commands) and one of the negative cases (case → consumer).
/// `implementation_args` are the run's implementation options, as a
/// reproduction command gives them again.
pub fn interop(matrix: &Matrix, implementation_args: &str) -> Vec<Suite> {
    let mut suites = Vec::new();
    let profiles: Vec<_> = {
        let mut p: Vec<_> = matrix.cells.iter().map(|c| c.profile).collect();
        p.dedup();
        p
    };
    for profile in profiles {
        let cases = matrix
            .cells
            .iter()
            .filter(|c| c.profile == profile)
            .map(|cell| {
                let failures: Vec<_> = matrix
                    .failures
                    .iter()
                    .filter(|f| {
                        f.profile == profile
                            && f.producer == cell.producer
                            && f.consumer == cell.consumer
                    })
                    .collect();
                let outcome = if cell.failed == 0 {
                    Outcome::Passed
                } else {
                    Outcome::Failed {
                        message: format!(
                            "{} of {} tokens failed",
                            cell.failed,
                            cell.failed + cell.passed
                        ),
                        detail: failures
                            .iter()
                            .map(|f| {
                                format!(
                                    "case {}: {}\nreproduce: {}",
                                    f.case, f.problem, f.reproduce
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("\n"),
                    }
                };
                Case {
                    name: format!("{} → {}", cell.producer, cell.consumer),
                    classname: format!("jose-harness.interop.{}", profile.as_str()),
                    outcome,
                    output: None,
                }
            })
            .collect();
        suites.push(Suite {
            name: format!("interop {} · matrix", profile.as_str()),
            cases,
        });
        let prefix = format!("{}/", profile.as_str());
        let negative: Vec<Case> = matrix
            .negative
            .iter()
            .filter(|n| n.case.starts_with(&prefix))
            .flat_map(|n| {
                n.outcomes.iter().map(move |o| {
                    let reproduce = format!(
                        "jose-harness interop --seed {} --negative {}{implementation_args}",
                        matrix.seed, n.case
                    );
                    let outcome = match o.judgement {
                        Judgement::Rejected => Outcome::Passed,
                        Judgement::Quirk => Outcome::Skipped {
                            message: format!("known quirk: {}", o.detail),
                        },
                        Judgement::Disagreement => Outcome::Failed {
                            message: format!("{}: accepted, must reject ({})", n.rule, n.what),
                            detail: format!("{}\nreproduce: {reproduce}", o.detail),
                        },
                        Judgement::WrongRule => Outcome::Failed {
                            message: format!("{}: rejected without this rule ({})", n.rule, n.what),
                            detail: format!("fired: {}\nreproduce: {reproduce}", o.detail),
                        },
                    };
                    Case {
                        name: format!("{} → {}", n.case, o.consumer),
                        classname: format!("jose-harness.interop.{}.negative", profile.as_str()),
                        outcome,
                        output: None,
                    }
                })
            })
            .collect();
        if !negative.is_empty() {
            suites.push(Suite {
                name: format!("interop {} · negative cases", profile.as_str()),
                cases: negative,
            });
        }
    }
    suites
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_xml_forbids_becomes_a_replacement_character_and_the_rest_is_escaped() {
        let suites = [Suite {
            name: "s".into(),
            cases: vec![Case {
                name: "a<b & \"c\"".into(),
                classname: "k".into(),
                outcome: Outcome::Failed {
                    message: "bell \u{7} here".into(),
                    detail: "nul \u{0} and ]]> and </failure>".into(),
                },
                output: None,
            }],
        }];
        let mut out = Vec::new();
        write("doc", &suites, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(xml.contains("bell \u{FFFD} here"), "{xml}");
        assert!(
            xml.contains("nul \u{FFFD} and ]]&gt; and &lt;/failure&gt;"),
            "{xml}"
        );
        assert!(xml.contains("a&lt;b &amp; &quot;c&quot;"), "{xml}");
        assert!(xml.contains(r#"tests="1" failures="1""#), "{xml}");
    }

    #[test]
    fn a_spool_counts_its_cases_before_writing_them() {
        let mut spool = Spool::new("batch");
        for (i, outcome) in [
            Outcome::Passed,
            Outcome::Skipped {
                message: "x".into(),
            },
        ]
        .into_iter()
        .enumerate()
        {
            spool
                .add(&Case {
                    name: format!("line {i}"),
                    classname: "c".into(),
                    outcome,
                    output: None,
                })
                .unwrap();
        }
        let mut out = Vec::new();
        spool.finish("doc", &[], &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(
            xml.contains(
                r#"<testsuite name="batch" tests="2" failures="0" errors="0" skipped="1">"#
            ),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testcase name="line 0" classname="c"/>"#),
            "{xml}"
        );
        assert!(xml.trim_end().ends_with("</testsuites>"), "{xml}");
    }
}
