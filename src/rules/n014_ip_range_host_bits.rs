//! N014 ip-range-host-bits: a CIDR range with bits set after its prefix length
//! (`203.0.113.7/24`). AWS ignores those bits, so the range is wider than it reads; the
//! finding names the range AWS compares with.

use super::lookup::{condition_scalars, OperatorType};
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use std::net::IpAddr;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            if facts
                .operator
                .is_none_or(|o| o.kind != OperatorType::IpAddress)
            {
                continue;
            }
            for (value, span) in condition_scalars(entry.values) {
                let Some(network) = network_of(value.trim()) else {
                    continue;
                };
                out.push(
                    Diagnostic::new(
                        Code::N014,
                        span,
                        format!("`{value}` has bits set after its /{} prefix, which AWS ignores: it is the range `{network}`", network.split_once('/').map_or("", |(_, p)| p)),
                    )
                    .help(format!("write `{network}`, or a longer prefix if only part of that range is meant"))
                    .at(entry.pointer(&s.pointer)),
                );
            }
        }
    }
}

/// The network a CIDR range stands for, when its address has host bits set; `None` for a
/// range written as its network, a single address, or anything that does not parse (N004).
fn network_of(value: &str) -> Option<String> {
    let (address, prefix) = value.split_once('/')?;
    let prefix: u32 = prefix.parse().ok()?;
    match address.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) if prefix <= 32 => {
            let bits = u32::from(a);
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            (bits & !mask != 0)
                .then(|| format!("{}/{prefix}", std::net::Ipv4Addr::from(bits & mask)))
        }
        IpAddr::V6(a) if prefix <= 128 => {
            let bits = u128::from(a);
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            (bits & !mask != 0)
                .then(|| format!("{}/{prefix}", std::net::Ipv6Addr::from(bits & mask)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::network_of;

    #[test]
    fn host_bits() {
        assert_eq!(
            network_of("203.0.113.7/24").as_deref(),
            Some("203.0.113.0/24")
        );
        assert_eq!(network_of("10.1.2.3/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(network_of("1.2.3.4/0").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(
            network_of("2001:db8::1/64").as_deref(),
            Some("2001:db8::/64")
        );
        assert_eq!(network_of("203.0.113.0/24"), None);
        assert_eq!(network_of("203.0.113.7/32"), None);
        assert_eq!(network_of("203.0.113.7"), None);
        assert_eq!(network_of("203.0.113.7/33"), None);
        assert_eq!(network_of("not/24"), None);
    }
}
