//! Turns the vendored action catalog (`rules/catalog/catalog.jsonl`) into static Rust
//! tables of the `catalog::model` types, so that the binary uses its services without
//! parsing them: a run over many files touches nearly every service, and reading 3 MB of
//! JSON into vectors was a tenth of its time.
//!
//! The tables hold what the run-time loader would build from the same lines (actions
//! sorted ignoring case, the positions of template keys); a unit test of `catalog` holds
//! the two equal. A file the loader would reject fails the build instead, naming the line.

use std::fmt::Write as _;

/// A JSON value as the catalog writes them: no escapes, numbers only in the header.
enum Value<'a> {
    Str(&'a str),
    Num(usize),
    Bool(bool),
    List(Vec<Value<'a>>),
    Object(Vec<(&'a str, Value<'a>)>),
}

impl<'a> Value<'a> {
    fn field(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(fields) => fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str_field(&self, key: &str) -> Result<&'a str, String> {
        match self.field(key) {
            Some(Value::Str(s)) => Ok(s),
            _ => Err(format!("`{key}` must be a string")),
        }
    }

    fn num_field(&self, key: &str) -> Result<usize, String> {
        match self.field(key) {
            Some(Value::Num(n)) => Ok(*n),
            _ => Err(format!("`{key}` must be a number")),
        }
    }

    /// A list, empty when the key is left out (as the converter does for empty lists).
    fn list_field(&self, key: &str) -> Result<&[Value<'a>], String> {
        match self.field(key) {
            Some(Value::List(items)) => Ok(items),
            None => Ok(&[]),
            _ => Err(format!("`{key}` must be a list")),
        }
    }
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn skip_space(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let found = self.text.as_bytes().get(self.at) == Some(&byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn error<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at column {}", self.at + 1))
    }

    fn value(&mut self) -> Result<Value<'a>, String> {
        self.skip_space();
        let rest = &self.text[self.at..];
        if self.eat(b'"') {
            let len = match self.text[self.at..].find('"') {
                Some(len) => len,
                None => return self.error("unterminated string"),
            };
            let s = &self.text[self.at..self.at + len];
            if s.contains('\\') || s.chars().any(char::is_control) {
                return self.error("catalog strings cannot contain escapes");
            }
            self.at += len + 1;
            Ok(Value::Str(s))
        } else if self.eat(b'[') {
            let mut items = Vec::new();
            if !self.eat(b']') {
                loop {
                    items.push(self.value()?);
                    if self.eat(b']') {
                        break;
                    }
                    if !self.eat(b',') {
                        return self.error("expected `,` or `]`");
                    }
                }
            }
            Ok(Value::List(items))
        } else if self.eat(b'{') {
            let mut fields = Vec::new();
            if !self.eat(b'}') {
                loop {
                    let Value::Str(key) = self.value()? else {
                        return self.error("expected a key");
                    };
                    if !self.eat(b':') {
                        return self.error("expected `:`");
                    }
                    fields.push((key, self.value()?));
                    if self.eat(b'}') {
                        break;
                    }
                    if !self.eat(b',') {
                        return self.error("expected `,` or `}`");
                    }
                }
            }
            Ok(Value::Object(fields))
        } else if let Some(rest) = rest.strip_prefix("true") {
            self.at = self.text.len() - rest.len();
            Ok(Value::Bool(true))
        } else if let Some(rest) = rest.strip_prefix("false") {
            self.at = self.text.len() - rest.len();
            Ok(Value::Bool(false))
        } else {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            match rest[..digits].parse() {
                Ok(n) => {
                    self.at += digits;
                    Ok(Value::Num(n))
                }
                Err(_) => self.error("unexpected value"),
            }
        }
    }
}

fn parse_line(text: &str) -> Result<Value<'_>, String> {
    let mut reader = Reader { text, at: 0 };
    let value = reader.value()?;
    reader.skip_space();
    if reader.at != text.len() {
        return reader.error("text after the value");
    }
    Ok(value)
}

/// `model::AccessLevel`'s variant for the catalog's spelling.
fn access_level(name: &str) -> Option<&'static str> {
    Some(match name {
        "List" => "List",
        "Read" => "Read",
        "Write" => "Write",
        "Permissions management" => "PermissionsManagement",
        "Tagging" => "Tagging",
        _ => return None,
    })
}

/// `model::ConditionType`'s variant for the catalog's spelling.
fn condition_type(name: &str) -> Option<&'static str> {
    Some(match name {
        "String" => "String",
        "ARN" => "Arn",
        "Numeric" => "Numeric",
        "Date" => "Date",
        "Bool" => "Bool",
        "IPAddress" => "IpAddress",
        "Binary" => "Binary",
        "ArrayOfString" => "ArrayOfString",
        "ArrayOfARN" => "ArrayOfArn",
        "ArrayOfNumeric" => "ArrayOfNumeric",
        "ArrayOfDate" => "ArrayOfDate",
        "ArrayOfBool" => "ArrayOfBool",
        "ArrayOfIPAddress" => "ArrayOfIpAddress",
        "ArrayOfBinary" => "ArrayOfBinary",
        _ => return None,
    })
}

/// `pattern::cmp_ignore_case`, the order the loader sorts actions in.
fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(b.bytes().map(|b| b.to_ascii_lowercase()))
}

/// `["a","b"]` as a borrowed slice.
fn strings(items: &[Value]) -> Result<String, String> {
    let mut out = String::from("B(&[");
    for item in items {
        match item {
            Value::Str(s) => write!(out, "{s:?},").unwrap(),
            _ => return Err("a list of names must hold strings".into()),
        }
    }
    out.push_str("])");
    Ok(out)
}

fn service(line: &Value, out: &mut String) -> Result<(String, usize), String> {
    let prefix = line.str_field("prefix")?;
    let plain = !prefix.is_empty()
        && prefix
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase());
    if !plain {
        return Err(format!(
            "prefix `{prefix}` is not as `iamlint catalog build` writes it"
        ));
    }
    let mut actions: Vec<&Value> = line.list_field("actions")?.iter().collect();
    let mut names = Vec::with_capacity(actions.len());
    for action in &actions {
        names.push(action.str_field("name")?);
    }
    // The loader's stable sort, so that positions agree with a `--catalog` file's.
    let mut order: Vec<usize> = (0..actions.len()).collect();
    order.sort_by(|&a, &b| cmp_ignore_case(names[a], names[b]));
    actions = order.iter().map(|&i| actions[i]).collect();

    write!(
        out,
        "Service{{prefix:{prefix:?},name:{:?},actions:B(&[",
        line.str_field("name")?
    )
    .unwrap();
    for action in &actions {
        let name = action.str_field("name")?;
        let access = action.str_field("access")?;
        let level = access_level(access)
            .ok_or_else(|| format!("{prefix}:{name}: unknown access level `{access}`"))?;
        write!(
            out,
            "\nAction{{name:{name:?},access_level:L::{level},resource_types:B(&["
        )
        .unwrap();
        for resource in action.list_field("resource_types")? {
            let required = match resource.field("required") {
                Some(Value::Bool(required)) => required,
                _ => return Err(format!("{prefix}:{name}: `required` must be true or false")),
            };
            write!(
                out,
                "ActionResource{{name:{:?},required:{required}}},",
                resource.str_field("name")?
            )
            .unwrap();
        }
        write!(
            out,
            "]),condition_keys:{}}},",
            strings(action.list_field("condition_keys")?)?
        )
        .unwrap();
    }
    out.push_str("]),\nresource_types:B(&[");
    for resource in line.list_field("resource_types")? {
        write!(
            out,
            "\nResourceType{{name:{:?},arns:{},condition_keys:{}}},",
            resource.str_field("name")?,
            strings(resource.list_field("arns")?)?,
            strings(resource.list_field("condition_keys")?)?
        )
        .unwrap();
    }
    out.push_str("]),\ncondition_keys:B(&[");
    let mut template_keys = Vec::new();
    for (i, key) in line.list_field("condition_keys")?.iter().enumerate() {
        let name = key.str_field("name")?;
        let kind = key.str_field("type")?;
        let kind = condition_type(kind)
            .ok_or_else(|| format!("{prefix}: condition key {name} has unknown type `{kind}`"))?;
        write!(out, "\nConditionKey{{name:{name:?},kind:T::{kind}}},").unwrap();
        // As `Service::index_template_keys` picks them.
        if name.bytes().any(|b| b == b'$' || b == b'<') {
            template_keys.push(i.to_string());
        }
    }
    writeln!(
        out,
        "]),\ntemplate_keys:B(&[{}])}},",
        template_keys.join(",")
    )
    .unwrap();
    Ok((prefix.to_string(), actions.len()))
}

/// The Rust source of the tables (`src/catalog/tables.rs` includes it), or what is wrong
/// with the catalog, naming its line.
pub fn tables(text: &str) -> Result<String, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty());
    let (_, header) = lines.next().ok_or("empty catalog file")?;
    let header = parse_line(header).map_err(|e| format!("line 1: {e}"))?;
    let (source, version) = (header.str_field("source")?, header.str_field("version")?);
    let (services, actions) = (header.num_field("services")?, header.num_field("actions")?);

    let mut body = String::with_capacity(text.len() * 5 / 4);
    let mut last: Option<String> = None;
    let (mut service_count, mut action_count) = (0, 0);
    for (i, line) in lines {
        let in_line = |e: String| format!("line {}: {e}", i + 1);
        let value = parse_line(line).map_err(in_line)?;
        let (prefix, count) = service(&value, &mut body).map_err(in_line)?;
        if last.as_ref().is_some_and(|last| *last >= prefix) {
            return Err(in_line(format!(
                "service `{prefix}` is out of order or repeated"
            )));
        }
        last = Some(prefix);
        service_count += 1;
        action_count += count;
    }
    if (service_count, action_count) != (services, actions) {
        return Err(format!(
            "the header announces {services} services and {actions} actions, \
             the file has {service_count} and {action_count}"
        ));
    }
    Ok(format!(
        "pub(super) const SOURCE: &str = {source:?};\n\
         pub(super) const VERSION: &str = {version:?};\n\
         pub(super) const ACTIONS: usize = {actions};\n\
         pub(super) static SERVICES: [Service; {services}] = [\n{body}];\n"
    ))
}
