variable "name" {
  description = "Name prefix for the VPC and everything in it, e.g. \"envportal-prod\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment this network serves."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC (the seed uses 10.0.0.0/16)."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && can(regex("^[0-9.]+/(1[6-9]|2[0-4])$", var.vpc_cidr))
    error_message = "vpc_cidr must be a valid IPv4 CIDR with a prefix length between /16 and /24."
  }

  validation {
    condition     = try(cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0], false)
    error_message = "vpc_cidr must name the network address (no host bits set), e.g. 10.0.0.0/16."
  }
}

variable "azs" {
  description = "Exactly three availability zones, one per subnet of each tier, e.g. [\"eu-west-1a\", \"eu-west-1b\", \"eu-west-1c\"]."
  type        = list(string)

  validation {
    condition     = length(var.azs) == 3 && length(distinct(var.azs)) == 3
    error_message = "azs must list exactly three distinct availability zones."
  }

  validation {
    condition     = alltrue([for az in var.azs : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$", az))])
    error_message = "Each availability zone must look like eu-west-1a."
  }
}

variable "public_subnet_cidrs" {
  description = "CIDRs of the public (DMZ) subnets, one per AZ in azs order: load balancers and NAT gateways."
  type        = list(string)
  default     = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]

  validation {
    condition     = length(var.public_subnet_cidrs) == 3 && alltrue([for c in var.public_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "public_subnet_cidrs must hold three valid IPv4 CIDRs."
  }

  validation {
    condition     = alltrue([for c in var.public_subnet_cidrs : try(tonumber(split("/", c)[1]) >= tonumber(split("/", var.vpc_cidr)[1]) && cidrhost("${cidrhost(c, 0)}/${split("/", var.vpc_cidr)[1]}", 0) == cidrhost(var.vpc_cidr, 0), false)])
    error_message = "Every public subnet must lie inside vpc_cidr."
  }
}

variable "private_app_subnet_cidrs" {
  description = "CIDRs of the private application subnets, one per AZ in azs order: EKS nodes and pods."
  type        = list(string)
  default     = ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"]

  validation {
    condition     = length(var.private_app_subnet_cidrs) == 3 && alltrue([for c in var.private_app_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "private_app_subnet_cidrs must hold three valid IPv4 CIDRs."
  }

  validation {
    condition     = alltrue([for c in var.private_app_subnet_cidrs : try(tonumber(split("/", c)[1]) >= tonumber(split("/", var.vpc_cidr)[1]) && cidrhost("${cidrhost(c, 0)}/${split("/", var.vpc_cidr)[1]}", 0) == cidrhost(var.vpc_cidr, 0), false)])
    error_message = "Every private application subnet must lie inside vpc_cidr."
  }
}

variable "private_data_subnet_cidrs" {
  description = "CIDRs of the private data subnets, one per AZ in azs order: databases and caches, with no route to the internet."
  type        = list(string)
  default     = ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24"]

  validation {
    condition     = length(var.private_data_subnet_cidrs) == 3 && alltrue([for c in var.private_data_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "private_data_subnet_cidrs must hold three valid IPv4 CIDRs."
  }

  validation {
    condition     = alltrue([for c in var.private_data_subnet_cidrs : try(tonumber(split("/", c)[1]) >= tonumber(split("/", var.vpc_cidr)[1]) && cidrhost("${cidrhost(c, 0)}/${split("/", var.vpc_cidr)[1]}", 0) == cidrhost(var.vpc_cidr, 0), false)])
    error_message = "Every private data subnet must lie inside vpc_cidr."
  }

  validation {
    condition     = length(distinct(concat(var.public_subnet_cidrs, var.private_app_subnet_cidrs, var.private_data_subnet_cidrs))) == length(concat(var.public_subnet_cidrs, var.private_app_subnet_cidrs, var.private_data_subnet_cidrs))
    error_message = "The public, private application and private data subnets must not repeat a CIDR."
  }
}

variable "nat_gateway_mode" {
  description = "\"per_az\" puts one NAT gateway in each AZ (prod: an AZ outage keeps egress); \"single\" shares one (dev/staging: cheaper)."
  type        = string
  default     = "per_az"

  validation {
    condition     = contains(["single", "per_az"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be \"single\" or \"per_az\"."
  }
}

variable "flow_log_traffic_type" {
  description = "Which traffic VPC flow logs capture; ALL records both ACCEPT and REJECT as the seed asks."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

variable "flow_log_retention_days" {
  description = "Days CloudWatch Logs keeps the VPC flow logs (the seed asks for 30)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
