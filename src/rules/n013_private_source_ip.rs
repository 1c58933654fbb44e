//! N013 private-source-ip: a private address range (RFC 1918, IPv6 unique local) as a value of
//! `aws:SourceIp`. AWS sets `aws:SourceIp` to the public address a request comes from; a
//! request from inside a VPC arrives through an endpoint and carries `aws:VpcSourceIp`
//! instead. So the private range never matches.

use super::lookup::{condition_scalars, OperatorType};
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use std::net::{IpAddr, Ipv4Addr};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            if !entry.key.value.eq_ignore_ascii_case("aws:SourceIp") {
                continue;
            }
            let Some(op) = facts.operator else {
                continue;
            };
            if op.kind != OperatorType::IpAddress {
                continue;
            }
            let negated = op.base == "NotIpAddress";
            let consequence = if negated {
                "`NotIpAddress` therefore excludes no request"
            } else {
                "it never matches"
            };
            for (value, span) in condition_scalars(entry.values) {
                if !is_private(value.trim()) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::N013,
                        span,
                        format!("`{value}` is a private range, and `aws:SourceIp` holds only public addresses: {consequence}"),
                    )
                    .help("for requests from a VPC use `aws:VpcSourceIp` together with `aws:SourceVpc` or `aws:SourceVpce`")
                    .at(entry.pointer(&s.pointer)),
                );
            }
        }
    }
}

/// Whether an address or CIDR range lies entirely inside a private range: 10.0.0.0/8,
/// 172.16.0.0/12, 192.168.0.0/16, or fc00::/7.
fn is_private(value: &str) -> bool {
    let (address, prefix) = value.split_once('/').unwrap_or((value, ""));
    let Ok(address) = address.parse::<IpAddr>() else {
        return false;
    };
    let prefix: u8 = match prefix {
        "" => match address {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        },
        p => match p.parse() {
            Ok(p) => p,
            Err(_) => return false,
        },
    };
    match address {
        IpAddr::V4(a) => [
            (Ipv4Addr::new(10, 0, 0, 0), 8),
            (Ipv4Addr::new(172, 16, 0, 0), 12),
            (Ipv4Addr::new(192, 168, 0, 0), 16),
        ]
        .iter()
        .any(|&(net, len)| {
            prefix >= len && prefix <= 32 && within(u32::from(a), u32::from(net), len)
        }),
        IpAddr::V6(a) => (7..=128).contains(&prefix) && a.segments()[0] & 0xfe00 == 0xfc00,
    }
}

fn within(address: u32, network: u32, len: u8) -> bool {
    let mask = u32::MAX << (32 - u32::from(len));
    address & mask == network & mask
}

#[cfg(test)]
mod tests {
    use super::is_private;

    #[test]
    fn private_ranges() {
        assert!(is_private("10.0.0.0/8"));
        assert!(is_private("10.1.2.3"));
        assert!(is_private("172.31.0.0/16"));
        assert!(is_private("192.168.1.0/24"));
        assert!(is_private("fd00::/8"));
        assert!(!is_private("172.32.0.0/16"));
        assert!(!is_private("203.0.113.0/24"));
        // Wider than the private range: also covers public addresses.
        assert!(!is_private("10.0.0.0/7"));
        assert!(!is_private("2001:db8::/32"));
        assert!(!is_private("not an address"));
    }
}
