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
    // The first five colons end the first five fields; the resource keeps any others.
    let Some(ends) = crate::bytes::arn_field_ends(text.as_bytes()) else {
        return Err(
            "an ARN has six colon-separated parts: arn:partition:service:region:account-id:resource",
        );
    };
    let field = |start: usize, end: usize| Field {
        text: &text[start..end],
        range: (start, end),
    };
    Ok(Arn {
        partition: field(ends[0] + 1, ends[1]),
        service: field(ends[1] + 1, ends[2]),
        region: field(ends[2] + 1, ends[3]),
        account: field(ends[3] + 1, ends[4]),
        resource: field(ends[4] + 1, text.len()),
    })
}

/// A Region code: two to four letters, words, and a number (`us-east-1`, `us-gov-west-1`,
/// `eusc-de-east-1`): `[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}`. One walk over the bytes, as P015
/// asks it of every ARN's Region.
pub fn is_region(value: &str) -> bool {
    let bytes = value.as_bytes();
    let letters_from = |start: usize| {
        start
            + bytes[start.min(bytes.len())..]
                .iter()
                .take_while(|b| b.is_ascii_lowercase())
                .count()
    };
    let first = letters_from(0);
    if !(2..=4).contains(&first) || bytes.get(first) != Some(&b'-') {
        return false;
    }
    // Each word is letters then a `-`; the number is what follows the last one. Words and
    // the number share no byte, so taking words greedily cannot take the number's place.
    let (mut dash, mut words) = (first, 0);
    loop {
        let end = letters_from(dash + 1);
        if end == dash + 1 || bytes.get(end) != Some(&b'-') {
            break;
        }
        (dash, words) = (end, words + 1);
    }
    let number = &bytes[dash + 1..];
    words >= 1 && (1..=2).contains(&number.len()) && number.iter().all(u8::is_ascii_digit)
}

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// CloudFront's legacy origin access identities are named by a pseudo-account:
/// `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE`.
pub fn is_cloudfront_origin_access_identity(arn: &Arn) -> bool {
    arn.service.text == "iam"
        && arn.account.text == "cloudfront"
        && arn
            .resource
            .text
            .starts_with("user/CloudFront Origin Access Identity ")
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn colons_inside_template_values_do_not_split_fields() {
        let arn = split("arn:${AWS::Partition}:iam::${AWS::AccountId}:root").unwrap();
        assert_eq!(arn.partition.text, "${AWS::Partition}");
        assert_eq!(arn.service.text, "iam");
        assert_eq!(arn.account.text, "${AWS::AccountId}");
        assert_eq!(arn.resource.text, "root");
        let arn = split("arn:aws:s3:::b/${aws:username}/x:y").unwrap();
        assert_eq!(arn.resource.text, "b/${aws:username}/x:y");
        assert!(split("arn:${AWS::Partition}:iam").is_err());
    }

    /// Where the fields end, found as before the one-walk split: every colon, less those
    /// inside the parts `template::ranges` finds.
    fn reference_ends(text: &str) -> Option<Vec<usize>> {
        let parts: Vec<_> = crate::policy::template::ranges(text).collect();
        let ends: Vec<usize> = text
            .match_indices(':')
            .map(|(at, _)| at)
            .filter(|at| !parts.iter().any(|p| p.contains(at)))
            .take(5)
            .collect();
        (text.starts_with("arn:") && ends.len() == 5).then_some(ends)
    }

    /// Every string made of up to `most` of `pieces`, the empty one included.
    fn joined_pieces(pieces: &[&str], most: usize) -> Vec<String> {
        let mut texts = vec![String::new()];
        for _ in 0..most {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            texts.extend(longer);
        }
        texts
    }

    #[test]
    fn fields_end_where_the_template_parts_say() {
        let pieces = [
            "arn:", ":", "aws", "${", "}", "%{", "$", "%", "{", "a:b", "s3", "x", "::",
        ];
        // Every string of up to four pieces: parts opened, closed, unclosed, nested.
        let texts = joined_pieces(&pieces, 4);
        let mut arns = 0;
        for body in &texts {
            let text = format!("arn:{body}");
            let ends = split(&text).ok().map(|a| {
                vec![
                    a.partition.range.0 - 1,
                    a.service.range.0 - 1,
                    a.region.range.0 - 1,
                    a.account.range.0 - 1,
                    a.resource.range.0 - 1,
                ]
            });
            assert_eq!(ends, reference_ends(&text), "{text}");
            arns += usize::from(ends.is_some());
        }
        assert!(arns > 1000, "{arns} of {} split", texts.len());
    }

    #[test]
    fn many_template_values_stay_linear() {
        let many = format!("arn:{}", "${a:b::c}".repeat(1 << 17));
        assert!(split(&many).is_err(), "every colon is inside a value");
        // Each one a namespace and a key, looked up in the catalog.
        let many = format!("arn:{}", "${s3:k}${x:y}".repeat(1 << 16));
        assert!(split(&many).is_err());
    }

    /// [`super::is_region`] as it read before the byte walk: the parts between dashes.
    fn is_region_by_parts(value: &str) -> bool {
        let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
        let parts: Vec<&str> = value.split('-').collect();
        let (first, last) = (parts[0], parts[parts.len() - 1]);
        (2..=4).contains(&first.len())
            && letters(first)
            && parts.len() >= 3
            && parts[1..parts.len() - 1].iter().all(|p| letters(p))
            && (1..=2).contains(&last.len())
            && last.bytes().all(|b| b.is_ascii_digit())
    }

    #[test]
    fn region_walk_agrees_with_the_parts() {
        for region in [
            "us-east-1",
            "us-gov-west-1",
            "eusc-de-east-1",
            "ap-southeast-22",
        ] {
            assert!(super::is_region(region), "{region}");
        }
        for other in [
            "",
            "us",
            "us-1",
            "us-east-",
            "us-east-123",
            "u-east-1",
            "us-East-1",
        ] {
            assert!(!super::is_region(other), "{other}");
        }
        // Every string of up to six pieces.
        let pieces = ["us", "eusc", "a", "abcde", "-", "1", "12", "x1", "É"];
        let texts = joined_pieces(&pieces, 6);
        let mut regions = 0;
        for text in &texts {
            assert_eq!(super::is_region(text), is_region_by_parts(text), "{text}");
            regions += usize::from(is_region_by_parts(text));
        }
        assert!(regions > 100, "{regions}");
    }
}
