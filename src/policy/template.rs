//! Template values: the `${...}` parts of a string that a deployment tool fills in, told
//! apart from IAM's own policy variables, and understood where they can be.
//!
//! Every template expression reaches the rules as a string in CloudFormation `Fn::Sub`
//! syntax (the template readers turn `!Ref X` into `${X}`, `!GetAtt X.Arn` into `${X.Arn}`
//! and values that cannot be known, such as `Fn::If`, into `${Fn::If}`). Terraform writes
//! `${var.x}` and `%{ if ... }`, Serverless `${self:...}`; a plain JSON policy written for
//! `templatefile` holds `${account_id}`. None of them is a defect of the policy: rules ask
//! this module instead of parsing `${` themselves.
//!
//! An IAM policy variable has a namespace and one colon, and names a key AWS puts in the
//! request context (see "IAM policy elements: Variables and tags"): a global condition key
//! (`${aws:username}`, `${aws:PrincipalTag/team}`), a service's condition key
//! (`${s3:prefix}`, `${ec2:SourceInstanceARN}`), a SAML or web-identity key (`${saml:sub}`,
//! `${www.amazon.com:user_id}`, `${token.actions.githubusercontent.com:sub}`), or one of
//! the escapes `${*}`, `${?}`, `${$}`; it may carry a default (`${aws:username, 'anon'}`).
//! Everything else is a template value: `${AWS::AccountId}` has two colons, `${var.x}` and
//! `${X.Arn}` none, and `${aws:accountId}` (Serverless) or `${self:custom.x}` name no key
//! AWS knows.

use crate::catalog::{global_condition_key, Catalog};
use crate::policy::arn;
use std::borrow::Cow;
use std::ops::Range;

/// What a `${...}` part of a string is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An IAM policy variable, substituted by AWS when the request is evaluated.
    Variable,
    /// A value a deployment tool fills in (CloudFormation, Terraform, Serverless).
    Template,
}

/// One `${...}` (or Terraform `%{...}`) part of a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part<'a> {
    /// The bytes of the whole part, `${` to `}`.
    pub range: Range<usize>,
    /// What stands between the braces.
    pub expr: &'a str,
    pub kind: Kind,
}

/// The `${...}` and `%{...}` parts of `text`, in order. Linear in the text's length: once
/// no `}` follows, no later opening can close either.
pub fn parts(text: &str) -> Vec<Part<'_>> {
    ranges(text)
        .map(|range| {
            let expr = &text[range.start + 2..range.end - 1];
            let kind = if text.as_bytes()[range.start] == b'$' && is_policy_variable(expr) {
                Kind::Variable
            } else {
                Kind::Template
            };
            Part { range, expr, kind }
        })
        .collect()
}

/// The byte ranges of the parts [`parts`] finds, without telling variables from template
/// values: enough to split around them or fill them, and far cheaper (telling them apart
/// looks names up in the catalog).
pub fn ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    // No `{`, no part: most strings are settled by this one scan.
    let mut i = if memchr::memchr(b'{', bytes).is_some() {
        0
    } else {
        bytes.len()
    };
    std::iter::from_fn(move || {
        while let Some(at) = memchr::memchr2(b'$', b'%', &bytes[i..]) {
            let start = i + at;
            if bytes.get(start + 1) != Some(&b'{') {
                i = start + 1;
                continue;
            }
            let Some(len) = memchr::memchr(b'}', &bytes[start + 2..]) else {
                i = bytes.len();
                return None;
            };
            let end = start + 2 + len + 1;
            i = end;
            return Some(start..end);
        }
        i = bytes.len();
        None
    })
}

/// Whether `text` holds any `${...}` part, variable or template value. Cheap for the
/// strings that hold none.
pub fn has_parts(text: &str) -> bool {
    ranges(text).next().is_some()
}

/// The first IAM policy variable of `text` (`${aws:username}`), not a template value.
pub fn first_variable(text: &str) -> Option<Range<usize>> {
    if !has_parts(text) {
        return None;
    }
    parts(text)
        .into_iter()
        .find(|p| p.kind == Kind::Variable)
        .map(|p| p.range)
}

/// Whether `text` holds a template value (a part that is not an IAM policy variable).
pub fn has_template(text: &str) -> bool {
    memchr::memchr(b'{', text.as_bytes()).is_some()
        && parts(text).iter().any(|p| p.kind == Kind::Template)
}

/// `text` without its `${...}` parts: what is written literally around them.
pub fn literal(text: &str) -> Cow<'_, str> {
    fill(text, "")
}

/// `text` with each `${...}` part replaced by `with`.
pub fn fill<'a>(text: &'a str, with: &str) -> Cow<'a, str> {
    if memchr::memchr(b'{', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let mut ranges = ranges(text).peekable();
    if ranges.peek().is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for range in ranges {
        out.push_str(&text[last..range.start]);
        out.push_str(with);
        last = range.end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// The expression of a string that is one template value and nothing else (`${RoleArn}`).
pub fn whole(text: &str) -> Option<&str> {
    let inner = text
        .strip_prefix("${")
        .or_else(|| text.strip_prefix("%{"))?
        .strip_suffix('}')?;
    (!inner.contains('}') && !is_policy_variable(inner)).then_some(inner)
}

/// Whether `expr` (the text between `${` and `}`) is an IAM policy variable.
pub fn is_policy_variable(expr: &str) -> bool {
    if matches!(expr, "*" | "?" | "$") {
        return true;
    }
    // No namespace, no variable: most template values (`${var.x}`, `${BucketName}`).
    if memchr::memchr(b':', expr.as_bytes()).is_none() {
        return false;
    }
    // `${aws:username, 'default'}`: the default does not change what the variable is.
    let name = match expr.split_once(',') {
        Some((name, default)) if is_quoted_default(default) => name.trim(),
        Some(_) => return false,
        None => expr,
    };
    let Some((namespace, key)) = name.split_once(':') else {
        return false;
    };
    if key.is_empty() || key.contains(':') || key.contains(char::is_whitespace) {
        return false;
    }
    if namespace.eq_ignore_ascii_case("aws") {
        return global_condition_key(name).is_some();
    }
    if namespace.eq_ignore_ascii_case("saml") {
        return true;
    }
    if is_provider_host(namespace) {
        return true;
    }
    // A service's condition key (`${s3:prefix}`); Serverless's `${ssm:/path}` and
    // `${s3:bucket/key}` name no such key, and `${self:...}` or `${opt:...}` no service.
    is_service_key(name)
}

/// Whether `name` is a condition key of the service its prefix names. The same few names
/// recur (and a hostile policy may repeat one a million times), so each thread keeps the
/// answers; the memo is bounded by clearing it when it grows large.
fn is_service_key(name: &str) -> bool {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static KNOWN: RefCell<HashMap<String, bool>> = RefCell::new(HashMap::new());
    }
    KNOWN.with(|cell| {
        if let Some(&known) = cell.borrow().get(name) {
            return known;
        }
        let known = name.split_once(':').is_some_and(|(namespace, _)| {
            Catalog::embedded()
                .service(namespace)
                .is_some_and(|service| service.condition_key(name).is_some())
        });
        let mut memo = cell.borrow_mut();
        if memo.len() >= 4096 {
            memo.clear();
        }
        memo.insert(name.to_string(), known);
        known
    })
}

fn is_quoted_default(text: &str) -> bool {
    let text = text.trim();
    text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'')
}

/// A web-identity or OIDC provider as IAM names its keys: a host name such as
/// `www.amazon.com` or `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE`. Serverless's
/// `cf.us-east-1` is no host: its last label is not a top-level domain.
fn is_provider_host(namespace: &str) -> bool {
    let host = namespace.split('/').next().unwrap_or(namespace);
    let mut labels = host.split('.');
    let tld = labels.next_back().unwrap_or("");
    host.contains('.')
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
        && labels.all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// What a template expression is known to stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// The account being deployed to: `AWS::AccountId`,
    /// `data.aws_caller_identity.current.account_id`.
    ThisAccount,
    /// The partition deployed to (`aws`, `aws-cn`…): `AWS::Partition`,
    /// `data.aws_partition.current.partition`.
    Partition,
    /// The region deployed to: `AWS::Region`, `data.aws_region.current.name`.
    Region,
    /// The partition's domain (`amazonaws.com`): `AWS::URLSuffix`,
    /// `data.aws_partition.current.dns_suffix`.
    UrlSuffix,
    /// An attribute of a resource the template itself creates, such as a role's ARN:
    /// `MyRole.Arn` (CloudFormation `!GetAtt`), `aws_iam_role.app.arn` (Terraform).
    OwnResource,
    /// Anything else: a parameter, a variable, a condition's outcome.
    Unknown,
}

/// What the expression between `${` and `}` stands for, where that can be known.
pub fn meaning(expr: &str) -> Meaning {
    let expr = expr.trim();
    match expr {
        "AWS::AccountId" | "aws:accountId" => return Meaning::ThisAccount,
        "AWS::Partition" | "aws:partition" => return Meaning::Partition,
        "AWS::Region" | "aws:region" => return Meaning::Region,
        "AWS::URLSuffix" => return Meaning::UrlSuffix,
        _ => {}
    }
    let fields: Vec<&str> = expr.split('.').collect();
    let plain = fields.iter().all(|f| {
        !f.is_empty()
            && f.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    if !plain {
        return Meaning::Unknown;
    }
    match fields.as_slice() {
        ["data", "aws_caller_identity", _, "account_id"] => Meaning::ThisAccount,
        ["data", "aws_partition", _, "partition"] => Meaning::Partition,
        ["data", "aws_partition", _, "dns_suffix"] => Meaning::UrlSuffix,
        ["data", "aws_region", _, "name" | "region" | "id"] => Meaning::Region,
        // Terraform's other references hold values given or computed elsewhere.
        ["var" | "local" | "data" | "module" | "each" | "count" | "path" | "terraform" | "self", ..] => {
            Meaning::Unknown
        }
        // A managed Terraform resource: `aws_iam_role.app.arn`.
        [resource, _, _] if resource.starts_with("aws_") => Meaning::OwnResource,
        // A CloudFormation `!GetAtt Logical.Attribute`: logical IDs are alphanumeric.
        [logical, _] if logical.bytes().all(|b| b.is_ascii_alphanumeric()) => Meaning::OwnResource,
        _ => Meaning::Unknown,
    }
}

/// The account an ARN's account field (or a bare account value) names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Account<'a> {
    /// A 12-digit account ID as written.
    Literal(&'a str),
    /// The account the template is deployed to.
    This,
    /// An account only known at deploy time (`${AccountId}`, `${var.account_id}`).
    Deployed(&'a str),
}

/// The account `text` names: a 12-digit ID, the deploying account, or a template value
/// that gives one at deploy time. `None` for anything else.
pub fn account(text: &str) -> Option<Account<'_>> {
    if arn::is_account_id(text) {
        return Some(Account::Literal(text));
    }
    if let Some(expr) = whole(text) {
        return Some(match meaning(expr) {
            Meaning::ThisAccount => Account::This,
            _ => Account::Deployed(text),
        });
    }
    has_template(text).then_some(Account::Deployed(text))
}

/// Who an `AWS` principal value names, as far as its template values tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal<'a> {
    /// An account's root (`arn:${AWS::Partition}:iam::${AWS::AccountId}:root`,
    /// `${AWS::AccountId}` alone, `111122223333`).
    Root(Account<'a>),
    /// A principal the template itself creates (`${MyRole.Arn}`), in the deploying account.
    OwnResource,
    /// A value given at deploy time whose shape is unknown (`${RoleArn}`, `${Fn::If}`):
    /// an account, a root, a role… A rule that needs to know stays silent.
    Unknown,
    /// Anything else: read it as written.
    Written,
}

/// Who an `AWS` principal value names.
pub fn principal(value: &str) -> Principal<'_> {
    if arn::is_account_id(value) {
        return Principal::Root(Account::Literal(value));
    }
    if let Some(expr) = whole(value) {
        return match meaning(expr) {
            Meaning::ThisAccount => Principal::Root(Account::This),
            Meaning::OwnResource => Principal::OwnResource,
            _ => Principal::Unknown,
        };
    }
    if !has_template(value) {
        return Principal::Written;
    }
    match arn::split(value) {
        Ok(parts) if parts.service.text == "iam" && parts.resource.text == "root" => {
            match account(parts.account.text) {
                Some(account) => Principal::Root(account),
                None => Principal::Written,
            }
        }
        Ok(_) => Principal::Written,
        // `${RoleArn}/x` or a value built from several unknown parts.
        Err(_) => Principal::Unknown,
    }
}

/// `text` with its template values filled in where they are known, for checks of shape:
/// `logs.${AWS::Region}.amazonaws.com` reads as `logs.us-east-1.amazonaws.com`. `None` when
/// a part cannot be known; the text as it is when it holds no template value.
pub fn instantiate(text: &str) -> Option<Cow<'_, str>> {
    let parts = parts(text);
    if parts.iter().all(|p| p.kind == Kind::Variable) {
        return Some(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for part in parts.iter().filter(|p| p.kind == Kind::Template) {
        let value = match meaning(part.expr) {
            Meaning::ThisAccount => "123456789012",
            Meaning::Partition => "aws",
            Meaning::Region => "us-east-1",
            Meaning::UrlSuffix => "amazonaws.com",
            Meaning::OwnResource | Meaning::Unknown => return None,
        };
        out.push_str(&text[last..part.range.start]);
        out.push_str(value);
        last = part.range.end;
    }
    out.push_str(&text[last..]);
    Some(Cow::Owned(out))
}

/// How a policy variable is written wrong (IAM Access Analyzer's variable checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// `${aws:username` with no `}` after it.
    MissingBrace,
    /// `${aws:username, 'anon}`: the default does not start and end with `'`.
    MissingQuote,
    /// `${aws: username}`: a space inside the variable's name.
    Space,
    /// `${}`.
    Empty,
}

/// The policy variables of `text` that AWS cannot read, each with the bytes it spans. Only
/// what would be a policy variable once mended counts: a template value (`${var.x}`,
/// `${ var.x }`, `${AWS::Region}`) is never one.
pub fn malformed_variables(text: &str) -> Vec<(Range<usize>, Malformed)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // Most values have no `$`: a scan without a search's set-up tells.
    if !crate::bytes::contains_either(bytes, b'$', b'$') {
        return found;
    }
    let mut i = 0;
    while let Some(at) = find_opening(&bytes[i..]) {
        let start = i + at;
        let body = &text[start + 2..];
        // The variable ends at its `}`, unless another `${` opens first (before the `}`:
        // a `${` cannot end on it).
        let close = memchr::memchr(b'}', body.as_bytes());
        match close {
            Some(end) if find_opening(&body.as_bytes()[..end]).is_none() => {
                let expr = &body[..end];
                let range = start..start + 2 + end + 1;
                if let Some(kind) = malformed_expr(expr) {
                    found.push((range, kind));
                }
                i = start + 2 + end + 1;
            }
            _ => {
                // No `}` before the text ends or the next variable opens: a missing brace, if
                // what follows `${` names a variable.
                let name_len = body
                    .bytes()
                    .take_while(|&b| b.is_ascii_alphanumeric() || b"-_.:/".contains(&b))
                    .count();
                let name = body[..name_len].trim_end_matches('/');
                if is_policy_variable(name) {
                    found.push((start..start + 2 + name.len(), Malformed::MissingBrace));
                }
                i = start + 2;
            }
        }
    }
    found
}

/// Where the first `${` of `bytes` starts: a search for `$` alone (a search for the pair
/// costs more to set up than a short value takes to scan).
pub(crate) fn find_opening(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'$', &bytes[from..]) {
        let dollar = from + at;
        if bytes.get(dollar + 1) == Some(&b'{') {
            return Some(dollar);
        }
        from = dollar + 1;
    }
    None
}

fn malformed_expr(expr: &str) -> Option<Malformed> {
    if expr.trim().is_empty() {
        return Some(Malformed::Empty);
    }
    if is_policy_variable(expr) {
        return None;
    }
    let (name, default) = match expr.split_once(',') {
        Some((name, default)) => (name, Some(default)),
        None => (expr, None),
    };
    let squeezed: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    if !is_policy_variable(&squeezed) {
        return None;
    }
    if squeezed.len() != name.trim().len() || (default.is_none() && squeezed.len() != name.len()) {
        return Some(Malformed::Space);
    }
    match default {
        Some(d) if !is_quoted_default(d) => Some(Malformed::MissingQuote),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&str, Kind)> {
        parts(text)
            .into_iter()
            .map(|p| (&text[p.range], p.kind))
            .collect()
    }

    #[test]
    fn iam_variables_have_a_namespace_and_one_colon_and_name_a_known_key() {
        for variable in [
            "aws:username",
            "aws:userid",
            "AWS:UserName",
            "aws:PrincipalTag/team",
            "aws:username, 'anonymous'",
            "saml:sub",
            "www.amazon.com:user_id",
            "graph.facebook.com:id",
            "accounts.google.com:sub",
            "cognito-identity.amazonaws.com:sub",
            "token.actions.githubusercontent.com:sub",
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub",
            "s3:prefix",
            "ec2:SourceInstanceARN",
            "*",
            "?",
            "$",
        ] {
            assert!(is_policy_variable(variable), "{variable}");
        }
        // The readers' contract: every form they hand over is a template value.
        for template in [
            "AWS::AccountId",
            "AWS::Partition",
            "AWS::Region",
            "AWS::URLSuffix",
            "AWS::StackName",
            "Fn::If",
            "Fn::ImportValue",
            "Fn::Select",
            "Fn::FindInMap",
            "local.bucket",
            "each.value",
            "aws_iam_role.r.arn",
            "data.aws_partition.current.partition",
            "AccountId",
            "MyRole.Arn",
            "var.account_id",
            "data.aws_caller_identity.current.account_id",
            "account_id",
            "aws:accountId",
            "aws:region",
            "self:custom.bucket",
            "opt:stage",
            "env:STAGE",
            "sls:stage",
            "ssm:/app/key",
            "s3:my-bucket/key",
            "cf:stack.Output",
            "cf.us-east-1:stack.Output",
            "param:domain",
            "file(./config.yml):key",
            "aws:username, default",
            "",
        ] {
            assert!(!is_policy_variable(template), "{template}");
        }
    }

    #[test]
    fn parts_are_found_in_order_with_their_kind() {
        let text = "arn:${AWS::Partition}:s3:::b-${var.env}/${aws:username}/%{ if x }";
        assert_eq!(
            kinds(text),
            [
                ("${AWS::Partition}", Kind::Template),
                ("${var.env}", Kind::Template),
                ("${aws:username}", Kind::Variable),
                ("%{ if x }", Kind::Template),
            ]
        );
        assert!(has_template(text) && has_parts(text));
        assert!(!has_template("arn:aws:s3:::b/${aws:username}"));
        assert!(has_parts("arn:aws:s3:::b/${aws:username}"));
        assert!(!has_parts("arn:aws:s3:::b/{x}") && !has_parts("$x%y"));
        assert!(kinds("${unclosed").is_empty());
        assert_eq!(literal("a-${x}/${aws:username}*"), "a-/*");
        assert_eq!(literal("plain*"), "plain*");
    }

    #[test]
    fn hostile_openings_stay_linear() {
        assert!(parts(&"${".repeat(1 << 19)).is_empty());
        assert_eq!(parts(&"${x}".repeat(1 << 16)).len(), 1 << 16);
    }

    #[test]
    fn pseudo_parameters_and_their_terraform_spellings_are_understood() {
        assert_eq!(meaning("AWS::AccountId"), Meaning::ThisAccount);
        assert_eq!(
            meaning("data.aws_caller_identity.current.account_id"),
            Meaning::ThisAccount
        );
        assert_eq!(
            meaning("data.aws_partition.current.partition"),
            Meaning::Partition
        );
        assert_eq!(meaning("data.aws_region.current.name"), Meaning::Region);
        assert_eq!(meaning("AWS::URLSuffix"), Meaning::UrlSuffix);
        assert_eq!(meaning("MyRole.Arn"), Meaning::OwnResource);
        assert_eq!(meaning("aws_iam_role.app.arn"), Meaning::OwnResource);
        for unknown in [
            "AccountId",
            "var.account_id",
            "local.role_arn",
            "module.x.arn",
            "Fn::If",
            "account_id",
        ] {
            assert_eq!(meaning(unknown), Meaning::Unknown, "{unknown}");
        }
    }

    #[test]
    fn principals_name_roots_resources_or_unknowns() {
        use Principal::*;
        for this_root in [
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:root",
            "arn:aws:iam::${AWS::AccountId}:root",
            "${AWS::AccountId}",
            "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root",
        ] {
            assert_eq!(principal(this_root), Root(Account::This), "{this_root}");
        }
        assert_eq!(
            principal("arn:aws:iam::${AccountId}:root"),
            Root(Account::Deployed("${AccountId}"))
        );
        assert_eq!(
            principal("111122223333"),
            Root(Account::Literal("111122223333"))
        );
        assert_eq!(principal("${MyRole.Arn}"), OwnResource);
        assert_eq!(principal("${aws_iam_role.app.arn}"), OwnResource);
        assert_eq!(principal("${RoleArn}"), Unknown);
        assert_eq!(principal("${var.role_arn}"), Unknown);
        assert_eq!(principal("${Fn::If}"), Unknown);
        assert_eq!(
            principal("arn:aws:iam::${AWS::AccountId}:role/app"),
            Written
        );
        assert_eq!(principal("arn:aws:iam::111122223333:role/app"), Written);
    }

    #[test]
    fn known_values_fill_in_for_shape_checks() {
        assert_eq!(
            instantiate("logs.${AWS::Region}.amazonaws.com").as_deref(),
            Some("logs.us-east-1.amazonaws.com")
        );
        assert_eq!(
            instantiate("ec2.${AWS::URLSuffix}").as_deref(),
            Some("ec2.amazonaws.com")
        );
        assert_eq!(
            instantiate("logs.${data.aws_region.current.name}.amazonaws.com").as_deref(),
            Some("logs.us-east-1.amazonaws.com")
        );
        assert_eq!(instantiate("${ServicePrincipal}"), None);
        assert_eq!(
            instantiate("lambda.amazonaws.com").as_deref(),
            Some("lambda.amazonaws.com")
        );
    }

    #[test]
    fn malformed_variables_are_found_and_template_values_left() {
        use super::{malformed_variables, Malformed::*};
        let kinds =
            |t: &str| -> Vec<_> { malformed_variables(t).into_iter().map(|(_, k)| k).collect() };
        assert_eq!(kinds("arn:aws:s3:::b/${aws:username/*"), [MissingBrace]);
        assert_eq!(malformed_variables("home/${aws:username")[0].0, 5..19);
        assert_eq!(kinds("b/${aws:username/${aws:userid}"), [MissingBrace]);
        assert_eq!(kinds("${aws:PrincipalTag/team, 'x}"), [MissingQuote]);
        assert_eq!(kinds("${aws:username, anon}"), [MissingQuote]);
        assert_eq!(kinds("${aws: username}"), [Space]);
        assert_eq!(kinds("${ aws:username }"), [Space]);
        assert_eq!(kinds("a/${}/b"), [Empty]);
        for fine in [
            "${aws:username}",
            "${aws:username, 'anonymous user'}",
            "${ var.bucket }",
            "${AWS::Region}",
            "${var.x",
            "${Fn::If}",
            "no variables",
            "${s3:prefix}",
        ] {
            assert!(malformed_variables(fine).is_empty(), "{fine}");
        }
    }
}
