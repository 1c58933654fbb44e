"""Deterministic generator of CloudFormation templates (YAML and JSON) and Terraform modules
from policies.

Stdlib only. `generate(policies, seed, count)` takes the managed corpus's policy
documents (a sorted list of `(name, document)`) and yields `(relative_path, bytes)`
pairs in a fixed order: the same inputs, seed and count always give byte-identical
output. Each template holds one to four resources, as real templates do: a customer
managed policy carrying a managed policy's document, a role with a trust policy and an
inline policy, a KMS key whose key policy delegates to the account (`!Sub`) and names
the role (`!GetAtt`), a bucket policy with `!Sub` ARNs. Two templates in three are YAML
(short intrinsic forms, block and flow style, comments), one in three JSON with long
forms, indented as CDK writes `cdk.out/*.template.json`. `generate_terraform` makes
Terraform modules from the same policies (see there).
"""

import json
import random
import re

PER_DIR = 1000


class Tag:
    """A YAML short-form intrinsic (`!Sub x`) and its long JSON form."""

    def __init__(self, name, arg):
        self.name, self.arg = name, arg

    def long(self):
        key = "Ref" if self.name == "Ref" else "Fn::" + self.name
        arg = self.arg
        if self.name == "GetAtt":
            arg = self.arg.split(".", 1)
        return {key: to_long(arg)}


def to_long(v):
    if isinstance(v, Tag):
        return v.long()
    if isinstance(v, dict):
        return {k: to_long(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_long(x) for x in v]
    return v


PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_:/.\-${}*]*")
RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "True", "False", "Null", "NULL", "~"}


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if v is None:
        return "null"
    if PLAIN.fullmatch(v) and v not in RESERVED:
        return v
    return "'" + v.replace("'", "''") + "'"


def inline(v):
    """The value on one line, or None when it needs a block."""
    if isinstance(v, Tag):
        if isinstance(v.arg, list):
            return "!%s [%s]" % (v.name, ", ".join(inline(x) or flow(x) for x in v.arg))
        return "!%s %s" % (v.name, scalar(v.arg))
    if isinstance(v, (dict, list)):
        return "{}" if v == {} else "[]" if v == [] else None
    return scalar(v)


def flow(v):
    if isinstance(v, dict):
        return "{" + ", ".join("%s: %s" % (scalar(k), flow(x)) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return inline(v)


def block(v, ind):
    pad = " " * ind
    lines = []
    if isinstance(v, dict):
        for k, x in v.items():
            one = inline(x)
            if one is not None:
                lines.append("%s%s: %s" % (pad, scalar(k), one))
            else:
                lines.append("%s%s:" % (pad, scalar(k)))
                lines.extend(block(x, ind + 2))
    else:
        for x in v:
            one = inline(x)
            if one is not None:
                lines.append("%s- %s" % (pad, one))
            else:
                sub = block(x, ind + 2)
                sub[0] = pad + "- " + sub[0][ind + 2:]
                lines.extend(sub)
    return lines


def yaml(template, rng):
    lines = ["AWSTemplateFormatVersion: '2010-09-09'",
             "Description: generated from AWS managed policies (iamlint bench)"]
    for key, value in template.items():
        if key == "Resources":
            lines.append("Resources:")
            for name, resource in value.items():
                if rng.random() < 0.3:
                    lines.append("  # %s" % name)
                lines.append("  %s:" % name)
                # A trust policy in flow style now and then, as hand-written templates do.
                props = resource.get("Properties", {})
                if "AssumeRolePolicyDocument" in props and rng.random() < 0.5:
                    lines.append("    Type: %s" % resource["Type"])
                    lines.append("    Properties:")
                    for k, x in props.items():
                        if k == "AssumeRolePolicyDocument":
                            lines.append("      %s: %s" % (k, flow(x)))
                        else:
                            one = inline(x)
                            lines.extend(["      %s: %s" % (k, one)] if one is not None
                                         else ["      %s:" % k] + block(x, 8))
                else:
                    lines.extend(block(resource, 4))
    return ("\n".join(lines) + "\n").encode()


def trust(rng):
    service = rng.choice(["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com",
                          "states.amazonaws.com"])
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service},
                           "Action": "sts:AssumeRole"}]}


def key_policy(role):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": Tag("Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Allow use of the key", "Effect": "Allow",
             "Principal": {"AWS": Tag("GetAtt", role + ".Arn")},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                        "kms:DescribeKey"],
             "Resource": "*"},
        ],
    }


def bucket_policy(bucket):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [Tag("GetAtt", bucket + ".Arn"),
                          Tag("Sub", "arn:${AWS::Partition}:s3:::${%s}/*" % bucket)],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ],
    }


def template(policies, rng, i):
    name, document = policies[rng.randrange(len(policies))]
    resources = {"ManagedPolicy": {"Type": "AWS::IAM::ManagedPolicy",
                                   "Properties": {"ManagedPolicyName": "%s-%d" % (name, i),
                                                  "PolicyDocument": document}}}
    if rng.random() < 0.6:
        other, inline_doc = policies[rng.randrange(len(policies))]
        resources["AppRole"] = {"Type": "AWS::IAM::Role",
                                "Properties": {"AssumeRolePolicyDocument": trust(rng),
                                               "ManagedPolicyArns": [Tag("Ref", "ManagedPolicy")],
                                               "Policies": [{"PolicyName": other,
                                                             "PolicyDocument": inline_doc}]}}
        if rng.random() < 0.5:
            resources["AppKey"] = {"Type": "AWS::KMS::Key",
                                   "Properties": {"EnableKeyRotation": True,
                                                  "KeyPolicy": key_policy("AppRole")}}
    if rng.random() < 0.3:
        resources["Bucket"] = {"Type": "AWS::S3::Bucket"}
        resources["BucketPolicy"] = {"Type": "AWS::S3::BucketPolicy",
                                     "Properties": {"Bucket": Tag("Ref", "Bucket"),
                                                    "PolicyDocument": bucket_policy("Bucket")}}
    return {"Resources": resources}


def generate(policies, seed, count):
    rng = random.Random(seed)
    for i in range(count):
        t = template(policies, rng, i)
        folder = "%02d" % (i // PER_DIR)
        if rng.random() < 1 / 3:
            data = json.dumps(to_long(dict({"AWSTemplateFormatVersion": "2010-09-09"}, **t)),
                              indent=1).encode() + b"\n"
            yield "%s/stack-%05d.template.json" % (folder, i), data
        else:
            yield "%s/stack-%05d.yaml" % (folder, i), yaml(t, rng)


# Terraform modules: the same managed policies, as HCL. A module holds an IAM policy written one
# of three ways (an aws_iam_policy_document data source, jsonencode, a heredoc of JSON), and
# often a role whose trust policy is a data source and a KMS key whose key policy is jsonencode.

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def hcl_string(s):
    """A quoted HCL string: JSON escapes, and `${`/`%{` escaped as Terraform requires."""
    return json.dumps(s).replace("${", "$${").replace("%{", "%%{")


def hcl_value(v, ind):
    pad = " " * ind
    if isinstance(v, dict):
        if not v:
            return "{}"
        lines = ["{"]
        for k, x in v.items():
            key = k if IDENT.fullmatch(k) else hcl_string(k)
            lines.append("%s  %s = %s" % (pad, key, hcl_value(x, ind + 2)))
        lines.append(pad + "}")
        return "\n".join(lines)
    if isinstance(v, list):
        return "[" + ", ".join(hcl_value(x, ind) for x in v) + "]"
    if isinstance(v, str):
        return hcl_string(v)
    return scalar(v)  # booleans, numbers and null are spelled alike in YAML and HCL


def as_list(v):
    return v if isinstance(v, list) else [v]


def hcl_statement(st, lines):
    lines.append("  statement {")
    for key, attr in (("Sid", "sid"), ("Effect", "effect")):
        if key in st:
            lines.append("    %s = %s" % (attr, hcl_string(st[key])))
    for key, attr in (("Action", "actions"), ("NotAction", "not_actions"),
                      ("Resource", "resources"), ("NotResource", "not_resources")):
        if key in st:
            lines.append("    %s = %s" % (attr, hcl_value(as_list(st[key]), 4)))
    for key, block_name in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
        principal = st.get(key)
        if principal == "*":
            principal = {"*": ["*"]}
        for kind, ids in (principal or {}).items():
            lines.append("    %s {" % block_name)
            lines.append("      type        = %s" % hcl_string(kind))
            lines.append("      identifiers = %s" % hcl_value(as_list(ids), 6))
            lines.append("    }")
    for test, entries in (st.get("Condition") or {}).items():
        for variable, values in entries.items():
            lines.append("    condition {")
            lines.append("      test     = %s" % hcl_string(test))
            lines.append("      variable = %s" % hcl_string(variable))
            lines.append("      values   = %s" % hcl_value(as_list(values), 6))
            lines.append("    }")
    lines.append("  }")


def terraform_module(policies, rng, i):
    name, document = policies[rng.randrange(len(policies))]
    lines = ["# generated from AWS managed policies (iamlint bench)", ""]
    how = rng.choice(["data", "jsonencode", "heredoc"])
    lines.append('resource "aws_iam_policy" "managed" {')
    lines.append('  name   = "%s-%d"' % (name, i))
    if how == "data":
        lines.append("  policy = data.aws_iam_policy_document.managed.json")
        lines.append("}")
        lines.append("")
        lines.append('data "aws_iam_policy_document" "managed" {')
        for st in as_list(document.get("Statement", [])):
            if isinstance(st, dict):
                hcl_statement(st, lines)
        lines.append("}")
    elif how == "jsonencode":
        lines.append("  policy = jsonencode(%s)" % hcl_value(document, 2))
        lines.append("}")
    else:
        body = json.dumps(document, indent=2).replace("${", "$${").replace("%{", "%%{")
        lines.append("  policy = <<-EOF")
        lines.extend("    " + line for line in body.split("\n"))
        lines.append("  EOF")
        lines.append("}")
    if rng.random() < 0.6:
        service = rng.choice(["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com"])
        lines += ["", 'resource "aws_iam_role" "app" {',
                  '  name               = "app-%d"' % i,
                  "  assume_role_policy = data.aws_iam_policy_document.trust.json",
                  "}", "",
                  'data "aws_iam_policy_document" "trust" {',
                  "  statement {",
                  '    actions = ["sts:AssumeRole"]',
                  "    principals {",
                  '      type        = "Service"',
                  "      identifiers = [%s]" % hcl_string(service),
                  "    }",
                  "  }",
                  "}"]
        if rng.random() < 0.5:
            lines += ["", 'resource "aws_kms_key" "app" {',
                      "  enable_key_rotation = true",
                      "  policy = jsonencode({",
                      '    Version = "2012-10-17"',
                      "    Statement = [",
                      "      {",
                      '        Sid       = "Enable IAM User Permissions"',
                      '        Effect    = "Allow"',
                      '        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::'
                      '${data.aws_caller_identity.current.account_id}:root" }',
                      '        Action    = "kms:*"',
                      '        Resource  = "*"',
                      "      },",
                      "      {",
                      '        Sid       = "Allow use of the key"',
                      '        Effect    = "Allow"',
                      "        Principal = { AWS = aws_iam_role.app.arn }",
                      '        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", '
                      '"kms:GenerateDataKey*", "kms:DescribeKey"]',
                      '        Resource  = "*"',
                      "      },",
                      "    ]",
                      "  })",
                      "}"]
    return ("\n".join(lines) + "\n").encode()


def generate_terraform(policies, seed, count):
    """`count` Terraform modules, `(relative_path, bytes)` in a fixed order, under `tf/`."""
    rng = random.Random(seed)
    for i in range(count):
        yield "tf/%02d/module-%05d.tf" % (i // PER_DIR, i), terraform_module(policies, rng, i)
