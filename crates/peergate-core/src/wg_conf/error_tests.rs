//! The exact sentence and line for each kind of mistake in an uploaded file, table-driven.

use super::parse;
use super::tests::{I, P, with_keys};

fn check(input: &str, line: Option<usize>, message: &str) {
    let err = parse(&with_keys(input)).expect_err(input);
    assert_eq!(err.line, line, "wrong line for {input:?}: {err}");
    assert_eq!(err.to_string(), message, "input: {input:?}");
}

#[test]
fn structural_errors_name_the_line() {
    let cases: &[(String, Option<usize>, &str)] = &[
        ("".into(), None, "The file has no settings (it is empty or only comments)"),
        ("# nothing\n\n   \n".into(), None, "The file has no settings (it is empty or only comments)"),
        (format!("{I}PrivateKey\n{P}"), Some(4), "line 4: expected `Key = Value` or a section header such as `[Peer]`"),
        (format!("{I}= 5\n{P}"), Some(4), "line 4: expected `Key = Value` or a section header such as `[Peer]`"),
        (
            format!("{I}[WireGuardPeer]\n"),
            Some(4),
            "line 4: `[WireGuardPeer]` is not a section wg-quick knows; use `[Interface]` or `[Peer]`",
        ),
        (format!("{I}[Peer\n"), Some(4), "line 4: `[Peer` is missing its closing `]`"),
        (
            format!("Address = 10.0.0.2/32\n{I}{P}"),
            Some(1),
            "line 1: `Address` appears before any `[Interface]` or `[Peer]` section",
        ),
        (format!("{I}Jc = 4\n{P}"), Some(4), "line 4: `Jc` is not a setting wg-quick knows in an `[Interface]` section"),
        (
            format!("{I}{P}Address = 10.0.0.3/32\n"),
            Some(8),
            "line 8: `Address` is not a setting wg-quick knows in an `[Peer]` section",
        ),
        (format!("{I}ListenPort =   # later\n{P}"), Some(4), "line 4: ListenPort has no value"),
        (format!("{I}Address =\n{P}"), Some(4), "line 4: Address has no value"),
        (
            format!("{I}{P}AllowedIPs = 10.1.0.0/16,\n"),
            Some(8),
            "line 8: AllowedIPs has an empty entry (two commas in a row, or a trailing comma)",
        ),
        (format!("{I}PrivateKey = {{K3}}\n{P}"), Some(4), "line 4: PrivateKey is set twice in this section (first on line 2)"),
        (format!("{I}{P}Endpoint = 192.0.2.2:1\n"), Some(8), "line 8: Endpoint is set twice in this section (first on line 7)"),
        (
            format!("{I}{P}{I}"),
            Some(8),
            "line 8: a second `[Interface]` section (the first is on line 1); a config has exactly one",
        ),
        (format!("{I}{P}{P}"), Some(8), "line 8: this peer has the same PublicKey as the peer on line 4"),
        (P.into(), None, "The config has no `[Interface]` section"),
        (I.into(), None, "The config has no `[Peer]` section; a client config needs the remote site as a peer"),
        (format!("[Interface]\nAddress = 10.0.0.2/32\n{P}"), Some(1), "line 1: `[Interface]` has no PrivateKey"),
        (
            format!("[Interface]\nPrivateKey = {{K1}}\n{P}"),
            Some(1),
            "line 1: `[Interface]` has no Address (the tunnel address of this side, such as `10.0.0.2/32`)",
        ),
        (format!("{I}[Peer]\nAllowedIPs = 10.0.0.0/8\nEndpoint = a.b:1\n"), Some(4), "line 4: `[Peer]` has no PublicKey"),
        (
            format!("{I}[Peer]\nPublicKey = {{K2}}\nEndpoint = a.b:1\n"),
            Some(4),
            "line 4: `[Peer]` has no AllowedIPs (the networks routed to this peer)",
        ),
        (
            format!("{I}[Peer]\nPublicKey = {{K2}}\nAllowedIPs = 10.0.0.0/8\n"),
            Some(4),
            "line 4: `[Peer]` has no Endpoint; the gateway connects out, so it needs `Endpoint = host:port`",
        ),
    ];
    for (input, line, message) in cases {
        check(input, *line, message);
    }
}

#[test]
fn value_errors_explain_what_is_wrong() {
    let cases: &[(String, Option<usize>, &str)] = &[
        (
            format!("{I}{P}AllowedIPs = 10.0.0.0/33\n"),
            Some(8),
            "line 8: AllowedIPs `10.0.0.0/33` is not a valid network: prefix length 33 is longer than 32",
        ),
        (
            format!("{I}{P}AllowedIPs = fd00::/129\n"),
            Some(8),
            "line 8: AllowedIPs `fd00::/129` is not a valid network: prefix length 129 is longer than 128",
        ),
        (
            format!("{I}{P}AllowedIPs = 10.0.0.1/24\n"),
            Some(8),
            "line 8: AllowedIPs `10.0.0.1/24` is not a valid network: it has host bits set; the network is `10.0.0.0/24`",
        ),
        (
            format!("{I}{P}AllowedIPs = 10.0.0.300/32\n"),
            Some(8),
            "line 8: AllowedIPs `10.0.0.300/32` is not a valid network: `10.0.0.300` is not an IP address",
        ),
        (
            format!("{I}{P}AllowedIPs = 10.0.0.0/+8\n"),
            Some(8),
            "line 8: AllowedIPs `10.0.0.0/+8` is not a valid network: prefix length `+8` is not a number",
        ),
        (
            format!("{I}Address = 10.0.0.2/40\n{P}"),
            Some(4),
            "line 4: Address `10.0.0.2/40` is not a valid address: prefix length 40 is longer than 32",
        ),
        (
            format!("{I}{P}").replace("{K2}", "abc"),
            Some(5),
            "line 5: PublicKey is not a valid WireGuard key: expected 44 base64 characters (32 bytes), got 3 characters",
        ),
        (
            format!("{I}{P}").replace("{K2}", &"!".repeat(44)),
            Some(5),
            "line 5: PublicKey is not a valid WireGuard key: it is not valid base64",
        ),
        (
            format!("{I}{P}PresharedKey = short\n"),
            Some(8),
            "line 8: PresharedKey is not a valid WireGuard key: expected 44 base64 characters (32 bytes), got 5 characters",
        ),
        (
            format!("{I}{P}").replace("192.0.2.1:51820", "192.0.2.1"),
            Some(7),
            "line 7: Endpoint `192.0.2.1` is not valid: it needs a port, as in `vpn.example.com:51820`",
        ),
        (
            format!("{I}{P}").replace("192.0.2.1:51820", "192.0.2.1:0"),
            Some(7),
            "line 7: Endpoint `192.0.2.1:0` is not valid: the port `0` is not a number from 1 to 65535",
        ),
        (
            format!("{I}{P}").replace("192.0.2.1:51820", "192.0.2.1:65536"),
            Some(7),
            "line 7: Endpoint `192.0.2.1:65536` is not valid: the port `65536` is not a number from 1 to 65535",
        ),
        (
            format!("{I}{P}").replace("192.0.2.1:51820", "fd00::1:51820"),
            Some(7),
            "line 7: Endpoint `fd00::1:51820` is not valid: an IPv6 address must be in brackets, as in `[fd00::1]:51820`",
        ),
        (
            format!("{I}{P}").replace("192.0.2.1:51820", "bad_host.example:51820"),
            Some(7),
            "line 7: Endpoint `bad_host.example:51820` is not valid: `bad_host.example` is neither an IP address nor a valid host name",
        ),
        (
            format!("{I}{P}").replace("192.0.2.1:51820", "10.0.0.256:51820"),
            Some(7),
            "line 7: Endpoint `10.0.0.256:51820` is not valid: `10.0.0.256` is neither an IP address nor a valid host name",
        ),
        (
            format!("{I}ListenPort = 70000\n{P}"),
            Some(4),
            "line 4: ListenPort `70000` is not valid: expected a port from 0 to 65535",
        ),
        (format!("{I}MTU = 500\n{P}"), Some(4), "line 4: MTU `500` is not valid: expected a number from 576 to 65535"),
        (
            format!("{I}Address = fd00::2/128\nMTU = 1000\n{P}"),
            Some(5),
            "line 5: MTU 1000 is below 1280, the minimum for IPv6, and this interface has an IPv6 address",
        ),
        (
            format!("{I}FwMark = 0xZZ\n{P}"),
            Some(4),
            "line 4: FwMark `0xZZ` is not valid: expected `off`, a number, or a hexadecimal number such as 0x1234",
        ),
        (
            format!("{I}Table = main table\n{P}"),
            Some(4),
            "line 4: Table `main table` is not valid: expected `auto`, `off`, a table number or a table name",
        ),
        (format!("{I}SaveConfig = yes\n{P}"), Some(4), "line 4: SaveConfig `yes` is not valid: expected `true` or `false`"),
        (
            format!("{I}DNS = 1.1.1.1, not a domain\n{P}"),
            Some(4),
            "line 4: DNS entry `not a domain` is neither an IP address nor a search domain",
        ),
        (
            format!("{I}{P}PersistentKeepalive = -1\n"),
            Some(8),
            "line 8: PersistentKeepalive `-1` is not valid: expected `off` or a number of seconds from 0 to 65535",
        ),
    ];
    for (input, line, message) in cases {
        check(input, *line, message);
    }
}

#[test]
fn every_bad_line_is_reported_at_once() {
    let input = with_keys(&format!("{I}MTU = lots\nJc = 4\n{P}PersistentKeepalive = -1\n"));
    let err = parse(&input).expect_err("three bad lines");
    let lines: Vec<Option<usize>> = std::iter::once(err.line).chain(err.more.iter().map(|e| e.line)).collect();
    assert_eq!(lines.len(), 3, "{err} / {:?}", err.more);
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "in file order: {lines:?}");
    // Whole-file checks wait for a file whose lines all read: no cascade of "missing" errors.
    let broken_key = with_keys(&format!("{I}{P}")).replacen("PrivateKey = ", "PrivateKey = !", 1);
    let err = parse(&broken_key).expect_err("a bad key");
    assert!(err.more.is_empty(), "{:?}", err.more);
    // Bounded: a file of garbage reports the first 20.
    let garbage = "[Interface]\n".to_string() + &"Bogus = 1\n".repeat(500);
    assert_eq!(parse(&garbage).expect_err("garbage").more.len(), super::error::MAX_REPORTED - 1);
}
