# Values derived from variables only (checked offline by scripts/iac/test-validations).
locals {
  control_plane_subnet_ids = length(var.control_plane_subnet_ids) > 0 ? var.control_plane_subnet_ids : var.subnet_ids

  # The public endpoint's allow-list is only meaningful, and only sent, when the endpoint is public.
  endpoint_public_access_cidrs = var.endpoint_public_access ? var.endpoint_public_access_cidrs : []

  # One managed node group spread over the private application subnets (one per AZ).
  node_group = {
    ami_type       = var.node_ami_type
    instance_types = var.node_instance_types
    capacity_type  = var.node_capacity_type
    min_size       = var.node_min_size
    max_size       = var.node_max_size
    desired_size   = var.node_desired_size
    subnet_ids     = var.subnet_ids
    labels         = { environment = var.environment }
    block_device_mappings = {
      root = {
        device_name = "/dev/xvda"
        ebs = {
          volume_size           = var.node_disk_size_gib
          volume_type           = "gp3"
          encrypted             = true
          delete_on_termination = true
        }
      }
    }
  }

  tags = merge(var.tags, {
    Environment = var.environment
    ManagedBy   = "terraform"
  })
}
