# The role's name, trust subject and permission policy, derived from variables only so that
# scripts/iac/test-validations checks the least-privilege policy offline.
locals {
  role_name               = "${var.service_name}-${var.environment}"
  oidc_provider_url       = trimprefix(var.oidc_issuer_url, "https://")
  service_account_subject = "system:serviceaccount:${var.namespace}:${var.service_account_name}"

  # The regions the KMS keys serve, for the kms:ViaService condition.
  kms_regions = distinct([for a in var.kms_key_arns : split(":", a)[3]])

  policy_statements = concat(
    [
      {
        Sid      = "ListServiceBucket"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketLocation"]
        Resource = [var.bucket_arn]
      },
      {
        Sid      = "ReadWriteServiceObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = ["${var.bucket_arn}/*"]
      },
      {
        Sid      = "ReadServiceSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource = var.secret_arns
      },
      {
        Sid      = "UseServiceQueue"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
        Resource = [var.queue_arn]
      },
      {
        Sid      = "PublishServiceTopic"
        Effect   = "Allow"
        Action   = ["sns:Publish"]
        Resource = [var.topic_arn]
      },
    ],
    length(var.kms_key_arns) == 0 ? [] : [
      {
        Sid      = "UseServiceKeysThroughServices"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.kms_key_arns
        Condition = {
          StringLike = {
            "kms:ViaService" = flatten([
              for region in local.kms_regions : [
                "s3.${region}.amazonaws.com",
                "sqs.${region}.amazonaws.com",
                "sns.${region}.amazonaws.com",
                "secretsmanager.${region}.amazonaws.com",
              ]
            ])
          }
        }
      },
    ],
  )

  policy_json = jsonencode({
    Version   = "2012-10-17"
    Statement = local.policy_statements
  })

  tags = merge(var.tags, {
    Environment = var.environment
    Service     = var.service_name
    ManagedBy   = "terraform"
  })
}
