variable "repository" {
  description = "GitHub repository (owner/name) whose workflows may assume the roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", var.repository))
    error_message = "repository must be owner/name, e.g. my-org/envportal."
  }
}

variable "environment" {
  description = "Deployment environment; only jobs running in the GitHub environment of this name may assume the deploy role."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC identity provider (one per AWS account: set false in the second environment of a shared account and pass oidc_provider_arn)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing GitHub OIDC identity provider; used when create_oidc_provider is false."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com identity provider."
  }

  validation {
    condition     = var.create_oidc_provider || var.oidc_provider_arn != null
    error_message = "Without create_oidc_provider, oidc_provider_arn is required."
  }
}

variable "cluster_name" {
  description = "EKS cluster the deploy role may describe (to build its kubeconfig); Kubernetes rights come from an EKS access entry."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.cluster_name))
    error_message = "cluster_name must be 3-24 characters of lower-case letters, digits and hyphens."
  }
}

variable "state_bucket_name" {
  description = "S3 bucket holding the Terraform state; both roles may read this environment's state, neither may write it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be a valid S3 bucket name."
  }
}

variable "state_key" {
  description = "Key of this environment's state object in the bucket (the backend's key)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()/-]+\\.tfstate$", var.state_key)) && !strcontains(var.state_key, "*")
    error_message = "state_key must be an object key ending in .tfstate, without wildcards."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
