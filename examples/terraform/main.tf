# The key and the role policy of examples/kms-setup-guide.md, as a Terraform module: the key
# policy is written with jsonencode, the role's policies as aws_iam_policy_document data
# sources. The account comes from the provider instead of ACCOUNT-ID; the guide's two mistakes
# (anyone may decrypt; PassRole on every role) are kept, for iamlint to find.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_root = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
}

resource "aws_kms_key" "orders" {
  description         = "Customer records of the orders service"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Id      = "orders-key-policy"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = local.account_root }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Allow use of the key by the orders service"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.orders_service.arn }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
      },
      {
        Sid       = "Let the support team read everything"
        Effect    = "Allow"
        Principal = "*"
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_iam_role" "orders_service" {
  name               = "orders-service"
  assume_role_policy = data.aws_iam_policy_document.orders_service_trust.json
}

data "aws_iam_policy_document" "orders_service_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role_policy" "orders_service" {
  name   = "orders-key-use"
  role   = aws_iam_role.orders_service.id
  policy = data.aws_iam_policy_document.orders_service.json
}

data "aws_iam_policy_document" "orders_service" {
  statement {
    sid       = "UseTheOrdersKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"]
    resources = [aws_kms_key.orders.arn]
  }
  statement {
    actions   = ["iam:PassRole", "lambda:CreateFunction"]
    resources = ["*"]
  }
}
