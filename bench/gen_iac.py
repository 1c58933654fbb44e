"""Deterministic generator of CloudFormation templates (YAML and JSON) from policies.

Stdlib only. `generate(policies, seed, count)` takes the managed corpus's policy
documents (a sorted list of `(name, document)`) and yields `(relative_path, bytes)`
pairs in a fixed order: the same inputs, seed and count always give byte-identical
output. Each template holds one to four resources, as real templates do: a customer
managed policy carrying a managed policy's document, a role with a trust policy and an
inline policy, a KMS key whose key policy delegates to the account (`!Sub`) and names
the role (`!GetAtt`), a bucket policy with `!Sub` ARNs. Two templates in three are YAML
(short intrinsic forms, block and flow style, comments), one in three JSON with long
forms, indented as CDK writes `cdk.out/*.template.json`.
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
