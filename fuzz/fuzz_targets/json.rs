//! `jose_harness::fuzzing::json`: see fuzz/README.md.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jose_harness::fuzzing::json(data));
