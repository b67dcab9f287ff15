data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  bucket_name = coalesce(var.bucket_name, "${local.name_prefix}-${data.aws_caller_identity.current.account_id}")
  account_arn = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
}

# One customer-managed key per service and environment encrypts its bucket, queues, topic and secret.
resource "aws_kms_key" "service" {
  description             = "${local.name_prefix} data at rest (S3, SQS, SNS, Secrets Manager)"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = local.account_arn }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # SNS must encrypt what it delivers to encrypted SQS subscribers.
        Sid       = "SnsDeliversToEncryptedQueues"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
      },
    ]
  })

  tags = local.tags
}

resource "aws_kms_alias" "service" {
  name          = "alias/${local.name_prefix}"
  target_key_id = aws_kms_key.service.key_id
}

# --- S3 -------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "service" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is part of the seed's future multi-region work; one region is the design for now.
  #checkov:skip=CKV2_AWS_62:The service reads and writes its own bucket; nothing consumes object events yet.
  bucket        = local.bucket_name
  force_destroy = var.bucket_force_destroy
  tags          = local.tags
}

resource "aws_s3_bucket_ownership_controls" "service" {
  bucket = aws_s3_bucket.service.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "service" {
  bucket                  = aws_s3_bucket.service.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "service" {
  bucket = aws_s3_bucket.service.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "service" {
  bucket = aws_s3_bucket.service.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.service.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "service" {
  bucket = aws_s3_bucket.service.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.service]
}

resource "aws_s3_bucket_logging" "service" {
  count = local.access_logging ? 1 : 0

  bucket        = aws_s3_bucket.service.id
  target_bucket = var.access_log_bucket_name
  target_prefix = "s3/${local.bucket_name}/"
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.service.arn,
      "${aws_s3_bucket.service.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid     = "DenyOldTls"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.service.arn,
      "${aws_s3_bucket.service.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_policy" "service" {
  bucket = aws_s3_bucket.service.id
  policy = data.aws_iam_policy_document.bucket.json

  # A bucket policy applied before the public access block could briefly be judged public.
  depends_on = [aws_s3_bucket_public_access_block.service]
}

# --- SQS ------------------------------------------------------------------------------------------

resource "aws_sqs_queue" "dlq" {
  name                              = local.dlq_name
  message_retention_seconds         = var.dlq_message_retention_seconds
  kms_master_key_id                 = aws_kms_key.service.arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = local.tags
}

resource "aws_sqs_queue" "main" {
  name                              = local.queue_name
  visibility_timeout_seconds        = var.queue_visibility_timeout_seconds
  message_retention_seconds         = var.queue_message_retention_seconds
  kms_master_key_id                 = aws_kms_key.service.arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.queue_max_receive_count
  })

  tags = local.tags
}

# Only the service's own queue may dead-letter into its DLQ.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.main.arn]
  })
}

# --- SNS ------------------------------------------------------------------------------------------

resource "aws_sns_topic" "events" {
  name              = local.topic_name
  kms_master_key_id = aws_kms_key.service.arn
  tags              = local.tags
}

# --- Secrets Manager ------------------------------------------------------------------------------

# Only the container is created here; its value is set out of band so it never lands in state.
resource "aws_secretsmanager_secret" "app" {
  name                    = local.secret_name
  description             = "Application secrets of ${var.service_name} in ${var.environment}"
  kms_key_id              = aws_kms_key.service.arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = local.tags
}

resource "aws_secretsmanager_secret_rotation" "app" {
  count = local.rotation_enabled ? 1 : 0

  secret_id           = aws_secretsmanager_secret.app.id
  rotation_lambda_arn = var.secret_rotation_lambda_arn

  rotation_rules {
    automatically_after_days = var.secret_rotation_days
  }
}
