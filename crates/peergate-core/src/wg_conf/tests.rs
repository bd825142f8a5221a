//! Behaviour of the parser and renderer as a user sees it: accepted files, the exact error sentence
//! for each kind of mistake, and snapshots of the rendered text.

use std::net::IpAddr;

use super::*;

/// Deterministic, valid keys: `key(n)` is 32 bytes of `n` in base64.
pub(crate) fn key(n: u8) -> String {
    WgKey::from_bytes([n; 32]).to_base64()
}

/// Replaces `{K1}`..`{K4}` with valid keys so test inputs read like real files.
pub(crate) fn with_keys(text: &str) -> String {
    text.replace("{K1}", &key(1)).replace("{K2}", &key(2)).replace("{K3}", &key(3)).replace("{K4}", &key(4))
}

pub(crate) const TYPICAL: &str = "\
# site A, exported from the remote router
[Interface]
PrivateKey = {K1}
Address = 10.204.0.2/32
DNS = 1.1.1.1, example.internal

[Peer]
PublicKey = {K2}
AllowedIPs = 10.77.0.0/24   # the office LAN
Endpoint = vpn.example.com:51820
PersistentKeepalive = 25
";

/// A minimal valid interface and peer for tests to add a mistake to.
pub(crate) const I: &str = "[Interface]\nPrivateKey = {K1}\nAddress = 10.0.0.2/32\n";
pub(crate) const P: &str = "[Peer]\nPublicKey = {K2}\nAllowedIPs = 10.77.0.0/24\nEndpoint = 192.0.2.1:51820\n";

pub(crate) fn typical() -> String {
    with_keys(TYPICAL)
}

#[test]
fn parses_a_typical_client_conf_with_line_numbers() {
    let conf = parse(&typical()).unwrap();
    assert_eq!(conf.interface.line.get(), Some(2));
    assert_eq!(conf.interface.private_key.line.get(), Some(3));
    assert_eq!(conf.interface.addresses[0].value, "10.204.0.2/32".parse().unwrap());
    assert_eq!(conf.interface.dns.len(), 2);
    assert_eq!(conf.interface.dns[1].value, DnsEntry::SearchDomain("example.internal".into()));
    let peer = &conf.peers[0];
    assert_eq!(peer.public_key.value.to_string(), key(2));
    assert_eq!(peer.allowed_ips[0].value, "10.77.0.0/24".parse().unwrap());
    assert_eq!(peer.allowed_ips[0].line.get(), Some(9));
    assert_eq!(peer.endpoint.value.host, Host::Name("vpn.example.com".into()));
    assert_eq!(peer.endpoint.value.port, 51820);
    assert_eq!(peer.persistent_keepalive.as_ref().unwrap().value, 25);
}

#[test]
fn sections_and_keys_are_case_insensitive_and_list_keys_accumulate() {
    let text = with_keys(
        "[INTERFACE]\r\nprivatekey={K1}\r\nADDRESS = 10.0.0.2\r\naddress = fd00::2\r\n\
         [ peer ]\npublickey = {K2}\nallowedips = 10.1.0.0/16\nAllowedIps = 10.2.0.0/16, fd01::/64\n\
         endpoint = [FD00::1]:51820\npersistentkeepalive = off\n",
    );
    let conf = parse(&text).unwrap();
    let addrs: Vec<String> = conf.interface.addresses.iter().map(|a| a.value.to_string()).collect();
    assert_eq!(addrs, ["10.0.0.2/32", "fd00::2/128"]);
    assert_eq!(conf.peers[0].allowed_ips.len(), 3);
    assert_eq!(conf.peers[0].allowed_ips[2].line.get(), Some(8));
    assert_eq!(conf.peers[0].endpoint_ip(), Some("fd00::1".parse::<IpAddr>().unwrap()));
    assert_eq!(conf.peers[0].persistent_keepalive.as_ref().unwrap().value, 0);
}

#[test]
fn parse_bytes_accepts_a_byte_order_mark_and_all_optional_keys() {
    let text = with_keys(
        "\u{feff}[Interface]\nPrivateKey = {K1}\nAddress = 10.0.0.2/24\nListenPort = 51000\n\
         FwMark = 0x1F\nMTU = 1420\nTable = auto\nSaveConfig = true\nPostUp = echo hi\n\
         [Peer]\nPublicKey = {K2}\nPresharedKey = {K3}\nAllowedIPs = 10.9.0.0/24\nEndpoint = 192.0.2.1:1\n",
    );
    let conf = parse_bytes(text.as_bytes()).unwrap();
    let i = &conf.interface;
    assert_eq!(i.listen_port.as_ref().unwrap().value, 51000);
    assert_eq!(i.fw_mark.as_ref().unwrap().value, 0x1f);
    assert_eq!(i.mtu.as_ref().unwrap().value, 1420);
    assert_eq!(i.table.as_ref().unwrap().value, Table::Auto);
    assert!(i.save_config.as_ref().unwrap().value);
    assert_eq!(i.hooks[0].value, Hook { kind: HookKind::PostUp, command: "echo hi".into() });
    assert_eq!(i.hooks[0].line.get(), Some(9));
}

/// Each case: input, expected error line, expected full sentence.
#[test]
fn a_bad_private_key_is_never_quoted() {
    let secret = "c2VjcmV0LWJ1dC10cnVuY2F0ZWQta2V5LW1hdGVyaWFs"; // 44 chars, decodes to 33 bytes
    let text = format!("[Interface]\nPrivateKey = {secret}\n");
    let err = parse(&text).unwrap_err();
    assert_eq!(err.line, Some(2));
    assert!(!err.to_string().contains(secret), "{err}");
    assert!(!format!("{err:?}").contains(secret));
}

#[test]
fn utf16_with_a_byte_order_mark_is_read_like_utf8() {
    let text = with_keys(&format!("{I}{P}"));
    let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
    let utf8 = parse_bytes(text.as_bytes()).unwrap();
    assert_eq!(parse_bytes(&le).unwrap(), utf8);
    assert_eq!(parse_bytes(&be).unwrap(), utf8);
    // A lone surrogate on line 2, and an odd trailing byte: refused as text, with the line.
    let mut bad = le.clone();
    let second_line = 2 + 2 * (text.find('\n').unwrap() + 1);
    bad.splice(second_line..second_line, [0x00, 0xD8]);
    let err = parse_bytes(&bad).unwrap_err();
    assert_eq!((err.code(), err.line), ("not_text", Some(2)), "{err}");
    let mut odd = le;
    odd.push(b'x');
    assert_eq!(parse_bytes(&odd).unwrap_err().code(), "not_text");
}

#[test]
fn raw_bytes_are_checked_for_size_and_text() {
    // Uploads are limited; rendered files (which may grow a little) are not.
    let long = format!("{}\n{}", "#".repeat(MAX_CONF_BYTES), with_keys(&format!("{I}{P}")));
    assert!(parse(&long).is_ok());
    let huge = format!("{}{}", " ".repeat(MAX_CONF_BYTES), with_keys(&format!("{I}{P}")));
    let err = parse_bytes(huge.as_bytes()).unwrap_err();
    assert_eq!((err.line, err.code()), (None, "file_too_large"));
    assert!(err.to_string().starts_with("The file is 65"), "{err}");

    let mut latin1 = with_keys(&format!("{I}{P}")).into_bytes();
    latin1.splice(30..30, b"\ncaf\xe9\n".iter().copied());
    let err = parse_bytes(&latin1).unwrap_err();
    assert!(err.to_string().starts_with("line 3: the file is not UTF-8 text"), "{err}");
    assert!(err.to_string().contains("iconv -f windows-1252 -t utf-8"), "says how to fix it: {err}");
    assert_eq!(err.code(), "not_text");

    let err = parse_bytes(b"[Interface]\nPrivateKey = \0\0\0\n").unwrap_err();
    assert_eq!(err.to_string(), "line 2: the file contains the control character U+0000; this does not look like a text file");
    let err = parse("[Interface]\r\nPostUp = a\rb\r\n").unwrap_err();
    assert_eq!((err.line, err.code()), (Some(2), "not_text"));
    let elf = b"\x7fELF\x02\x01\x01\0\0\0";
    assert_eq!(parse_bytes(elf).unwrap_err().code(), "not_text");
}

#[test]
fn error_codes_single_out_unknown_keys() {
    let err = parse(&with_keys(&format!("{I}PostUpp = x\n{P}"))).unwrap_err();
    assert_eq!(err.code(), "unknown_key");
    assert_eq!(parse("").unwrap_err().code(), "parse_error");
}

#[test]
fn secrets_are_redacted_in_debug_output() {
    let conf = parse(&with_keys(&format!("{I}{P}PresharedKey = {{K3}}\n"))).unwrap();
    let debug = format!("{conf:?}");
    assert!(!debug.contains(&key(1)) && !debug.contains(&key(3)), "{debug}");
    assert!(debug.contains("(redacted)") && debug.contains(&key(2)));
    assert_eq!(conf.interface.private_key.value.to_string(), "(redacted)");
}

#[test]
fn render_is_canonical() {
    let conf = parse(&typical()).unwrap();
    insta::assert_snapshot!("typical", render(&conf));
}

#[test]
fn render_redacted_hides_both_secret_keys() {
    let text = with_keys(
        "[Interface]\nPrivateKey = {K1}\nAddress = 10.0.0.2/24, fd00::2/64\nListenPort = 51000\n\
         FwMark = 4660\nMTU = 1380\nTable = off\nSaveConfig = false\nPreUp = logger up\n\
         [Peer]\nPublicKey = {K2}\nPresharedKey = {K3}\nAllowedIPs = 10.9.0.0/24, fd09::/64\n\
         Endpoint = [2001:db8::1]:51820\nPersistentKeepalive = 0\n\
         [Peer]\nPublicKey = {K4}\nAllowedIPs = 192.168.50.0/24\nEndpoint = 198.51.100.7:4500\n",
    );
    let conf = parse(&text).unwrap();
    let redacted = render_redacted(&conf);
    assert!(!redacted.contains(&key(1)) && !redacted.contains(&key(3)));
    insta::assert_snapshot!("all_keys_redacted", redacted);
    assert_eq!(parse(&render(&conf)).unwrap(), conf);
}
