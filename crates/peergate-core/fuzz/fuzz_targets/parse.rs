//! Feeds arbitrary bytes to the upload parser. It must never panic, and whatever it accepts must
//! survive render → parse unchanged, since peergate only ever writes the rendered form to disk.
#![no_main]

use libfuzzer_sys::fuzz_target;
use peergate_core::wg_conf::{parse, parse_bytes, render};

fuzz_target!(|data: &[u8]| {
    if let Ok(conf) = parse_bytes(data) {
        let text = render(&conf);
        let again =
            parse(&text).unwrap_or_else(|e| panic!("rendered conf does not parse: {e}\n{text}"));
        assert_eq!(again, conf, "render changed the configuration:\n{text}");
        assert_eq!(render(&again), text, "render is not stable");
        assert_eq!(
            again.interface.private_key.value.expose_base64(),
            conf.interface.private_key.value.expose_base64()
        );
    }
});
