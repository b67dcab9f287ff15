variable "cluster_name" {
  description = "Name of the EKS cluster, e.g. \"envportal-prod\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.cluster_name))
    error_message = "cluster_name must be 3-24 characters of lower-case letters, digits and hyphens, starting with a letter (IAM name prefixes derived from it allow 38)."
  }
}

variable "environment" {
  description = "Deployment environment this cluster serves."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane, e.g. \"1.33\"."
  type        = string
  default     = "1.33"

  validation {
    condition     = can(regex("^1\\.(2[89]|3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version from 1.28 to 1.39, written like \"1.33\"."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the cluster runs in (network module output vpc_id)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8}([0-9a-f]{9})?$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Private application subnets for the worker nodes, one per AZ (network module output private_app_subnet_ids)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$", s))])
    error_message = "subnet_ids must list at least two subnet IDs (subnet-...), in different AZs, as EKS requires."
  }
}

variable "control_plane_subnet_ids" {
  description = "Subnets for the control plane's network interfaces; empty means the same as subnet_ids."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.control_plane_subnet_ids : can(regex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$", s))])
    error_message = "control_plane_subnet_ids must hold subnet IDs (subnet-...)."
  }
}

variable "endpoint_private_access" {
  description = "Whether the Kubernetes API is reachable from inside the VPC."
  type        = bool
  default     = true
}

variable "endpoint_public_access" {
  description = "Whether the Kubernetes API is also reachable from the internet (only from endpoint_public_access_cidrs)."
  type        = bool
  default     = false

  validation {
    condition     = var.endpoint_public_access || var.endpoint_private_access
    error_message = "At least one of endpoint_private_access and endpoint_public_access must be true."
  }
}

variable "endpoint_public_access_cidrs" {
  description = "IPv4 CIDRs allowed to reach the public API endpoint; required, and never 0.0.0.0/0, when endpoint_public_access is true."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.endpoint_public_access_cidrs : can(cidrhost(c, 0))])
    error_message = "endpoint_public_access_cidrs must hold valid IPv4 CIDRs."
  }

  validation {
    condition     = !var.endpoint_public_access || (length(var.endpoint_public_access_cidrs) > 0 && !contains(var.endpoint_public_access_cidrs, "0.0.0.0/0"))
    error_message = "A public API endpoint needs an explicit allow-list: set endpoint_public_access_cidrs, without 0.0.0.0/0."
  }
}

variable "control_plane_log_types" {
  description = "Control-plane log types sent to CloudWatch Logs."
  type        = list(string)
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  validation {
    condition     = alltrue([for t in var.control_plane_log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], t)])
    error_message = "control_plane_log_types may only hold api, audit, authenticator, controllerManager and scheduler."
  }

  validation {
    condition     = contains(var.control_plane_log_types, "audit")
    error_message = "The audit log must stay enabled: the seed asks for API calls to be auditable."
  }
}

variable "control_plane_log_retention_days" {
  description = "Days CloudWatch Logs keeps the control-plane logs."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.control_plane_log_retention_days)
    error_message = "control_plane_log_retention_days must be a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "node_instance_types" {
  description = "EC2 instance types for the managed node group, in order of preference."
  type        = list(string)
  default     = ["m6i.large"]

  validation {
    condition     = length(var.node_instance_types) > 0 && alltrue([for t in var.node_instance_types : can(regex("^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.(nano|micro|small|medium|large|xlarge|[0-9]+xlarge|metal(-[0-9]+xl)?)$", t))])
    error_message = "node_instance_types must list EC2 instance types such as m6i.large or c7g.2xlarge."
  }

  validation {
    condition     = alltrue([for t in var.node_instance_types : !can(regex("\\.(nano|micro|small)$", t))])
    error_message = "Instance sizes below medium cannot hold the system pods plus the service; use medium or larger."
  }
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT capacity for the managed node group."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_capacity_type)
    error_message = "node_capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "node_ami_type" {
  description = "AMI type of the managed node group."
  type        = string
  default     = "AL2023_x86_64_STANDARD"

  validation {
    condition     = contains(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"], var.node_ami_type)
    error_message = "node_ami_type must be AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, BOTTLEROCKET_x86_64 or BOTTLEROCKET_ARM_64."
  }
}

variable "node_min_size" {
  description = "Fewest nodes the node group scales to (the seed: 3, one per AZ)."
  type        = number
  default     = 3

  validation {
    condition     = var.node_min_size >= 1 && floor(var.node_min_size) == var.node_min_size
    error_message = "node_min_size must be a whole number of at least 1."
  }
}

variable "node_max_size" {
  description = "Most nodes the node group scales to (the seed: 10)."
  type        = number
  default     = 10

  validation {
    condition     = floor(var.node_max_size) == var.node_max_size && var.node_max_size >= var.node_min_size && var.node_max_size <= 100
    error_message = "node_max_size must be a whole number from node_min_size to 100."
  }
}

variable "node_desired_size" {
  description = "Nodes at creation; afterwards the cluster autoscaler owns the count."
  type        = number
  default     = 3

  validation {
    condition     = var.node_desired_size >= var.node_min_size && var.node_desired_size <= var.node_max_size
    error_message = "node_desired_size must lie between node_min_size and node_max_size."
  }
}

variable "node_disk_size_gib" {
  description = "Size in GiB of each node's encrypted gp3 root volume."
  type        = number
  default     = 50

  validation {
    condition     = var.node_disk_size_gib >= 20 && var.node_disk_size_gib <= 1000
    error_message = "node_disk_size_gib must be between 20 and 1000."
  }
}

variable "admin_role_arns" {
  description = "IAM role ARNs given cluster-admin through EKS access entries (e.g. the CI deploy role and the platform team's role)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.admin_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "admin_role_arns must hold IAM role ARNs (arn:aws:iam::123456789012:role/...)."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
