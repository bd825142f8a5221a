//! Client configs the tests upload: valid unless a test makes them otherwise.

/// The private key of every test config (it must never appear outside its 0600 file).
pub const PRIVATE_KEY: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
pub const PEER_KEY: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=";

/// A client config routing `allowed`, with extra lines appended to `[Interface]`.
pub fn conf_with(allowed: &str, interface_extra: &str) -> String {
    format!(
        "# site A\n[Interface]\nPrivateKey = {PRIVATE_KEY}\nAddress = 10.204.0.2/32\n{interface_extra}\n\
         [Peer]\nPublicKey = {PEER_KEY}\nAllowedIPs = {allowed}\nEndpoint = 192.0.2.10:51820\nPersistentKeepalive = 25\n"
    )
}

pub fn conf(allowed: &str) -> String {
    conf_with(allowed, "")
}
