//! ARN structure: `arn:partition:service:region:account-id:resource`.

pub const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// The fields of an ARN with their byte ranges inside the ARN string.
#[derive(Clone, Debug)]
pub struct Arn<'a> {
    pub partition: Field<'a>,
    pub service: Field<'a>,
    pub region: Field<'a>,
    pub account: Field<'a>,
    pub resource: Field<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    pub text: &'a str,
    pub range: (usize, usize),
}

/// Splits an ARN into its fields, or says why it cannot.
pub fn split(text: &str) -> Result<Arn<'_>, &'static str> {
    if !text.starts_with("arn:") {
        return Err("an ARN starts with `arn:`");
    }
    let mut fields = Vec::with_capacity(6);
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == ':' && fields.len() < 5 {
            fields.push(Field {
                text: &text[start..i],
                range: (start, i),
            });
            start = i + 1;
        }
    }
    if fields.len() < 5 {
        return Err("an ARN has six colon-separated parts: arn:partition:service:region:account-id:resource");
    }
    fields.push(Field {
        text: &text[start..],
        range: (start, text.len()),
    });
    Ok(Arn {
        partition: fields[1],
        service: fields[2],
        region: fields[3],
        account: fields[4],
        resource: fields[5],
    })
}

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}
