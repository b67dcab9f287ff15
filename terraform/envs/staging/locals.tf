# staging: prod-sized nodes for load tests, one NAT gateway (an AZ outage may cut egress, accepted here).
# Values only (no resource or data source), so scripts/iac/test-validations checks them offline.
locals {
  environment = "staging"
  name        = "envportal-staging"
  namespace   = coalesce(var.namespace, local.environment)
  # Must equal the backend key in versions.tf (a backend block cannot read locals).
  state_key = "envportal/staging/terraform.tfstate"

  nat_gateway_mode                 = "single"
  node_instance_types              = ["m6i.large"]
  node_min_size                    = 3
  node_max_size                    = 10
  control_plane_log_retention_days = 30
  bucket_force_destroy             = false

  tags = merge(var.tags, {
    Project     = "envportal"
    Environment = local.environment
    ManagedBy   = "terraform"
  })
}
