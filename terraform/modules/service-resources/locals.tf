# Names and switches derived from variables only (checked offline by scripts/iac/test-validations).
locals {
  name_prefix = "${var.service_name}-${var.environment}"
  queue_name  = "${local.name_prefix}-jobs"
  dlq_name    = "${local.name_prefix}-jobs-dlq"
  topic_name  = "${local.name_prefix}-events"
  # Under the environment prefix, which is what the service-iam policy allows.
  secret_name      = "${var.environment}/${var.service_name}/app"
  rotation_enabled = var.secret_rotation_lambda_arn != null
  access_logging   = var.access_log_bucket_name != null

  tags = merge(var.tags, {
    Environment = var.environment
    Service     = var.service_name
    ManagedBy   = "terraform"
  })
}
