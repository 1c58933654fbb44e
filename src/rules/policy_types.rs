//! What the resource a document is attached to tells about it: which service's actions and
//! ARNs its policy can name, and the size AWS accepts for it. Keyed by the template
//! resource type (CloudFormation or Terraform) that holds the document.

/// A resource policy whose resource type is known.
pub struct ResourcePolicyType {
    /// CloudFormation and Terraform resource types that hold such a policy.
    pub types: &'static [&'static str],
    /// What to call it in a message, with its article.
    pub article_name: &'static str,
    /// The service prefixes of the actions and ARNs the policy can name; empty when any
    /// service's can appear (or when that is not known).
    pub services: &'static [&'static str],
    /// The largest policy the service accepts, counted without whitespace outside strings.
    pub quota: Option<usize>,
}

const fn kind(
    types: &'static [&'static str],
    name: &'static str,
    services: &'static [&'static str],
    quota: Option<usize>,
) -> ResourcePolicyType {
    ResourcePolicyType {
        types,
        article_name: name,
        services,
        quota,
    }
}

/// Quotas from each service's documentation, as its largest reading where the unit is loose
/// (20 KB as 20,480), so a finding is certain:
/// - S3 bucket policy 20 KB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html);
/// - SQS queue policy 8,192 bytes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html);
/// - SNS topic policy 30 KB (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html);
/// - ECR repository policy 10,240 characters, `policyText` of
///   https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html.
///
/// Secrets Manager's is not checked: no AWS page read here states it.
pub const RESOURCE_POLICY_TYPES: &[ResourcePolicyType] = &[
    kind(
        &[
            "AWS::S3::BucketPolicy",
            "aws_s3_bucket_policy",
            "aws_s3_bucket",
        ],
        "an S3 bucket policy",
        &["s3"],
        Some(20 * 1024),
    ),
    kind(
        &[
            "AWS::SQS::QueuePolicy",
            "aws_sqs_queue_policy",
            "aws_sqs_queue",
        ],
        "an SQS queue policy",
        &["sqs"],
        Some(8192),
    ),
    kind(
        &[
            "AWS::SNS::TopicPolicy",
            "aws_sns_topic_policy",
            "aws_sns_topic",
        ],
        "an SNS topic policy",
        &["sns"],
        Some(30 * 1024),
    ),
    kind(
        &[
            "AWS::SecretsManager::ResourcePolicy",
            "aws_secretsmanager_secret_policy",
            "aws_secretsmanager_secret",
        ],
        "a Secrets Manager resource policy",
        &["secretsmanager"],
        None,
    ),
    kind(
        &["AWS::ECR::Repository", "aws_ecr_repository_policy"],
        "an ECR repository policy",
        &["ecr"],
        Some(10240),
    ),
    kind(
        &[
            "AWS::Glacier::Vault",
            "aws_glacier_vault",
            "aws_glacier_vault_lock",
        ],
        "a Glacier vault policy",
        &["glacier"],
        None,
    ),
    kind(
        &["AWS::EFS::FileSystem", "aws_efs_file_system_policy"],
        "an EFS file system policy",
        &["elasticfilesystem"],
        None,
    ),
    kind(
        &["AWS::Backup::BackupVault", "aws_backup_vault_policy"],
        "a Backup vault policy",
        &["backup"],
        None,
    ),
    kind(
        &["AWS::Events::EventBusPolicy", "AWS::Events::EventBus"],
        "an EventBridge event bus policy",
        &["events"],
        None,
    ),
];

/// The resource policy type of a template resource type, where iamlint knows it.
pub fn resource_policy(resource_type: &str) -> Option<&'static ResourcePolicyType> {
    RESOURCE_POLICY_TYPES
        .iter()
        .find(|t| t.types.contains(&resource_type))
}

/// The size quota of an identity policy by the resource that holds it, with its name:
/// managed policies 6,144 characters, inline role 10,240, group 5,120, user 2,048 (IAM and
/// AWS STS quotas). `None` where the holder does not say which (`AWS::IAM::Policy` attaches
/// one document to roles, users and groups alike).
pub fn identity_quota(resource_type: &str) -> Option<(usize, &'static str)> {
    Some(match resource_type {
        "AWS::IAM::ManagedPolicy" | "aws_iam_policy" => (6144, "a managed policy"),
        "AWS::IAM::Role" | "AWS::IAM::RolePolicy" | "aws_iam_role" | "aws_iam_role_policy" => {
            (10240, "a role's inline policies")
        }
        "AWS::IAM::Group" | "AWS::IAM::GroupPolicy" | "aws_iam_group_policy" => {
            (5120, "a group's inline policies")
        }
        "AWS::IAM::User" | "AWS::IAM::UserPolicy" | "aws_iam_user_policy" => {
            (2048, "a user's inline policies")
        }
        _ => return None,
    })
}
