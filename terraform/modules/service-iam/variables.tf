variable "service_name" {
  description = "Name of the service, e.g. \"express-service\"; the role is named <service_name>-<environment>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.service_name))
    error_message = "service_name must be 3-40 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment; secrets the role may read must sit under this name as prefix (\"<environment>/...\")."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "namespace" {
  description = "Kubernetes namespace of the service account that may assume the role."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a Kubernetes DNS label: at most 63 lower-case letters, digits and hyphens."
  }
}

variable "service_account_name" {
  description = "Name of the Kubernetes service account that may assume the role (the chart's serviceAccount.name)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.service_account_name))
    error_message = "service_account_name must be a Kubernetes DNS label: at most 63 lower-case letters, digits and hyphens."
  }
}

variable "oidc_issuer_url" {
  description = "OIDC issuer URL of the EKS cluster (eks module output oidc_issuer_url), with or without https://."
  type        = string

  validation {
    condition     = can(regex("^(https://)?oidc\\.eks\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/id/[A-Za-z0-9]+$", var.oidc_issuer_url))
    error_message = "oidc_issuer_url must be an EKS OIDC issuer such as https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE."
  }
}

variable "bucket_arn" {
  description = "ARN of the service's S3 bucket; the role may list it and read, write and delete its objects, nothing else in S3."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arn))
    error_message = "bucket_arn must be a bucket ARN (arn:aws:s3:::name) without a key path or wildcard."
  }
}

variable "secret_arns" {
  description = "ARNs of the Secrets Manager secrets the service reads; each must be named under \"<environment>/\"."
  type        = list(string)

  validation {
    condition     = length(var.secret_arns) > 0
    error_message = "secret_arns must name at least one secret."
  }

  validation {
    condition     = alltrue([for a in var.secret_arns : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:${var.environment}/[A-Za-z0-9/_+=.@-]+$", a))])
    error_message = "Every secret ARN must be a full Secrets Manager ARN whose name starts with \"<environment>/\" and holds no wildcard."
  }
}

variable "queue_arn" {
  description = "ARN of the service's SQS queue; the role may send, receive and delete its messages."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\\.fifo)?$", var.queue_arn))
    error_message = "queue_arn must be an SQS queue ARN without wildcards."
  }
}

variable "topic_arn" {
  description = "ARN of the service's SNS topic; the role may publish to it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN without wildcards."
  }
}

variable "kms_key_arns" {
  description = "ARNs of the KMS keys that encrypt the bucket, queue, topic and secrets; the role may use them only through those services."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$", a))])
    error_message = "kms_key_arns must hold KMS key ARNs (arn:aws:kms:region:account:key/uuid), not aliases or wildcards."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of an IAM permissions boundary for the role, if the account requires one."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
