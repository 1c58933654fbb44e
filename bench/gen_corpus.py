"""Deterministic generator of realistic IAM / KMS / trust / S3 bucket policies.

Stdlib only. `generate(seed, count)` yields `(relative_path, bytes)` pairs in a
fixed order; the same seed and count always give byte-identical output (only
`random.Random(seed)` methods whose algorithms are stable across CPython 3.x
releases are used: random(), randrange()/randint()/choice() via _randbelow,
getrandbits()). Files are spread over sub-directories of 1,000 files each
(`00/`, `01/`, ...) so that the first 1,000 files are one directory.
"""

import json
import random

PER_DIR = 1000

REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1",
           "ap-southeast-2", "ap-northeast-1", "sa-east-1", "ca-central-1"]

# service -> actions (real names); a few get typos later.
ACTIONS = {
    "s3": ["GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketLocation",
           "GetObjectVersion", "PutObjectAcl", "GetBucketPolicy", "PutBucketPolicy",
           "ListAllMyBuckets", "AbortMultipartUpload", "GetObjectTagging",
           "PutBucketPublicAccessBlock", "GetEncryptionConfiguration"],
    "kms": ["Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "DescribeKey", "CreateGrant", "ListGrants",
            "RevokeGrant", "ListAliases", "ListKeys", "GetKeyPolicy", "PutKeyPolicy",
            "ScheduleKeyDeletion", "CancelKeyDeletion", "EnableKeyRotation"],
    "ec2": ["DescribeInstances", "RunInstances", "TerminateInstances", "StartInstances",
            "StopInstances", "CreateTags", "DescribeSecurityGroups",
            "AuthorizeSecurityGroupIngress", "DescribeVpcs", "CreateSnapshot",
            "DescribeSubnets", "AttachVolume"],
    "iam": ["PassRole", "GetRole", "CreateRole", "AttachRolePolicy", "PutRolePolicy",
            "ListRoles", "CreateAccessKey", "GetUser", "ListAttachedRolePolicies",
            "CreateServiceLinkedRole", "UpdateAssumeRolePolicy"],
    "dynamodb": ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
                 "BatchGetItem", "BatchWriteItem", "DescribeTable", "ConditionCheckItem"],
    "lambda": ["InvokeFunction", "GetFunction", "UpdateFunctionCode", "CreateFunction",
               "ListFunctions", "AddPermission", "GetFunctionConfiguration"],
    "sqs": ["SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes",
            "GetQueueUrl", "ChangeMessageVisibility"],
    "sns": ["Publish", "Subscribe", "CreateTopic", "ListTopics", "GetTopicAttributes"],
    "logs": ["CreateLogGroup", "CreateLogStream", "PutLogEvents", "DescribeLogGroups",
             "FilterLogEvents", "GetLogEvents"],
    "secretsmanager": ["GetSecretValue", "DescribeSecret", "PutSecretValue",
                       "ListSecrets", "RotateSecret"],
    "ssm": ["GetParameter", "GetParameters", "GetParametersByPath", "PutParameter",
            "SendCommand", "StartSession"],
    "sts": ["AssumeRole", "GetCallerIdentity", "TagSession"],
    "cloudwatch": ["PutMetricData", "GetMetricData", "ListMetrics", "PutMetricAlarm"],
    "ecr": ["GetAuthorizationToken", "BatchGetImage", "GetDownloadUrlForLayer",
            "PutImage", "InitiateLayerUpload"],
}
PREFIX_WILDCARDS = ["Get*", "List*", "Describe*", "Put*", "Create*", "Delete*", "Update*"]

SERVICE_PRINCIPALS = ["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com",
                      "states.amazonaws.com", "events.amazonaws.com", "glue.amazonaws.com",
                      "codebuild.amazonaws.com", "sagemaker.amazonaws.com",
                      "firehose.amazonaws.com", "apigateway.amazonaws.com"]

KMS_ADMIN_ACTIONS = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
                     "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
                     "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
                     "kms:CancelKeyDeletion"]
KMS_USER_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                    "kms:DescribeKey"]

WORDS = ["data", "logs", "app", "prod", "staging", "dev", "analytics", "backup", "media",
         "reports", "billing", "payments", "ingest", "archive", "web", "ml", "etl", "audit"]
ROLE_NAMES = ["Admin", "KeyAdmin", "Developer", "ReadOnly", "DeployRole", "CIRole",
              "LambdaExecution", "BackupOperator", "DataScientist", "SecurityAudit",
              "OrganizationAccountAccessRole", "TerraformRole"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        r = self.r
        self.accounts = ["%012d" % r.randrange(10**11, 10**12) for _ in range(40)]
        self.orgs = ["o-" + self.token(10, "abcdefghijklmnopqrstuvwxyz0123456789")
                     for _ in range(5)]

    # -- small helpers -------------------------------------------------
    def token(self, n, alphabet="abcdefghijklmnopqrstuvwxyz0123456789"):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def chance(self, p):
        return self.r.random() < p

    def uuid(self):
        h = "%032x" % self.r.getrandbits(128)
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    def account(self):
        x = self.r.random()
        if x < 0.04:
            return "ACCOUNT-ID"
        if x < 0.06:
            return "<ACCOUNT_ID>"
        if x < 0.08:
            return "111122223333"
        return self.r.choice(self.accounts)

    def region(self):
        return self.r.choice(REGIONS)

    def bucket(self):
        return "%s-%s-%s" % (self.r.choice(WORDS), self.r.choice(WORDS), self.token(6))

    def key_arn(self):
        key = "<KEY_ID>" if self.chance(0.05) else self.uuid()
        return "arn:aws:kms:%s:%s:key/%s" % (self.region(), self.account(), key)

    def role_arn(self):
        path = "" if self.chance(0.8) else "service-role/"
        return "arn:aws:iam::%s:role/%s%s" % (self.account(), path, self.r.choice(ROLE_NAMES))

    def typo(self, action):
        svc, name = action.split(":", 1)
        r = self.r
        i = r.randrange(1, len(name) - 1)
        kind = r.randrange(4)
        if kind == 0:
            name = name[:i] + name[i + 1:]  # drop
        elif kind == 1:
            name = name[:i] + name[i + 1] + name[i] + name[i + 2:]  # swap
        elif kind == 2:
            name = name[:i] + name[i] + name[i:]  # double
        else:
            name = name.lower()  # case (valid per AWS, but unusual)
        return svc + ":" + name

    def action(self, svc=None):
        r = self.r
        svc = svc or r.choice(list(ACTIONS))
        x = r.random()
        if x < 0.04:
            return svc + ":*"
        if x < 0.12:
            return svc + ":" + r.choice(PREFIX_WILDCARDS)
        a = svc + ":" + r.choice(ACTIONS[svc])
        if self.chance(0.015):
            a = self.typo(a)
        return a

    def resource(self, svc):
        r = self.r
        if self.chance(0.2):
            return "*"
        acct, reg = self.account(), self.region()
        if svc == "s3":
            b = self.bucket()
            return r.choice(["arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b,
                             "arn:aws:s3:::%s/%s/*" % (b, r.choice(WORDS))])
        if svc == "kms":
            return self.key_arn()
        if svc == "dynamodb":
            t = "arn:aws:dynamodb:%s:%s:table/%s" % (reg, acct, r.choice(WORDS).title())
            return t + ("/index/*" if self.chance(0.2) else "")
        if svc == "lambda":
            return "arn:aws:lambda:%s:%s:function:%s-%s" % (reg, acct, r.choice(WORDS),
                                                            r.choice(WORDS))
        if svc == "sqs":
            return "arn:aws:sqs:%s:%s:%s-queue" % (reg, acct, r.choice(WORDS))
        if svc == "sns":
            return "arn:aws:sns:%s:%s:%s-topic" % (reg, acct, r.choice(WORDS))
        if svc == "logs":
            return "arn:aws:logs:%s:%s:log-group:/aws/lambda/%s:*" % (reg, acct, r.choice(WORDS))
        if svc == "secretsmanager":
            return "arn:aws:secretsmanager:%s:%s:secret:%s/%s-%s" % (
                reg, acct, r.choice(WORDS), r.choice(WORDS), self.token(6, "abcdefABCDEF0123456789"))
        if svc == "ssm":
            return "arn:aws:ssm:%s:%s:parameter/%s/*" % (reg, acct, r.choice(WORDS))
        if svc == "iam":
            return self.role_arn()
        if svc == "ec2":
            return "arn:aws:ec2:%s:%s:instance/i-%s" % (reg, acct, self.token(17, "0123456789abcdef"))
        if svc == "ecr":
            return "arn:aws:ecr:%s:%s:repository/%s" % (reg, acct, r.choice(WORDS))
        return "*"

    def one_or_list(self, items):
        if len(items) == 1 and self.chance(0.6):
            return items[0]
        return items

    def condition(self, svc=None):
        r = self.r
        options = [
            lambda: {"StringEquals": {"aws:PrincipalOrgID": r.choice(self.orgs)}},
            lambda: {"StringEquals": {"kms:ViaService": "%s.%s.amazonaws.com" % (
                r.choice(["s3", "secretsmanager", "rds", "ebs", "dynamodb"]), self.region())}},
            lambda: {"IpAddress": {"aws:SourceIp": ["%d.%d.%d.0/24" % (
                r.randint(1, 223), r.randint(0, 255), r.randint(0, 255))
                for _ in range(r.randint(1, 3))]}},
            lambda: {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            lambda: {"Bool": {"aws:SecureTransport": r.choice(["true", "false"])}},
            lambda: {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            lambda: {"StringEquals": {"aws:SourceAccount": self.account()}},
            lambda: {"ArnLike": {"aws:SourceArn": "arn:aws:*:%s:%s:*" % (self.region(), self.account())}},
            lambda: {"StringLike": {"s3:prefix": ["home/${aws:username}/*", ""]}},
            lambda: {"StringEquals": {"aws:RequestedRegion": [self.region(), self.region()]}},
            lambda: {"StringEquals": {"aws:ResourceTag/Environment": r.choice(WORDS[:6])}},
            lambda: {"DateLessThan": {"aws:CurrentTime": "20%02d-12-31T23:59:59Z" % r.randint(20, 30)}},
            lambda: {"Null": {"aws:TokenIssueTime": "true"}},
            lambda: {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["%s/r-%s/ou-*" % (
                r.choice(self.orgs), self.token(4))]}},
            lambda: {"StringEquals": {"kms:CallerAccount": self.account()}},
            lambda: {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
            lambda: {"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": r.choice(WORDS)}},
        ]
        cond = {}
        for _ in range(r.randint(1, 2)):
            for op, kv in r.choice(options)().items():
                cond.setdefault(op, {}).update(kv)
        return cond

    def stmt(self, effect, principal, actions, resources, cond=None, sid=None, not_action=False):
        s = {}
        if sid is not None:
            s["Sid"] = sid
        s["Effect"] = effect
        if principal is not None:
            s["Principal"] = principal
        s["NotAction" if not_action else "Action"] = self.one_or_list(actions)
        if resources is not None:
            s["Resource"] = self.one_or_list(resources)
        if cond:
            s["Condition"] = cond
        return s

    def sid(self, i, base="Stmt"):
        x = self.r.random()
        if x < 0.3:
            return None
        if x < 0.6:
            return "%s%d" % (base, i)
        return "%s%s" % (base, self.token(8, "0123456789"))

    def nstatements(self, mean):
        # 1..50, most small, a long tail of big ones, and a few at the cap.
        if self.chance(0.02):
            return self.r.randint(30, 50)
        return min(50, 1 + int(self.r.expovariate(1.0 / mean)))

    def version(self):
        x = self.r.random()
        if x < 0.03:
            return "2008-10-17"
        return "2012-10-17"

    # -- document kinds --------------------------------------------------
    def identity(self):
        r = self.r
        n = self.nstatements(5)
        stmts = []
        if self.chance(0.03):
            stmts.append(self.stmt("Allow", None, ["*"], ["*"]))
        while len(stmts) < n:
            svc = r.choice(list(ACTIONS))
            acts = [self.action(svc) for _ in range(r.randint(1, 12))]
            acts = list(dict.fromkeys(acts))
            if self.chance(0.1):  # cross-service statement
                acts.append(self.action())
            res = [self.resource(svc) for _ in range(r.randint(1, 4))]
            res = list(dict.fromkeys(res))
            effect = "Deny" if self.chance(0.08) else "Allow"
            cond = self.condition(svc) if self.chance(0.25) else None
            stmts.append(self.stmt(effect, None, acts, res, cond, self.sid(len(stmts)),
                                   not_action=effect == "Deny" and self.chance(0.3)))
        doc = {"Version": self.version(), "Statement": stmts}
        if len(stmts) == 1 and self.chance(0.3):
            doc["Statement"] = stmts[0]
        return doc

    def kms_key(self):
        r = self.r
        acct = self.account()
        stmts = [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::%s:root" % acct},
            "Action": "kms:*",
            "Resource": "*",
        }]
        n = self.nstatements(4)
        if len(stmts) < n:
            admins = ["arn:aws:iam::%s:role/%s" % (acct, r.choice(ROLE_NAMES))
                      for _ in range(r.randint(1, 3))]
            stmts.append(self.stmt("Allow", {"AWS": self.one_or_list(admins)},
                                   KMS_ADMIN_ACTIONS, ["*"], sid="Allow access for Key Administrators"))
        if len(stmts) < n:
            users = [self.role_arn() for _ in range(r.randint(1, 4))]
            cond = self.condition() if self.chance(0.35) else None
            stmts.append(self.stmt("Allow", {"AWS": self.one_or_list(users)}, KMS_USER_ACTIONS,
                                   ["*"], cond, sid="Allow use of the key"))
        if len(stmts) < n:
            stmts.append(self.stmt("Allow", {"AWS": stmts[-1]["Principal"]["AWS"]},
                                   ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], ["*"],
                                   {"Bool": {"kms:GrantIsForAWSResource": "true"}},
                                   sid="Allow attachment of persistent resources"))
        while len(stmts) < n:
            x = r.random()
            if x < 0.3:
                reg = self.region()
                stmts.append(self.stmt("Allow", {"Service": "logs.%s.amazonaws.com" % reg},
                                       ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*",
                                        "kms:GenerateDataKey*", "kms:Describe*"], ["*"],
                                       {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                                    "arn:aws:logs:%s:%s:log-group:*" % (reg, acct)}},
                                       sid=self.sid(len(stmts), "AllowCloudWatchLogs")))
            elif x < 0.5:
                stmts.append(self.stmt("Allow", {"AWS": "*"}, KMS_USER_ACTIONS, ["*"],
                                       self.condition() if self.chance(0.8) else None,
                                       sid=self.sid(len(stmts), "AllowOrg")))
            elif x < 0.65:
                stmts.append(self.stmt("Deny", {"AWS": "*"}, ["kms:ScheduleKeyDeletion",
                                                               "kms:PutKeyPolicy"], ["*"],
                                       {"StringNotEquals": {"aws:PrincipalArn": self.role_arn()}},
                                       sid=self.sid(len(stmts), "DenyDangerous")))
            else:
                acts = list(dict.fromkeys(self.action("kms") for _ in range(r.randint(1, 6))))
                stmts.append(self.stmt("Allow", {"AWS": self.role_arn()}, acts,
                                       ["*"] if self.chance(0.8) else [self.key_arn()],
                                       self.condition() if self.chance(0.4) else None,
                                       sid=self.sid(len(stmts), "KeyUser")))
        return {"Version": "2012-10-17", "Id": r.choice(["key-default-1", "key-consolepolicy-3",
                                                           "key-policy-%s" % self.token(4)]),
                "Statement": stmts}

    def trust(self):
        r = self.r
        stmts = []
        n = 1 if self.chance(0.7) else self.nstatements(2)
        while len(stmts) < n:
            x = r.random()
            if x < 0.35:
                svcs = [r.choice(SERVICE_PRINCIPALS) for _ in range(r.randint(1, 2))]
                cond = ({"StringEquals": {"aws:SourceAccount": self.account()}}
                        if self.chance(0.3) else None)
                stmts.append(self.stmt("Allow", {"Service": self.one_or_list(list(dict.fromkeys(svcs)))},
                                       ["sts:AssumeRole"], None, cond))
            elif x < 0.6:
                p = ("arn:aws:iam::%s:root" % self.account()) if self.chance(0.6) else self.role_arn()
                if self.chance(0.05):
                    p = "*"
                cond = ({"StringEquals": {"sts:ExternalId": self.token(16)}}
                        if self.chance(0.4) else None)
                acts = ["sts:AssumeRole"] + (["sts:TagSession"] if self.chance(0.3) else [])
                stmts.append(self.stmt("Allow", {"AWS": p}, acts, None, cond))
            elif x < 0.9:
                acct = self.account()
                cond = {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
                y = r.random()
                org, repo = r.choice(WORDS) + "-org", r.choice(WORDS)
                if y < 0.45:
                    cond["StringLike"] = {"token.actions.githubusercontent.com:sub":
                                          "repo:%s/%s:*" % (org, repo)}
                elif y < 0.7:
                    cond["StringEquals"]["token.actions.githubusercontent.com:sub"] = \
                        "repo:%s/%s:ref:refs/heads/main" % (org, repo)
                elif y < 0.8:
                    cond["StringLike"] = {"token.actions.githubusercontent.com:sub": "repo:%s/*" % org}
                # else: no sub condition at all (any repository on GitHub can assume)
                stmts.append(self.stmt("Allow", {"Federated": "arn:aws:iam::%s:oidc-provider/"
                                                 "token.actions.githubusercontent.com" % acct},
                                       ["sts:AssumeRoleWithWebIdentity"], None, cond))
            else:
                stmts.append(self.stmt("Allow", {"Federated": "arn:aws:iam::%s:saml-provider/%s"
                                                 % (self.account(), r.choice(["Okta", "AzureAD", "ADFS"]))},
                                       ["sts:AssumeRoleWithSAML"], None,
                                       {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}))
        return {"Version": "2012-10-17", "Statement": stmts}

    def s3_bucket(self):
        r = self.r
        b = self.bucket()
        barn, oarn = "arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b
        stmts = []
        n = self.nstatements(3)
        while len(stmts) < n:
            x = r.random()
            if x < 0.25:
                stmts.append(self.stmt("Deny", "*", ["s3:*"], [barn, oarn],
                                       {"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport"))
            elif x < 0.4:
                stmts.append(self.stmt("Allow", {"Service": "cloudfront.amazonaws.com"}, ["s3:GetObject"],
                                       [oarn], {"StringEquals": {"AWS:SourceArn":
                                                "arn:aws:cloudfront::%s:distribution/E%s" % (
                                                    self.account(), self.token(13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))}},
                                       sid="AllowCloudFrontServicePrincipal"))
            elif x < 0.55:
                acts = list(dict.fromkeys(self.action("s3") for _ in range(r.randint(1, 6))))
                stmts.append(self.stmt("Allow", {"AWS": [self.role_arn() for _ in range(r.randint(1, 3))]},
                                       acts, [barn, oarn], self.condition() if self.chance(0.3) else None,
                                       sid=self.sid(len(stmts), "CrossAccount")))
            elif x < 0.65:
                stmts.append(self.stmt("Allow", r.choice(["*", {"AWS": "*"}]), ["s3:GetObject"], [oarn],
                                       self.condition() if self.chance(0.3) else None, sid="PublicRead"))
            elif x < 0.8:
                stmts.append(self.stmt("Deny", "*", ["s3:*"], [barn, oarn],
                                       {"StringNotEquals": {"aws:PrincipalOrgID": r.choice(self.orgs)}},
                                       sid="DenyOutsideOrg"))
            elif x < 0.9:
                stmts.append(self.stmt("Deny", "*", ["s3:PutObject"], [oarn],
                                       {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
                                       sid="DenyUnencryptedUploads"))
            else:
                stmts.append(self.stmt("Allow", {"Service": "logging.s3.amazonaws.com"}, ["s3:PutObject"],
                                       ["arn:aws:s3:::%s/logs/*" % b],
                                       {"StringEquals": {"aws:SourceAccount": self.account()}},
                                       sid="S3ServerAccessLogsPolicy"))
        return {"Version": "2012-10-17", "Id": "Policy%d" % r.randrange(10**12, 10**13),
                "Statement": stmts}

    def document(self):
        x = self.r.random()
        if x < 0.45:
            return "identity", self.identity()
        if x < 0.65:
            return "kms", self.kms_key()
        if x < 0.8:
            return "trust", self.trust()
        return "s3bucket", self.s3_bucket()

    def render(self, doc):
        x = self.r.random()
        if x < 0.8:
            return json.dumps(doc, indent=2) + "\n"
        if x < 0.95:
            return json.dumps(doc, indent=4) + "\n"
        return json.dumps(doc, separators=(",", ":"))


def generate(seed, count):
    """Yield (relative path, content bytes), deterministically."""
    g = Gen(seed)
    for i in range(count):
        kind, doc = g.document()
        text = g.render(doc)
        yield "%02d/%05d-%s.json" % (i // PER_DIR, i, kind), text.encode("utf-8")
