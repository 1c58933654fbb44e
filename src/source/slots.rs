//! Which CloudFormation resource properties hold policies, and what kind each is: the kind
//! of a template's document comes from what consumes it, never from guessing. One table,
//! read by the CloudFormation reader (and so by SAM, CDK output and Serverless `resources`).

use crate::policy::PolicyKind;

/// What a slot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    /// A policy document of this kind (an object, or a JSON string of one).
    Policy(PolicyKind),
    /// A customer managed policy: a permissions boundary when a role or user names it as
    /// `PermissionsBoundary`, else an identity policy.
    ManagedPolicy,
    /// `AWS::Organizations::Policy` `Content`: an SCP or RCP by the policy's `Type`; other
    /// types (tag, backup, AI opt-out policies) are not IAM policies.
    OrganizationsPolicy,
    /// One statement or a list of them, without the document around it
    /// (`AWS::Events::EventBusPolicy` `Statement`).
    Statements(PolicyKind),
    /// SAM's `Policies`: a managed policy name or ARN, a SAM policy template
    /// (`S3ReadPolicy: {BucketName: …}`), an inline document, or a list of these.
    SamPolicies,
    /// SAM's `Auth.ResourcePolicy.CustomStatements`: statements of an API Gateway REST API's
    /// resource policy (the API's own, or the implicit one a function's `Api` event makes).
    /// The other `ResourcePolicy` keys (`AwsAccountWhitelist`, `IpRangeBlacklist`,
    /// `SourceVpcWhitelist`…) are SAM's shorthands for statements it writes itself.
    ApiStatements,
}

/// The resource type a document of [`Holds::ApiStatements`] has: the policy is the API's,
/// wherever SAM lets it be written.
pub const SAM_API: &str = "AWS::Serverless::Api";

/// A property path below `Properties`; `*` steps into every item of a list (or entry of a
/// map, such as a SAM function's `Events`).
pub struct Slot {
    pub resource_type: &'static str,
    pub path: &'static [&'static str],
    pub holds: Holds,
}

const fn slot(resource_type: &'static str, path: &'static [&'static str], holds: Holds) -> Slot {
    Slot {
        resource_type,
        path,
        holds,
    }
}

use Holds::*;
use PolicyKind::*;

pub static CLOUDFORMATION: &[Slot] = &[
    slot(
        "AWS::IAM::Role",
        &["AssumeRolePolicyDocument"],
        Policy(Trust),
    ),
    slot(
        "AWS::IAM::Role",
        &["Policies", "*", "PolicyDocument"],
        Policy(Identity),
    ),
    slot(
        "AWS::IAM::User",
        &["Policies", "*", "PolicyDocument"],
        Policy(Identity),
    ),
    slot(
        "AWS::IAM::Group",
        &["Policies", "*", "PolicyDocument"],
        Policy(Identity),
    ),
    slot("AWS::IAM::Policy", &["PolicyDocument"], Policy(Identity)),
    slot(
        "AWS::IAM::ManagedPolicy",
        &["PolicyDocument"],
        ManagedPolicy,
    ),
    slot(
        "AWS::IAM::RolePolicy",
        &["PolicyDocument"],
        Policy(Identity),
    ),
    slot(
        "AWS::IAM::UserPolicy",
        &["PolicyDocument"],
        Policy(Identity),
    ),
    slot(
        "AWS::IAM::GroupPolicy",
        &["PolicyDocument"],
        Policy(Identity),
    ),
    slot(
        "AWS::SSO::PermissionSet",
        &["InlinePolicy"],
        Policy(Identity),
    ),
    slot("AWS::KMS::Key", &["KeyPolicy"], Policy(KmsKey)),
    slot("AWS::KMS::ReplicaKey", &["KeyPolicy"], Policy(KmsKey)),
    slot(
        "AWS::S3::BucketPolicy",
        &["PolicyDocument"],
        Policy(Resource),
    ),
    slot(
        "AWS::S3Express::BucketPolicy",
        &["PolicyDocument"],
        Policy(Resource),
    ),
    slot("AWS::S3::AccessPoint", &["Policy"], Policy(Resource)),
    slot(
        "AWS::S3ObjectLambda::AccessPointPolicy",
        &["PolicyDocument"],
        Policy(Resource),
    ),
    slot(
        "AWS::SQS::QueuePolicy",
        &["PolicyDocument"],
        Policy(Resource),
    ),
    slot(
        "AWS::SNS::TopicPolicy",
        &["PolicyDocument"],
        Policy(Resource),
    ),
    slot(
        "AWS::SecretsManager::ResourcePolicy",
        &["ResourcePolicy"],
        Policy(Resource),
    ),
    slot(
        "AWS::ECR::Repository",
        &["RepositoryPolicyText"],
        Policy(Resource),
    ),
    slot(
        "AWS::ECR::RegistryPolicy",
        &["PolicyText"],
        Policy(Resource),
    ),
    slot(
        "AWS::Events::EventBusPolicy",
        &["Statement"],
        Statements(Resource),
    ),
    slot("AWS::Events::EventBus", &["Policy"], Policy(Resource)),
    slot(
        "AWS::Logs::ResourcePolicy",
        &["PolicyDocument"],
        Policy(Resource),
    ),
    slot(
        "AWS::OpenSearchService::Domain",
        &["AccessPolicies"],
        Policy(Resource),
    ),
    slot(
        "AWS::Elasticsearch::Domain",
        &["AccessPolicies"],
        Policy(Resource),
    ),
    slot(
        "AWS::EC2::VPCEndpoint",
        &["PolicyDocument"],
        Policy(Resource),
    ),
    slot("AWS::ApiGateway::RestApi", &["Policy"], Policy(Resource)),
    slot(
        "AWS::Backup::BackupVault",
        &["AccessPolicy"],
        Policy(Resource),
    ),
    slot(
        "AWS::EFS::FileSystem",
        &["FileSystemPolicy"],
        Policy(Resource),
    ),
    slot("AWS::Glacier::Vault", &["AccessPolicy"], Policy(Resource)),
    slot(
        "AWS::CodeArtifact::Domain",
        &["PermissionsPolicyDocument"],
        Policy(Resource),
    ),
    slot(
        "AWS::CodeArtifact::Repository",
        &["PermissionsPolicyDocument"],
        Policy(Resource),
    ),
    slot(
        "AWS::Organizations::Policy",
        &["Content"],
        OrganizationsPolicy,
    ),
    slot("AWS::Serverless::Function", &["Policies"], SamPolicies),
    slot("AWS::Serverless::StateMachine", &["Policies"], SamPolicies),
    slot(
        "AWS::Serverless::Api",
        &["Auth", "ResourcePolicy", "CustomStatements"],
        ApiStatements,
    ),
    slot(
        "AWS::Serverless::Function",
        &[
            "Events",
            "*",
            "Properties",
            "Auth",
            "ResourcePolicy",
            "CustomStatements",
        ],
        ApiStatements,
    ),
    slot(
        "AWS::Serverless::Function",
        &["AssumeRolePolicyDocument"],
        Policy(Trust),
    ),
];

/// Terraform: the attribute of a resource that holds a policy (as a JSON string: `jsonencode`,
/// a heredoc, a data source's `.json`). Read by the HCL and the plan JSON readers.
pub static TERRAFORM: &[Slot] = &[
    slot("aws_iam_role", &["assume_role_policy"], Policy(Trust)),
    slot(
        "aws_iam_role",
        &["inline_policy", "*", "policy"],
        Policy(Identity),
    ),
    slot("aws_iam_policy", &["policy"], Policy(Identity)),
    slot("aws_iam_role_policy", &["policy"], Policy(Identity)),
    slot("aws_iam_user_policy", &["policy"], Policy(Identity)),
    slot("aws_iam_group_policy", &["policy"], Policy(Identity)),
    slot(
        "aws_ssoadmin_permission_set_inline_policy",
        &["inline_policy"],
        Policy(Identity),
    ),
    slot("aws_kms_key", &["policy"], Policy(KmsKey)),
    slot("aws_kms_replica_key", &["policy"], Policy(KmsKey)),
    slot("aws_kms_external_key", &["policy"], Policy(KmsKey)),
    slot("aws_kms_replica_external_key", &["policy"], Policy(KmsKey)),
    slot("aws_s3_bucket_policy", &["policy"], Policy(Resource)),
    slot("aws_s3_bucket", &["policy"], Policy(Resource)),
    slot("aws_s3_access_point", &["policy"], Policy(Resource)),
    slot(
        "aws_s3control_access_point_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot("aws_s3control_bucket_policy", &["policy"], Policy(Resource)),
    slot("aws_sqs_queue_policy", &["policy"], Policy(Resource)),
    slot("aws_sqs_queue", &["policy"], Policy(Resource)),
    slot("aws_sns_topic_policy", &["policy"], Policy(Resource)),
    slot("aws_sns_topic", &["policy"], Policy(Resource)),
    slot("aws_ecr_repository_policy", &["policy"], Policy(Resource)),
    slot("aws_ecr_registry_policy", &["policy"], Policy(Resource)),
    slot(
        "aws_ecrpublic_repository_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot(
        "aws_secretsmanager_secret_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot("aws_secretsmanager_secret", &["policy"], Policy(Resource)),
    slot(
        "aws_opensearch_domain_policy",
        &["access_policies"],
        Policy(Resource),
    ),
    slot(
        "aws_opensearch_domain",
        &["access_policies"],
        Policy(Resource),
    ),
    slot(
        "aws_elasticsearch_domain_policy",
        &["access_policies"],
        Policy(Resource),
    ),
    slot(
        "aws_elasticsearch_domain",
        &["access_policies"],
        Policy(Resource),
    ),
    slot("aws_vpc_endpoint", &["policy"], Policy(Resource)),
    slot("aws_vpc_endpoint_policy", &["policy"], Policy(Resource)),
    slot("aws_glacier_vault", &["access_policy"], Policy(Resource)),
    slot("aws_glacier_vault_lock", &["policy"], Policy(Resource)),
    slot(
        "aws_cloudwatch_event_bus_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot(
        "aws_cloudwatch_log_resource_policy",
        &["policy_document"],
        Policy(Resource),
    ),
    slot(
        "aws_cloudwatch_log_destination_policy",
        &["access_policy"],
        Policy(Resource),
    ),
    slot("aws_backup_vault_policy", &["policy"], Policy(Resource)),
    slot("aws_efs_file_system_policy", &["policy"], Policy(Resource)),
    slot(
        "aws_api_gateway_rest_api_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot("aws_api_gateway_rest_api", &["policy"], Policy(Resource)),
    slot(
        "aws_media_store_container_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot(
        "aws_codeartifact_domain_permissions_policy",
        &["policy_document"],
        Policy(Resource),
    ),
    slot(
        "aws_codeartifact_repository_permissions_policy",
        &["policy_document"],
        Policy(Resource),
    ),
    slot(
        "aws_dynamodb_resource_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot("aws_kinesis_resource_policy", &["policy"], Policy(Resource)),
    slot(
        "aws_organizations_policy",
        &["content"],
        OrganizationsPolicy,
    ),
    slot("aws_kms_key_policy", &["policy"], Policy(KmsKey)),
    slot(
        "aws_ecr_repository_creation_template",
        &["repository_policy"],
        Policy(Resource),
    ),
    slot("aws_glue_resource_policy", &["policy"], Policy(Resource)),
    slot(
        "aws_networkfirewall_resource_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot("aws_ses_identity_policy", &["policy"], Policy(Resource)),
    slot("aws_vpclattice_auth_policy", &["policy"], Policy(Resource)),
    slot(
        "aws_vpclattice_resource_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot(
        "aws_codebuild_resource_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot(
        "aws_organizations_resource_policy",
        &["content"],
        Policy(Resource),
    ),
    slot("aws_schemas_registry_policy", &["policy"], Policy(Resource)),
    slot(
        "aws_redshiftserverless_resource_policy",
        &["policy"],
        Policy(Resource),
    ),
    slot(
        "aws_sagemaker_model_package_group_policy",
        &["resource_policy"],
        Policy(Resource),
    ),
    slot(
        "aws_s3control_object_lambda_access_point_policy",
        &["policy"],
        Policy(Resource),
    ),
];

/// The slots of a resource type.
pub fn of(resource_type: &str) -> impl Iterator<Item = &'static Slot> + '_ {
    CLOUDFORMATION
        .iter()
        .filter(move |s| s.resource_type == resource_type)
}

/// The kind an `AWS::Organizations::Policy` of this `Type` has, if it is an IAM policy.
pub fn organizations_kind(policy_type: &str) -> Option<PolicyKind> {
    match policy_type {
        "SERVICE_CONTROL_POLICY" => Some(Scp),
        "RESOURCE_CONTROL_POLICY" => Some(Rcp),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_pairs_have_their_kinds() {
        let kind = |t: &str, p: &[&str]| {
            of(t)
                .find(|s| s.path == p)
                .map(|s| s.holds)
                .unwrap_or_else(|| panic!("{t} {p:?}"))
        };
        assert_eq!(
            kind("AWS::IAM::Role", &["AssumeRolePolicyDocument"]),
            Policy(Trust)
        );
        assert_eq!(
            kind("AWS::IAM::Role", &["Policies", "*", "PolicyDocument"]),
            Policy(Identity)
        );
        assert_eq!(kind("AWS::KMS::Key", &["KeyPolicy"]), Policy(KmsKey));
        assert_eq!(
            kind("AWS::IAM::ManagedPolicy", &["PolicyDocument"]),
            ManagedPolicy
        );
        for (t, p) in [
            ("AWS::S3::BucketPolicy", "PolicyDocument"),
            ("AWS::SQS::QueuePolicy", "PolicyDocument"),
            ("AWS::SNS::TopicPolicy", "PolicyDocument"),
            ("AWS::SecretsManager::ResourcePolicy", "ResourcePolicy"),
            ("AWS::ECR::Repository", "RepositoryPolicyText"),
            ("AWS::Logs::ResourcePolicy", "PolicyDocument"),
            ("AWS::OpenSearchService::Domain", "AccessPolicies"),
            ("AWS::Elasticsearch::Domain", "AccessPolicies"),
            ("AWS::EC2::VPCEndpoint", "PolicyDocument"),
        ] {
            assert_eq!(kind(t, &[p]), Policy(Resource), "{t}");
        }
        assert_eq!(
            kind("AWS::Events::EventBusPolicy", &["Statement"]),
            Statements(Resource)
        );
        assert_eq!(
            kind("AWS::Organizations::Policy", &["Content"]),
            OrganizationsPolicy
        );
        assert_eq!(organizations_kind("SERVICE_CONTROL_POLICY"), Some(Scp));
        assert_eq!(organizations_kind("RESOURCE_CONTROL_POLICY"), Some(Rcp));
        assert_eq!(organizations_kind("TAG_POLICY"), None);
        assert!(of("AWS::S3::Bucket").next().is_none());
    }
}
