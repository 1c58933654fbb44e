//! N004 invalid-condition-value: a condition value that does not parse as its operator's
//! type: a CIDR for `IpAddress`, an ISO 8601 date or epoch seconds for `Date*`, a number
//! for `Numeric*`, `true`/`false` for `Bool` and `Null`, base64 for `BinaryEquals`; an ARN
//! for `Arn*` operators and for keys of type ARN (`aws:SourceArn`, `aws:PrincipalArn`), where
//! text that is not one (a Terraform expression written as a literal string) never matches.

use super::lookup::{condition_scalars, KeyLookup, OperatorType};
use super::Context;
use crate::catalog::ConditionType;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            let Some(op) = facts.operator else {
                continue;
            };
            // Whether the key is of type ARN (`aws:SourceArn`, `aws:PrincipalArn`, a
            // service's ARN key).
            let arn_key = matches!(
                facts.key,
                KeyLookup::Known { kind, .. } if kind.element() == ConditionType::Arn
            );
            let (valid, expected): (fn(&str) -> bool, &str) = match op.kind {
                OperatorType::Numeric => (is_number, "a number"),
                OperatorType::Date => (
                    is_date,
                    "an ISO 8601 date such as `2026-01-31T00:00:00Z`, or epoch seconds",
                ),
                OperatorType::Bool => (is_bool, "`true` or `false`"),
                OperatorType::Null => (
                    is_bool,
                    "`true` (the key is absent) or `false` (the key is present)",
                ),
                OperatorType::IpAddress => (
                    is_ip_or_cidr,
                    "an IPv4 or IPv6 address or CIDR range such as `203.0.113.0/24`",
                ),
                OperatorType::Binary => (is_base64, "base64-encoded bytes"),
                // A key that holds a KMS key's ARN never matches an alias ARN: requests
                // carry the key's own ARN (IAM Access Analyzer's *Invalid kms key value*).
                OperatorType::Arn | OperatorType::String
                    if arn_key && kms_key_name(entry.key.value) =>
                {
                    (is_kms_key_arn, KMS_KEY)
                }
                OperatorType::Arn => (is_arn, ARN),
                // A string compared with a key of type ARN must be one to ever match.
                OperatorType::String if arn_key => (is_arn, ARN),
                OperatorType::String => {
                    if let Some(known) = key_values(entry.key.value) {
                        let ignore_case = op.base.contains("IgnoreCase");
                        for (value, span) in condition_scalars(entry.values) {
                            // A wildcard under an exact operator is N005's.
                            if crate::policy::has_wildcard(value)
                                || crate::policy::template::has_parts(value)
                                || known.accepts(value, ignore_case)
                                || !crate::policy::placeholder::find(value).is_empty()
                            {
                                continue;
                            }
                            out.push(
                                Diagnostic::new(
                                    Code::N004,
                                    span,
                                    format!(
                                        "`{value}` is not a valid value for `{}`: expected {}",
                                        entry.key.value,
                                        known.expected()
                                    ),
                                )
                                .help(format!("write {}", known.expected()))
                                .at(entry.pointer(&s.pointer)),
                            );
                        }
                    }
                    continue;
                }
            };
            for (value, span) in condition_scalars(entry.values) {
                // Policy variables are substituted at request time and template values at
                // deploy time; placeholders are P016's.
                if crate::policy::template::has_parts(value)
                    || valid(value.trim())
                    || !crate::policy::placeholder::find(value).is_empty()
                {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::N004,
                        span,
                        format!(
                            "`{value}` is not a valid value for `{}`: expected {expected}",
                            // A KMS key ARN is what the key needs, whatever the operator.
                            if expected == KMS_KEY {
                                entry.key.value
                            } else {
                                entry.operator.value
                            }
                        ),
                    )
                    .help(format!("write {expected}"))
                    .at(entry.pointer(&s.pointer)),
                );
            }
        }
    }
}

const ARN: &str = "an ARN such as `arn:aws:sns:us-east-1:111122223333:topic` (a value that is not one never matches)";

const KMS_KEY: &str = "a KMS key ARN such as `arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab` (an alias ARN never matches: requests carry the key's ARN)";

/// Whether a key's name says it holds a KMS key (`s3:x-amz-server-side-encryption-aws-kms-key-id`,
/// `sagemaker:VolumeKmsKey`); with type ARN, its values must be key ARNs.
fn kms_key_name(key: &str) -> bool {
    // Compared in place: every entry of every document asks.
    key.split_once(':').is_some_and(|(_, name)| {
        name.as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"kms"))
    })
}

/// An ARN of a KMS key (`arn:aws:kms:REGION:ACCOUNT:key/ID`), where a field may be a
/// wildcard; only wildcards matches any ARN.
fn is_kms_key_arn(v: &str) -> bool {
    if !v.is_empty() && v.bytes().all(|b| b == b'*' || b == b'?') {
        return true;
    }
    let fields: Vec<&str> = v.splitn(6, ':').collect();
    let [arn, _, service, _, _, resource] = fields[..] else {
        // Too few fields: a wildcard may stand for the rest (`arn:aws:kms:*`).
        return v.starts_with("arn:") && crate::policy::has_wildcard(v);
    };
    let wild = |field: &str| field.starts_with(['*', '?']);
    arn == "arn"
        && (service == "kms" || wild(service))
        && (resource.starts_with("key/") || wild(resource))
}

/// `arn:...`, or only wildcards (`*` under `StringLike` or `ArnLike` matches any ARN).
fn is_arn(v: &str) -> bool {
    v.starts_with("arn:") || (!v.is_empty() && v.bytes().all(|b| b == b'*' || b == b'?'))
}

/// String keys whose values AWS draws from a fixed form or list: a value outside it never
/// matches (IAM Access Analyzer's *Invalid Region*, VPC, VPC endpoint and KMS value checks).
enum KeyValues {
    Region,
    /// An id with this prefix and 8 or 17 lowercase hex digits (`vpc-1a2b3c4d`).
    Id(&'static str),
    OneOf(&'static [&'static str]),
}

impl KeyValues {
    fn accepts(&self, value: &str, ignore_case: bool) -> bool {
        let folded;
        let value = if ignore_case {
            folded = value.to_ascii_lowercase();
            folded.as_str()
        } else {
            value
        };
        match self {
            KeyValues::Region => crate::policy::arn::is_region(value),
            KeyValues::Id(prefix) => value.strip_prefix(prefix).is_some_and(|hex| {
                matches!(hex.len(), 8 | 17)
                    && hex
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            }),
            KeyValues::OneOf(names) => names
                .iter()
                .any(|n| *n == value || (ignore_case && n.eq_ignore_ascii_case(value))),
        }
    }

    fn expected(&self) -> String {
        match self {
            KeyValues::Region => "a Region code such as `us-east-1`".to_string(),
            KeyValues::Id(prefix) => {
                format!("an id such as `{prefix}1a2b3c4d` (8 or 17 lowercase hex digits)")
            }
            KeyValues::OneOf(names) => {
                format!(
                    "one of {}",
                    super::lookup::list_first(
                        names.iter().map(|n| format!("`{n}`")),
                        names.len(),
                        6
                    )
                )
            }
        }
    }
}

const KEY_SPECS: &[&str] = &[
    "SYMMETRIC_DEFAULT",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "SM2",
    "ML_DSA_44",
    "ML_DSA_65",
    "ML_DSA_87",
];
const KEY_USAGES: &[&str] = &[
    "ENCRYPT_DECRYPT",
    "SIGN_VERIFY",
    "GENERATE_VERIFY_MAC",
    "KEY_AGREEMENT",
];

/// The AWS KMS keys with enumerated values, from the AWS KMS developer guide's condition
/// keys page, and the global and EC2 keys of a fixed form.
fn key_values(key: &str) -> Option<KeyValues> {
    const KMS: &[(&str, &[&str])] = &[
        ("kms:KeySpec", KEY_SPECS),
        ("kms:CustomerMasterKeySpec", KEY_SPECS),
        ("kms:KeyUsage", KEY_USAGES),
        ("kms:CustomerMasterKeyUsage", KEY_USAGES),
        (
            "kms:KeyOrigin",
            &["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"],
        ),
        (
            "kms:EncryptionAlgorithm",
            &[
                "SYMMETRIC_DEFAULT",
                "RSAES_OAEP_SHA_1",
                "RSAES_OAEP_SHA_256",
                "SM2PKE",
            ],
        ),
        (
            "kms:SigningAlgorithm",
            &[
                "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384",
                "RSASSA_PSS_SHA_512",
                "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512",
                "ECDSA_SHA_256",
                "ECDSA_SHA_384",
                "ECDSA_SHA_512",
                "SM2DSA",
                "ML_DSA_SHAKE_256",
            ],
        ),
        (
            "kms:MacAlgorithm",
            &[
                "HMAC_SHA_224",
                "HMAC_SHA_256",
                "HMAC_SHA_384",
                "HMAC_SHA_512",
            ],
        ),
        ("kms:MessageType", &["RAW", "DIGEST", "EXTERNAL_MU"]),
        (
            "kms:DataKeyPairSpec",
            &[
                "RSA_2048",
                "RSA_3072",
                "RSA_4096",
                "ECC_NIST_P256",
                "ECC_NIST_P384",
                "ECC_NIST_P521",
                "ECC_SECG_P256K1",
                "SM2",
            ],
        ),
        (
            "kms:ExpirationModel",
            &["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"],
        ),
        (
            "kms:WrappingAlgorithm",
            &[
                "RSAES_OAEP_SHA_1",
                "RSAES_OAEP_SHA_256",
                "RSA_AES_KEY_WRAP_SHA_1",
                "RSA_AES_KEY_WRAP_SHA_256",
                "SM2PKE",
            ],
        ),
        (
            "kms:WrappingKeySpec",
            &["RSA_2048", "RSA_3072", "RSA_4096", "SM2"],
        ),
        ("kms:KeyAgreementAlgorithm", &["ECDH"]),
        (
            "kms:GrantConstraintType",
            &["EncryptionContextEquals", "EncryptionContextSubset"],
        ),
        (
            "kms:GrantOperations",
            &[
                "Decrypt",
                "Encrypt",
                "GenerateDataKey",
                "GenerateDataKeyPair",
                "GenerateDataKeyPairWithoutPlaintext",
                "GenerateDataKeyWithoutPlaintext",
                "ReEncryptFrom",
                "ReEncryptTo",
                "Sign",
                "Verify",
                "GetPublicKey",
                "CreateGrant",
                "RetireGrant",
                "DescribeKey",
                "GenerateMac",
                "VerifyMac",
                "DeriveSharedSecret",
            ],
        ),
    ];
    if key.eq_ignore_ascii_case("aws:RequestedRegion") || key.eq_ignore_ascii_case("ec2:Region") {
        return Some(KeyValues::Region);
    }
    if key.eq_ignore_ascii_case("aws:SourceVpc") {
        return Some(KeyValues::Id("vpc-"));
    }
    if key.eq_ignore_ascii_case("aws:SourceVpce") {
        return Some(KeyValues::Id("vpce-"));
    }
    KMS.iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|(_, names)| KeyValues::OneOf(names))
}

fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next();
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && frac.is_none_or(all_digits)
}

fn is_bool(v: &str) -> bool {
    v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
}

/// ISO 8601 as AWS accepts it (`2026-01-31`, `2026-01-31T12:00:00Z`, with fractions or an
/// offset), or whole epoch seconds.
fn is_date(v: &str) -> bool {
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    if !date {
        return false;
    }
    let (month, day) = (&v[5..7], &v[8..10]);
    if !("01"..="12").contains(&month) || !("01"..="31").contains(&day) {
        return false;
    }
    let rest = &v[10..];
    if rest.is_empty() {
        return true;
    }
    let Some(time) = rest.strip_prefix(['T', 't']) else {
        return false;
    };
    let t = time.as_bytes();
    let hm = t.len() >= 5
        && t[..2].iter().all(u8::is_ascii_digit)
        && t[2] == b':'
        && t[3..5].iter().all(u8::is_ascii_digit);
    if !hm {
        return false;
    }
    let mut rest = &time[5..];
    if let Some(sec) = rest.strip_prefix(':') {
        let n = sec.bytes().take_while(u8::is_ascii_digit).count();
        if n != 2 {
            return false;
        }
        rest = &sec[2..];
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return false;
            }
            rest = &frac[n..];
        }
    }
    match rest {
        "" | "Z" | "z" => true,
        offset => {
            let o = offset.as_bytes();
            o.len() == 6
                && matches!(o[0], b'+' | b'-')
                && o[1..3].iter().all(u8::is_ascii_digit)
                && o[3] == b':'
                && o[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

fn is_ip_or_cidr(v: &str) -> bool {
    let (addr, prefix) = match v.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (v, None),
    };
    let max = if addr.parse::<std::net::Ipv4Addr>().is_ok() {
        32
    } else if addr.parse::<std::net::Ipv6Addr>().is_ok() {
        128
    } else {
        return false;
    };
    prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= max)
    })
}

fn is_base64(v: &str) -> bool {
    let body = v.trim_end_matches('=');
    !v.is_empty()
        && v.len().is_multiple_of(4)
        && v.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_parsers() {
        assert!(is_number("42") && is_number("-1.5") && !is_number("1e3") && !is_number("ten"));
        assert!(is_date("2026-01-31") && is_date("2026-01-31T12:00:00Z"));
        assert!(is_date("2026-01-31T12:00:00.123+02:00") && is_date("1767225600"));
        assert!(!is_date("2026-13-01") && !is_date("31/01/2026") && !is_date("2026-01-31T25"));
        assert!(is_ip_or_cidr("203.0.113.0/24") && is_ip_or_cidr("2001:db8::/32"));
        assert!(
            !is_ip_or_cidr("203.0.113.0/33")
                && !is_ip_or_cidr("10.0.0.256")
                && !is_ip_or_cidr("vpc-1")
        );
        assert!(is_base64("QmluYXJ5") && !is_base64("not base64!"));
        assert!(is_bool("TRUE") && !is_bool("yes"));
        use crate::policy::arn::is_region;
        assert!(
            is_region("us-east-1") && is_region("us-gov-west-1") && is_region("eusc-de-east-1")
        );
        assert!(!is_region("us-east") && !is_region("US-EAST-1") && !is_region("useast1"));
        let vpc = key_values("aws:SourceVpc").unwrap();
        assert!(vpc.accepts("vpc-1a2b3c4d", false) && vpc.accepts("vpc-0123456789abcdef0", false));
        assert!(!vpc.accepts("vpc-1a2b3c", false) && !vpc.accepts("vpce-1a2b3c4d", false));
        let usage = key_values("kms:KeyUsage").unwrap();
        assert!(usage.accepts("SIGN_VERIFY", false) && !usage.accepts("sign_verify", false));
        assert!(usage.accepts("sign_verify", true));
    }

    #[test]
    fn kms_key_names_in_any_case() {
        for key in [
            "s3:x-amz-server-side-encryption-aws-kms-key-id",
            "sagemaker:VolumeKmsKey",
            "x:KMS",
        ] {
            assert!(kms_key_name(key), "{key}");
        }
        for key in [
            "kms:ViaService",
            "sagemaker:VolumeKm",
            "x:km-s",
            "kmskey",
            "x:é",
        ] {
            assert!(!kms_key_name(key), "{key}");
        }
    }
}
