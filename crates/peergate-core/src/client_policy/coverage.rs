//! Address-range arithmetic for route checks: does a set of networks add up to the whole IPv4 or
//! IPv6 space (a full tunnel, however it is spelled), and is a network inside their union. Networks
//! become inclusive integer ranges (IPv4 as `u32`, IPv6 as `u128`) that are sorted and merged, so the
//! check is O(n log n) whatever the split (`0.0.0.0/1` + `128.0.0.0/1`, or a thousand /10s).

use ipnet::IpNet;

/// An unsigned address integer; lets one merge routine serve both families.
trait AddrInt: Copy + Ord + Into<u128> {
    const MAX: Self;
    fn checked_succ(self) -> Option<Self>;
}

impl AddrInt for u32 {
    const MAX: Self = u32::MAX;
    fn checked_succ(self) -> Option<Self> {
        self.checked_add(1)
    }
}

impl AddrInt for u128 {
    const MAX: Self = u128::MAX;
    fn checked_succ(self) -> Option<Self> {
        self.checked_add(1)
    }
}

/// Sorts and merges inclusive ranges, joining ranges that touch (`..=9` and `10..`) as well as
/// ranges that overlap.
fn merge<T: AddrInt>(mut ranges: Vec<(T, T)>) -> Vec<(T, T)> {
    ranges.sort_unstable();
    let mut merged: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            // `checked_succ` is `None` only when the previous range already reaches the top.
            Some(last) if last.1.checked_succ().is_none_or(|next| start <= next) => {
                last.1 = last.1.max(end);
            }
            _ => merged.push((start, end)),
        }
    }
    merged
}

fn covers_all<T: AddrInt + Default>(merged: &[(T, T)]) -> bool {
    matches!(merged, [(start, end)] if *start == T::default() && *end == T::MAX)
}

fn inside<T: AddrInt>(merged: &[(T, T)], (start, end): (T, T)) -> bool {
    // Merged ranges are disjoint and sorted: only the last range starting at or before `start`
    // can contain it.
    let idx = merged.partition_point(|r| r.0 <= start);
    idx > 0 && merged[idx - 1].1 >= end
}

/// How many addresses of `routed` lie outside `excluded` (both sorted and disjoint). Saturates at
/// `u128::MAX`, which only all of IPv6 reaches.
fn count_outside<T: AddrInt>(routed: &[(T, T)], excluded: &[(T, T)]) -> u128 {
    let size = |start: T, end: T| (end.into() - start.into()).saturating_add(1);
    let mut total: u128 = 0;
    for &(start, end) in routed {
        let mut n = size(start, end);
        for &(x_start, x_end) in excluded {
            let (lo, hi) = (start.max(x_start), end.min(x_end));
            if lo <= hi {
                n = n.saturating_sub(size(lo, hi));
            }
        }
        total = total.saturating_add(n);
    }
    total
}

/// The union of a set of networks, per family.
pub(crate) struct Union {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

impl Union {
    pub(crate) fn of<'a>(nets: impl IntoIterator<Item = &'a IpNet>) -> Union {
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for net in nets {
            match net.trunc() {
                IpNet::V4(n) => v4.push((u32::from(n.network()), u32::from(n.broadcast()))),
                IpNet::V6(n) => v6.push((u128::from(n.network()), u128::from(n.broadcast()))),
            }
        }
        Union { v4: merge(v4), v6: merge(v6) }
    }

    /// True when every IPv4 address or every IPv6 address is routed: a full tunnel in that family.
    pub(crate) fn is_full_tunnel(&self) -> bool {
        covers_all(&self.v4) || covers_all(&self.v6)
    }

    /// Addresses routed outside `excluded`, per family: `(IPv4, IPv6)`.
    pub(crate) fn count_outside(&self, excluded: &Union) -> (u128, u128) {
        (count_outside(&self.v4, &excluded.v4), count_outside(&self.v6, &excluded.v6))
    }

    pub(crate) fn contains(&self, net: &IpNet) -> bool {
        match net.trunc() {
            IpNet::V4(n) => inside(&self.v4, (u32::from(n.network()), u32::from(n.broadcast()))),
            IpNet::V6(n) => inside(&self.v6, (u128::from(n.network()), u128::from(n.broadcast()))),
        }
    }
}

/// Whether routing these networks sends all IPv4 or all IPv6 traffic into the tunnel.
pub fn is_full_tunnel<'a>(nets: impl IntoIterator<Item = &'a IpNet>) -> bool {
    Union::of(nets).is_full_tunnel()
}

/// Whether two networks share any address.
pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &str) -> Vec<IpNet> {
        list.split_whitespace().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn full_tunnel_is_detected_however_it_is_split() {
        let cases = [
            ("0.0.0.0/0", true),
            ("::/0", true),
            ("0.0.0.0/1 128.0.0.0/1", true),
            ("10.0.0.0/8 0.0.0.0/0 192.168.0.0/16", true),
            ("::/1 8000::/1 10.0.0.0/8", true),
            ("0.0.0.0/2 64.0.0.0/2 128.0.0.0/2 192.0.0.0/3 224.0.0.0/3", true),
            ("0.0.0.0/1 128.0.0.0/2 192.0.0.0/3", false),
            ("0.0.0.0/1 128.0.0.0/2 224.0.0.0/3", false),
            ("10.77.0.0/24 fd00::/64", false),
            ("0.0.0.0/1 ::/1", false),
            (
                "255.255.255.255/32 0.0.0.0/1 128.0.0.0/2 192.0.0.0/3 224.0.0.0/4 240.0.0.0/5 248.0.0.0/6 252.0.0.0/7 254.0.0.0/8 255.0.0.0/9 255.128.0.0/10",
                false,
            ),
        ];
        for (list, expected) in cases {
            assert_eq!(is_full_tunnel(&nets(list)), expected, "{list}");
        }
    }

    #[test]
    fn a_thousand_pieces_that_add_up_are_a_full_tunnel() {
        let pieces: Vec<IpNet> =
            (0..1024u32).rev().map(|i| format!("{}.{}.0.0/10", i >> 2, (i & 3) << 6).parse().unwrap()).collect();
        assert!(is_full_tunnel(&pieces));
        assert!(!is_full_tunnel(&pieces[1..]));
    }

    #[test]
    fn union_containment_spans_adjacent_networks() {
        let union = Union::of(&nets("10.0.0.0/25 10.0.0.128/25 10.0.2.0/24"));
        assert!(union.contains(&"10.0.0.0/24".parse().unwrap()));
        assert!(union.contains(&"10.0.2.5/32".parse().unwrap()));
        assert!(!union.contains(&"10.0.0.0/22".parse().unwrap()));
        assert!(!union.contains(&"fd00::/64".parse().unwrap()));
    }

    #[test]
    fn overlap_is_symmetric_and_family_aware() {
        let [a, b, c, d] = ["10.77.0.0/24", "10.77.0.0/16", "10.78.0.0/24", "::/0"].map(|s| s.parse().unwrap());
        assert!(overlaps(&a, &b) && overlaps(&b, &a));
        assert!(!overlaps(&a, &c));
        assert!(!overlaps(&a, &d));
    }
}
