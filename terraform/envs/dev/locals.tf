# dev: one NAT gateway and burstable nodes keep the bill low; its data is disposable.
# Values only (no resource or data source), so scripts/iac/test-validations checks them offline.
locals {
  environment = "dev"
  name        = "envportal-dev"
  namespace   = coalesce(var.namespace, local.environment)
  # Must equal the backend key in versions.tf (a backend block cannot read locals).
  state_key = "envportal/dev/terraform.tfstate"

  nat_gateway_mode                 = "single"
  node_instance_types              = ["t3.large"]
  node_min_size                    = 3
  node_max_size                    = 10
  control_plane_log_retention_days = 30
  bucket_force_destroy             = true

  tags = merge(var.tags, {
    Project     = "envportal"
    Environment = local.environment
    ManagedBy   = "terraform"
  })
}
