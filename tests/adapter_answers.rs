//! The adapter protocol's reader takes every answer a conforming JSON
//! writer can produce: error texts as Node's `JSON.stringify`, the Node
//! and Python adapters, Python's `json.dumps` (both `ensure_ascii` forms)
//! and serde_json write them, lone surrogates included; and
//! claims holding one are judged as claims the case does not hold.

use assert_cmd::Command;
use jose_harness::implementation::adapter::{parse_answer, Adapter};
use jose_harness::implementation::{Implementation, Outcome};
use jose_harness::profile::Profile;
use jose_harness_tests::{harness_bin, keys, workspace, NOW};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// The answer of node-jsonwebtoken to `interop --peers --cases 10
/// --seed 3`'s `moveo/jws.payload.bitflip`: V8's error text
/// quotes the start of the bad JSON and cuts the emoji after `i` in half.
const ISSUE_21_LINE: &str = r#"{"id":117,"verdict":"fail","error":"json.syntax: jsonwebtoken: SyntaxError: Unexpected token 'z', \"z\"iss\":\"i\ud83d\"... is not valid JSON","claims":null,"context":null}"#;

#[test]
fn the_node_jsonwebtoken_answer_of_issue_21_is_read() {
    let answer = parse_answer(ISSUE_21_LINE.as_bytes()).expect("a JSON object");
    assert_eq!(answer.get("id"), Some(&json!(117)));
    assert_eq!(answer.get("verdict"), Some(&json!("fail")));
    assert_eq!(
        answer.get("error"),
        Some(&json!(
            "json.syntax: jsonwebtoken: SyntaxError: Unexpected token 'z', \"z\"iss\":\"i\u{fffd}\"... is not valid JSON"
        ))
    );
    assert_eq!(answer.get("claims"), Some(&Value::Null));
    assert_eq!(answer.get("context"), Some(&Value::Null));
    assert_eq!(answer.replaced(), ["/error"]);
}

/// An adapter that answers `describe` with an error, then each line of
/// `answers` (ids 2, 3, …) to the requests that follow, then exits.
fn scripted(answers: &[&str]) -> (tempfile::TempDir, Adapter) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut script = String::from("read -r _; echo '{\"id\":1,\"error\":\"unknown op\"}'\n");
    for (i, answer) in answers.iter().enumerate() {
        let file = format!("answer{i}.json");
        std::fs::write(dir.path().join(&file), answer).expect("writes");
        script.push_str(&format!("read -r _; cat {file}; echo\n"));
    }
    std::fs::write(dir.path().join("adapter.sh"), script).expect("writes");
    let adapter = Adapter::new("sh adapter.sh").in_dir(dir.path());
    (dir, adapter)
}

fn consume(adapter: Adapter) -> Outcome {
    let consumer = Implementation::external(adapter).expect("describe is answered");
    consumer.consume(
        Profile::Moveo,
        "a.b.c",
        &keys().customer,
        &keys().recipient,
        NOW,
    )
}

#[test]
fn an_adapter_that_answers_the_issue_21_line_rejected_the_token() {
    let line = ISSUE_21_LINE.replace("\"id\":117", "\"id\":2");
    let (_dir, adapter) = scripted(&[&line]);
    match consume(adapter) {
        Outcome::Rejected { detail, .. } => {
            assert!(detail.contains("\"i\u{fffd}\"..."), "{detail}");
        }
        other => panic!("not a rejection: {other:?}"),
    }
}

#[test]
fn claims_with_a_lone_surrogate_are_accepted_as_claims_no_case_holds() {
    let (_dir, adapter) = scripted(&[
        r#"{"id":2,"verdict":"pass","claims":{"iss":"i\ud83d","sub":"u\ude00x","exp":1},"context":{"a":["\udfff"]},"error":null}"#,
    ]);
    match consume(adapter) {
        Outcome::Accepted {
            claims,
            context,
            not_unicode,
        } => {
            assert_eq!(
                claims,
                json!({"iss": "i\u{fffd}", "sub": "u\u{fffd}x", "exp": 1})
            );
            assert_eq!(context, Some(json!({"a": ["\u{fffd}"]})));
            assert_eq!(not_unicode, ["/claims/iss", "/claims/sub", "/context/a/0"]);
        }
        other => panic!("not an acceptance: {other:?}"),
    }
}

#[test]
fn a_token_with_a_lone_surrogate_is_no_token() {
    let (_dir, adapter) = scripted(&[r#"{"id":2,"token":"a.b\ud800.c"}"#]);
    let producer = Implementation::external(adapter).expect("describe is answered");
    let case = jose_harness::forge::cases::draw(Profile::Moveo, 1, 1, NOW)
        .pop()
        .expect("one case");
    let keys = jose_harness::interop::CaseKeys::of(&case).expect("bundled keys");
    let mut rng = jose_harness::rng::HarnessRng::from_seed(1);
    let request = jose_harness::implementation::TokenRequest {
        profile: case.profile,
        claims: &case.claims,
        context: case.context.as_ref(),
        aes_key_bytes: case.aes_key_bytes,
        escape_slashes: case.escape_slashes,
    };
    let produced = producer.produce(
        &request,
        &keys.customer.key,
        keys.recipient.key.public(),
        &mut rng,
    );
    let error = produced.expect_err("no token");
    assert!(error.contains("/token"), "{error}");
}

/// The matrix judges an acceptance with such claims as a failure, and says
/// where the lone surrogate was.
#[test]
fn the_matrix_fails_a_consumer_that_reads_a_lone_surrogate() {
    let exec = "python3 -c 'import sys, json\nfor line in sys.stdin:\n r = json.loads(line)\n a = {\"id\": r[\"id\"], \"name\": \"halves\", \"capabilities\": {\"produce\": [], \"consume\": [\"moveo\"]}} if r[\"op\"] == \"describe\" else {\"id\": r[\"id\"], \"verdict\": \"pass\", \"claims\": {\"iss\": \"i\\ud83d\"}, \"context\": None}\n print(json.dumps(a), flush=True)'";
    let output = Command::new(harness_bin())
        .current_dir(workspace())
        .args([
            "interop",
            "--cases",
            "1",
            "--profile",
            "moveo",
            "--no-negative",
        ])
        .args(["--backend", "reference", "--exec", exec, "--format", "json"])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let m: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&output.stderr));
    });
    let problems: Vec<&str> = m["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .filter(|f| f["consumer"] == "halves")
        .filter_map(|f| f["problem"].as_str())
        .collect();
    assert_eq!(problems.len(), 1, "{m:#}");
    assert!(problems[0].contains("not Unicode"), "{}", problems[0]);
    assert!(problems[0].contains("/claims/iss"), "{}", problems[0]);
}

// ---- the writers ---------------------------------------------------------

/// Text as JavaScript and Python hold it: UTF-16 code units, lone
/// surrogates included; astral characters are surrogate pairs.
fn units() -> impl Strategy<Value = Vec<u16>> {
    let unit = prop_oneof![
        4 => (0x20u16..0x7f).boxed(),
        1 => (0u16..0x20).boxed(),
        1 => prop::sample::select(vec![0x22u16, 0x5c, 0x2f, 0x7f, 0x2028, 0xfeff, 0xfffd]).boxed(),
        2 => (0x80u16..0xd800).boxed(),
        1 => (0xe000u16..=0xffff).boxed(),
        2 => (0xd800u16..0xdc00).boxed(),
        2 => (0xdc00u16..0xe000).boxed(),
    ];
    let piece = prop_oneof![
        6 => unit.prop_map(|u| vec![u]),
        1 => prop::char::range('\u{10000}', '\u{10ffff}')
            .prop_map(|c| c.encode_utf16(&mut [0; 2]).to_vec()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

/// How a writer spells a character it escapes.
#[derive(Debug, Clone, Copy)]
enum Hex {
    Lower,
    Upper,
}

fn escape_unit(out: &mut String, unit: u16, hex: Hex) {
    match hex {
        Hex::Lower => out.push_str(&format!("\\u{unit:04x}")),
        Hex::Upper => out.push_str(&format!("\\u{unit:04X}")),
    }
}

fn escape_char(out: &mut String, c: char, hex: Hex) {
    for unit in c.encode_utf16(&mut [0; 2]) {
        escape_unit(out, *unit, hex);
    }
}

/// The escapes every writer here uses for `"`, `\` and the controls that
/// have short forms; `None` for the others.
fn short_escape(c: char) -> Option<&'static str> {
    Some(match c {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\u{8}' => "\\b",
        '\u{c}' => "\\f",
        _ => return None,
    })
}

/// The JSON writers of the languages adapters are written in.
#[derive(Debug, Clone)]
enum Writer {
    /// ES2019's `JSON.stringify`: lone surrogates as `\udXXX`, everything
    /// else above U+001F raw.
    NodeStringify,
    /// scripts/peers/node/common.mjs's `encodeResponse`: `JSON.stringify`,
    /// then every UTF-16 code unit from U+007F on as `\uXXXX`.
    NodeAdapter,
    /// Python's `json.dumps(ensure_ascii=True)` (the Python adapters):
    /// everything outside U+0020..U+007E as `\uXXXX`, astral characters
    /// as two escapes.
    PythonAscii,
    /// Python's `json.dumps(ensure_ascii=False)`: raw UTF-8; a string with
    /// a lone surrogate cannot be written to UTF-8 at all, so this writer
    /// only gets well-formed text.
    PythonRaw,
    /// serde_json: a Rust string holds no lone surrogate (it was replaced
    /// when the text was decoded).
    SerdeJson,
    /// Any other writer: each character raw or escaped, in either case
    /// (`\/` for `/` too), lone surrogates always escaped.
    Mixed(Vec<bool>, Hex),
}

impl Writer {
    /// The JSON string literal of `text`.
    fn string(&self, text: &[u16]) -> String {
        let mut out = String::from("\"");
        match self {
            Writer::SerdeJson => {
                return serde_json::to_string(&String::from_utf16_lossy(text)).expect("a string")
            }
            Writer::NodeAdapter => {
                let stringified = Writer::NodeStringify.string(text);
                let mut out = String::new();
                for unit in stringified.encode_utf16() {
                    if unit >= 0x7f {
                        escape_unit(&mut out, unit, Hex::Lower);
                    } else {
                        out.push(char::from(u8::try_from(unit).expect("ASCII")));
                    }
                }
                return out;
            }
            _ => {}
        }
        for (i, decoded) in char::decode_utf16(text.iter().copied()).enumerate() {
            let c = match decoded {
                Ok(c) => c,
                Err(lone) => {
                    let hex = match self {
                        Writer::Mixed(_, hex) => *hex,
                        _ => Hex::Lower,
                    };
                    escape_unit(&mut out, lone.unpaired_surrogate(), hex);
                    continue;
                }
            };
            if let Some(short) = short_escape(c) {
                out.push_str(short);
                continue;
            }
            let escape = match self {
                Writer::PythonAscii => !(' '..='~').contains(&c),
                Writer::Mixed(mask, _) => c < ' ' || mask.get(i).copied().unwrap_or(false),
                _ => c < ' ',
            };
            if !escape {
                out.push(c);
            } else if let (Writer::Mixed(_, _), '/') = (self, c) {
                out.push_str("\\/");
            } else {
                let hex = match self {
                    Writer::Mixed(_, hex) => *hex,
                    _ => Hex::Lower,
                };
                escape_char(&mut out, c, hex);
            }
        }
        out.push('"');
        out
    }

    /// Whether it can write `text` at all.
    fn writes(&self, text: &[u16]) -> bool {
        !matches!(self, Writer::PythonRaw) || String::from_utf16(text).is_ok()
    }

    /// A JSON object of these members, in this order.
    fn object(&self, members: &[(&str, String)]) -> String {
        let inner: Vec<String> = members
            .iter()
            .map(|(name, value)| {
                let name: Vec<u16> = name.encode_utf16().collect();
                format!("{}:{value}", self.string(&name))
            })
            .collect();
        format!("{{{}}}", inner.join(","))
    }
}

fn writer() -> impl Strategy<Value = Writer> {
    prop_oneof![
        Just(Writer::NodeStringify),
        Just(Writer::NodeAdapter),
        Just(Writer::PythonAscii),
        Just(Writer::PythonRaw),
        Just(Writer::SerdeJson),
        (
            prop::collection::vec(any::<bool>(), 40),
            prop_oneof![Just(Hex::Lower), Just(Hex::Upper)]
        )
            .prop_map(|(mask, hex)| Writer::Mixed(mask, hex)),
    ]
}

/// Claims of well-formed text, as a case holds them.
fn claims() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(".{0,8}", ".{0,16}", 0..5)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A consume answer that rejects, with an arbitrary error text and
    /// claims, as each writer writes it: read, the error with U+FFFD for
    /// each lone surrogate, everything else exactly.
    #[test]
    fn every_writers_error_text_is_read(
        writer in writer(),
        message in units(),
        id in any::<u64>(),
        claims in claims(),
        verdict_first in any::<bool>(),
    ) {
        prop_assume!(writer.writes(&message));
        let write_claims = |claims: &Map<String, Value>| {
            let members: Vec<(&str, String)> = claims
                .iter()
                .map(|(k, v)| {
                    let text: Vec<u16> = v.as_str().expect("a string").encode_utf16().collect();
                    (k.as_str(), writer.string(&text))
                })
                .collect();
            writer.object(&members)
        };
        let mut members = vec![
            ("id", id.to_string()),
            ("error", writer.string(&message)),
            ("claims", write_claims(&claims)),
            ("context", "null".to_owned()),
        ];
        members.insert(usize::from(!verdict_first) * 2, ("verdict", writer.string(&[0x66, 0x61, 0x69, 0x6c])));
        let line = writer.object(&members);

        let answer = parse_answer(line.as_bytes());
        prop_assert!(answer.is_ok(), "{:?}: {}", answer, line);
        let answer = answer.expect("checked");
        prop_assert_eq!(answer.get("id"), Some(&json!(id)), "{}", line);
        prop_assert_eq!(answer.get("verdict"), Some(&json!("fail")), "{}", line);
        prop_assert_eq!(answer.get("claims"), Some(&Value::Object(claims)), "{}", line);
        prop_assert_eq!(answer.get("context"), Some(&Value::Null), "{}", line);
        prop_assert!(answer.replaced_in("claims").is_empty(), "{}", line);
        let expected = String::from_utf16_lossy(&message);
        prop_assert_eq!(answer.get("error"), Some(&json!(expected)), "{}", line);
        // serde_json replaced them itself, when the text became a String.
        let lone = String::from_utf16(&message).is_err() && !matches!(writer, Writer::SerdeJson);
        prop_assert_eq!(answer.replaced() == ["/error"], lone, "{}", line);
    }

    /// An answer without a verdict (a refused request) with such a text:
    /// read the same.
    #[test]
    fn a_refusal_with_any_text_is_a_refusal(writer in writer(), message in units()) {
        prop_assume!(writer.writes(&message));
        let line = writer.object(&[("id", "7".to_owned()), ("error", writer.string(&message))]);
        let answer = parse_answer(line.as_bytes());
        prop_assert!(answer.is_ok(), "{:?}: {}", answer, line);
        let expected = String::from_utf16_lossy(&message);
        let answer = answer.expect("checked");
        prop_assert_eq!(answer.get("error"), Some(&json!(expected)));
    }
}

/// The process ids of two calls made at the same moment from two threads,
/// to an adapter that answers with its pid after a pause.
fn pids_of_two_calls_at_once(processes: usize) -> (u64, u64) {
    let script = "import json, os, sys, time\nfor line in sys.stdin:\n    r = json.loads(line)\n    time.sleep(0.3)\n    print(json.dumps({'id': r['id'], 'pid': os.getpid()}), flush=True)\n";
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("pid.py"), script).expect("writes");
    let adapter = Adapter::new("python3 pid.py")
        .in_dir(dir.path())
        .with_processes(processes);
    let barrier = std::sync::Barrier::new(2);
    let call = || {
        barrier.wait();
        let answer = adapter.call(Map::new()).expect("answers");
        answer.get("pid").and_then(Value::as_u64).expect("a pid")
    };
    std::thread::scope(|s| {
        let first = s.spawn(call);
        let second = s.spawn(call);
        (
            first.join().expect("no panic"),
            second.join().expect("no panic"),
        )
    })
}

#[test]
fn a_pool_serves_callers_at_once_and_one_process_serves_them_in_turn() {
    let (a, b) = pids_of_two_calls_at_once(2);
    assert_ne!(a, b, "two callers at once get two processes");
    let (a, b) = pids_of_two_calls_at_once(1);
    assert_eq!(a, b, "one process serves both, one after the other");
    assert_eq!(Adapter::new("x").with_processes(0).processes(), 1);
    assert_eq!(Adapter::new("x").with_processes(1000).processes(), 16);
}
