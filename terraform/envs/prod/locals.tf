# prod: one NAT gateway per AZ so an AZ outage keeps egress; longer log retention.
# Values only (no resource or data source), so scripts/iac/test-validations checks them offline.
locals {
  environment = "prod"
  name        = "envportal-prod"
  namespace   = coalesce(var.namespace, local.environment)
  # Must equal the backend key in versions.tf (a backend block cannot read locals).
  state_key = "envportal/prod/terraform.tfstate"

  nat_gateway_mode                 = "per_az"
  node_instance_types              = ["m6i.large", "m5.large"]
  node_min_size                    = 3
  node_max_size                    = 10
  control_plane_log_retention_days = 90
  bucket_force_destroy             = false

  tags = merge(var.tags, {
    Project     = "envportal"
    Environment = local.environment
    ManagedBy   = "terraform"
  })
}
