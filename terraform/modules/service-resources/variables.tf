variable "service_name" {
  description = "Name of the service, e.g. \"express-service\"; resources are named <service_name>-<environment>-..."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.service_name))
    error_message = "service_name must be 3-32 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment; also the prefix of the secret's name (\"<environment>/<service_name>/...\")."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "bucket_name" {
  description = "Name of the S3 bucket; null derives \"<service_name>-<environment>-<account id>\", which is unique across accounts."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 characters of lower-case letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "bucket_force_destroy" {
  description = "Whether destroying the stack may delete a bucket that still holds objects (never in prod)."
  type        = bool
  default     = false

  validation {
    condition     = !(var.bucket_force_destroy && var.environment == "prod")
    error_message = "bucket_force_destroy may not be true in prod."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days an overwritten or deleted object version is kept before it expires."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && var.noncurrent_version_retention_days <= 3650
    error_message = "noncurrent_version_retention_days must be between 1 and 3650."
  }
}

variable "access_log_bucket_name" {
  description = "Existing bucket that receives the S3 server access logs; null turns access logging off."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name))
    error_message = "access_log_bucket_name must be a valid S3 bucket name."
  }
}

variable "queue_visibility_timeout_seconds" {
  description = "Seconds a received message stays hidden from other consumers; longer than the slowest handler."
  type        = number
  default     = 60

  validation {
    condition     = var.queue_visibility_timeout_seconds >= 0 && var.queue_visibility_timeout_seconds <= 43200
    error_message = "queue_visibility_timeout_seconds must be between 0 and 43200 (12 hours)."
  }
}

variable "queue_message_retention_seconds" {
  description = "Seconds the main queue keeps an unconsumed message."
  type        = number
  default     = 345600

  validation {
    condition     = var.queue_message_retention_seconds >= 60 && var.queue_message_retention_seconds <= 1209600
    error_message = "queue_message_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "queue_max_receive_count" {
  description = "Receives after which a message moves to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.queue_max_receive_count >= 1 && var.queue_max_receive_count <= 1000
    error_message = "queue_max_receive_count must be between 1 and 1000."
  }
}

variable "dlq_message_retention_seconds" {
  description = "Seconds the dead-letter queue keeps a message; at least the main queue's retention so nothing expires unseen."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds >= var.queue_message_retention_seconds && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be at least queue_message_retention_seconds and at most 1209600 (14 days)."
  }
}

variable "secret_rotation_lambda_arn" {
  description = "ARN of the Lambda function that rotates the service's secret; null leaves rotation off (allowed outside prod only)."
  type        = string
  default     = null

  validation {
    condition     = var.secret_rotation_lambda_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$", var.secret_rotation_lambda_arn))
    error_message = "secret_rotation_lambda_arn must be a Lambda function ARN."
  }

  validation {
    condition     = var.secret_rotation_lambda_arn != null || var.environment != "prod"
    error_message = "prod secrets must rotate: set secret_rotation_lambda_arn."
  }
}

variable "secret_rotation_days" {
  description = "Days between automatic rotations of the secret (the seed: 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_rotation_days >= 1 && var.secret_rotation_days <= 1000
    error_message = "secret_rotation_days must be between 1 and 1000."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can still be restored; 0 deletes at once (not allowed in prod)."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }

  validation {
    condition     = var.secret_recovery_window_days > 0 || var.environment != "prod"
    error_message = "prod secrets must keep a recovery window."
  }
}

variable "kms_deletion_window_days" {
  description = "Days a scheduled deletion of the service's KMS key waits, so that a mistake can be undone."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
