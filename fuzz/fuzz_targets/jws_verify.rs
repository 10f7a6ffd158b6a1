//! `jose_harness::fuzzing::jws_verify`: see fuzz/README.md.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jose_harness::fuzzing::jws_verify(data));
