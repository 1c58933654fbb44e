//! Patterns as sequences of tokens, for deciding when one covers another. AWS matches a
//! `Resource` (and `ArnLike`) field by field: a `*` in the partition, service, region or
//! account field stops at the next `:`, while one in the resource part may cross colons.
//! A whole-string match would let `arn:aws:ec2:*:instance/*` reach into the account
//! field; here such a wildcard is a token that cannot absorb a `:`.

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`; `colon`: whether it may match `:` (only in the last field of an ARN).
    Many {
        colon: bool,
    },
    /// `?`.
    One {
        colon: bool,
    },
    /// A policy variable (`${aws:username}`), as written: equal only to itself.
    Variable(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    tokens: Vec<Token>,
}

/// The text as characters and policy variables (`Err` holds a variable's body); with
/// `variables` off (the 2008 version) `${…}` is plain text.
fn pieces(text: &str, variables: bool) -> Vec<Result<char, String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if variables && rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                let body = &rest[2..end];
                match body {
                    // `${*}`, `${?}`, `${$}`: the character itself.
                    "*" | "?" | "$" => out.push(Ok(body.chars().next().unwrap_or('$'))),
                    _ => out.push(Err(body.to_string())),
                }
                rest = &rest[end + 1..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(Ok(c));
        rest = &rest[c.len_utf8()..];
    }
    out
}

impl Shape {
    /// A resource or ARN pattern, matched field by field.
    pub fn arn(pattern: &str, variables: bool) -> Shape {
        let parts = pieces(pattern, variables);
        let colons = parts.iter().filter(|p| matches!(p, Ok(':'))).count();
        // The fields AWS compares one by one: up to six, the last taking the rest.
        let last = colons.min(5);
        let mut field = 0;
        let mut tokens = Vec::with_capacity(parts.len());
        for part in parts {
            let colon = field >= last;
            tokens.push(match part {
                Ok('*') => Token::Many { colon },
                Ok('?') => Token::One { colon },
                Ok(c) => {
                    if c == ':' {
                        field += 1;
                    }
                    Token::Char(c)
                }
                Err(v) => Token::Variable(v),
            });
        }
        Shape { tokens }
    }

    /// A string pattern (`StringLike`): wildcards cross anything.
    pub fn text(pattern: &str, variables: bool) -> Shape {
        let tokens = pieces(pattern, variables)
            .into_iter()
            .map(|part| match part {
                Ok('*') => Token::Many { colon: true },
                Ok('?') => Token::One { colon: true },
                Ok(c) => Token::Char(c),
                Err(v) => Token::Variable(v),
            })
            .collect();
        Shape { tokens }
    }

    /// A concrete value: every character stands for itself.
    pub fn literal(value: &str) -> Shape {
        Shape {
            tokens: value.chars().map(Token::Char).collect(),
        }
    }

    pub fn has_variables(&self) -> bool {
        self.tokens.iter().any(|t| matches!(t, Token::Variable(_)))
    }

    /// Whether every value `inner` matches is matched by `self`. Sound: a wildcard of
    /// `inner` must meet a wildcard of `self` that absorbs all it can match, and a variable
    /// only its own text or a wildcard that crosses anything.
    pub fn covers(&self, inner: &Shape) -> bool {
        if self.tokens == inner.tokens {
            return true;
        }
        let (a, b) = (&self.tokens, &inner.tokens);
        // next[j]: a[i+1..] covers b[j..]; filled from the end.
        let mut next = vec![false; b.len() + 1];
        next[b.len()] = true;
        let mut row = vec![false; b.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..=b.len()).rev() {
                row[j] = match &a[i] {
                    Token::Many { colon } => {
                        next[j] || (j < b.len() && absorbs(*colon, &b[j]) && row[j + 1])
                    }
                    Token::One { colon } => {
                        j < b.len()
                            && next[j + 1]
                            && match &b[j] {
                                Token::Char(c) => *colon || *c != ':',
                                Token::One { colon: inner } => *colon || !inner,
                                _ => false,
                            }
                    }
                    t => j < b.len() && &b[j] == t && next[j + 1],
                };
            }
            std::mem::swap(&mut next, &mut row);
        }
        next[0]
    }

    /// One value the pattern matches: each `*` as `filler` (without its colons where the
    /// wildcard cannot take one), each `?` as `x`, each variable as `variable(name)`.
    pub fn instance(&self, filler: &str, variable: &mut dyn FnMut(&str) -> String) -> String {
        let mut out = String::new();
        for t in &self.tokens {
            match t {
                Token::Char(c) => out.push(*c),
                Token::Many { colon: true } => out.push_str(filler),
                Token::Many { colon: false } => out.push_str(&filler.replace(':', "")),
                Token::One { .. } => out.push('x'),
                Token::Variable(v) => out.push_str(&variable(v)),
            }
        }
        out
    }
}

/// Whether a `*` (that may or may not take a colon) absorbs the token.
fn absorbs(colon: bool, t: &Token) -> bool {
    match t {
        Token::Char(c) => colon || *c != ':',
        Token::Many { colon: inner } | Token::One { colon: inner } => colon || !inner,
        // A variable's value may hold anything.
        Token::Variable(_) => colon,
    }
}

/// A policy variable's key, without its default (`aws:username` of `aws:username, 'x'`).
pub fn variable_key(body: &str) -> &str {
    body.split(',').next().unwrap_or(body).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_wildcards_stay_in_their_field() {
        let open = Shape::arn("arn:aws:ec2:*:instance/*", true);
        let full = Shape::arn("arn:aws:ec2:us-east-1:111122223333:instance/*", true);
        assert!(!open.covers(&full));
        let any_region = Shape::arn("arn:aws:ec2:*:111122223333:instance/*", true);
        assert!(any_region.covers(&full));
        assert!(Shape::arn("*", true).covers(&full));
        // The last field's `*` crosses colons.
        let tail = Shape::arn("arn:aws:logs:us-east-1:1:log-group:*", true);
        assert!(tail.covers(&Shape::literal(
            "arn:aws:logs:us-east-1:1:log-group:a:log-stream:b"
        )));
    }

    #[test]
    fn variables_match_only_themselves_or_an_open_wildcard() {
        let own = Shape::arn("arn:aws:s3:::home/${aws:username}/*", true);
        assert!(own.covers(&own.clone()));
        assert!(Shape::arn("arn:aws:s3:::home/*", true).covers(&own));
        assert!(!own.covers(&Shape::arn("arn:aws:s3:::home/*", true)));
        assert!(!own.covers(&Shape::arn("arn:aws:s3:::home/alice/*", true)));
    }

    #[test]
    fn instances_match_their_pattern() {
        let shape = Shape::arn("arn:aws:iam::*:role/a?c*", true);
        let value = shape.instance("zq9:new", &mut |_| "v".into());
        assert_eq!(value, "arn:aws:iam::zq9new:role/axczq9:new");
        assert!(shape.covers(&Shape::literal(&value)));
    }
}
