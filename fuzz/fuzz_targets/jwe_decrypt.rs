//! `jose_harness::fuzzing::jwe_decrypt`: see fuzz/README.md.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jose_harness::fuzzing::jwe_decrypt(data));
