output "bucket_name" {
  description = "Name of the service's S3 bucket (chart value for the bucket)."
  value       = aws_s3_bucket.service.id
}

output "bucket_arn" {
  description = "ARN of the service's S3 bucket, input to service-iam."
  value       = aws_s3_bucket.service.arn
}

output "queue_url" {
  description = "URL of the service's SQS queue (chart value for the queue)."
  value       = aws_sqs_queue.main.url
}

output "queue_arn" {
  description = "ARN of the service's SQS queue, input to service-iam."
  value       = aws_sqs_queue.main.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "topic_arn" {
  description = "ARN of the service's SNS topic."
  value       = aws_sns_topic.events.arn
}

output "secret_arn" {
  description = "ARN of the service's Secrets Manager secret."
  value       = aws_secretsmanager_secret.app.arn
}

output "secret_name" {
  description = "Name of the service's secret (<environment>/<service>/app), e.g. for an ExternalSecret's remoteRef.key."
  value       = aws_secretsmanager_secret.app.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the service's data, input to service-iam."
  value       = aws_kms_key.service.arn
}

output "secret_rotation_enabled" {
  description = "Whether the secret rotates automatically."
  value       = local.rotation_enabled
}
