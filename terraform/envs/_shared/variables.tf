# Shared by envs/dev, envs/staging and envs/prod (symlinked there); what differs per environment is in
# each environment's locals.tf and the backend key in its versions.tf.

variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "azs" {
  description = "The three availability zones of the region the subnets are spread over."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

  validation {
    condition     = length(var.azs) == 3 && length(distinct(var.azs)) == 3
    error_message = "azs must list exactly three distinct availability zones."
  }

  validation {
    condition     = alltrue([for az in var.azs : can(regex("^${var.region}[a-z]$", az))])
    error_message = "Every availability zone must belong to region (e.g. eu-west-1a for eu-west-1)."
  }
}

variable "service_name" {
  description = "Name of the service whose AWS resources and IRSA role the environment holds."
  type        = string
  default     = "express-service"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.service_name))
    error_message = "service_name must be 3-32 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "namespace" {
  description = "Kubernetes namespace the service runs in; null means the environment's name (dev, staging, prod)."
  type        = string
  default     = null

  validation {
    condition     = var.namespace == null || can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a Kubernetes DNS label."
  }
}

variable "service_account_name" {
  description = "Name of the service's Kubernetes service account (the chart's serviceAccount.name)."
  type        = string
  default     = "express-service"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.service_account_name))
    error_message = "service_account_name must be a Kubernetes DNS label."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the cluster."
  type        = string
  default     = "1.33"

  validation {
    condition     = can(regex("^1\\.(2[89]|3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version from 1.28 to 1.39, written like \"1.33\"."
  }
}

variable "admin_role_arns" {
  description = "IAM roles given cluster-admin (the CI deploy role assumed through GitHub OIDC, the platform team)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.admin_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "admin_role_arns must hold IAM role ARNs."
  }
}

variable "api_public_access_cidrs" {
  description = "CIDRs allowed to reach the Kubernetes API from the internet; empty keeps the API private (deploy from inside the VPC)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.api_public_access_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "api_public_access_cidrs must hold valid IPv4 CIDRs other than 0.0.0.0/0."
  }
}

variable "secret_rotation_lambda_arn" {
  description = "ARN of the Lambda that rotates the service's secret every 30 days; required in prod."
  type        = string
  default     = null

  validation {
    condition     = var.secret_rotation_lambda_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$", var.secret_rotation_lambda_arn))
    error_message = "secret_rotation_lambda_arn must be a Lambda function ARN."
  }
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows deploy and plan this environment through OIDC; null creates no GitHub roles."
  type        = string
  default     = null

  validation {
    condition     = var.github_repository == null || can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "github_oidc_provider_arn" {
  description = "Existing GitHub OIDC identity provider of the account; null creates it (only one environment per account may)."
  type        = string
  default     = null

  validation {
    condition     = var.github_oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.github_oidc_provider_arn))
    error_message = "github_oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com identity provider."
  }
}

variable "state_bucket_name" {
  description = "The S3 bucket of the backend configuration; the GitHub roles may read this environment's state in it."
  type        = string
  default     = null

  validation {
    condition     = var.state_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be a valid S3 bucket name."
  }

  validation {
    condition     = var.github_repository == null || var.state_bucket_name != null
    error_message = "github_repository needs state_bucket_name (the deploy job reads Terraform outputs from the state)."
  }
}

variable "tags" {
  description = "Extra tags added to every resource (cost centre, owner)."
  type        = map(string)
  default     = {}
}
