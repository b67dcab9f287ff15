# Values derived from variables only: no resource, data source or module is referenced here, so
# scripts/iac/test-validations can check them offline without the AWS provider.
locals {
  single_nat_gateway     = var.nat_gateway_mode == "single"
  one_nat_gateway_per_az = var.nat_gateway_mode == "per_az"
  nat_gateway_count      = local.single_nat_gateway ? 1 : length(var.azs)

  # The subnet plan per AZ, as the seed's "Network Segmentation" table writes it.
  subnet_layout = {
    for i, az in var.azs : az => {
      public       = var.public_subnet_cidrs[i]
      private_app  = var.private_app_subnet_cidrs[i]
      private_data = var.private_data_subnet_cidrs[i]
    }
  }

  # Kubernetes load balancer controllers pick subnets by these tags.
  public_subnet_tags      = { "kubernetes.io/role/elb" = "1", Tier = "public" }
  private_app_subnet_tags = { "kubernetes.io/role/internal-elb" = "1", Tier = "private-app" }
  private_data_tags       = { Tier = "private-data" }

  tags = merge(var.tags, {
    Environment = var.environment
    ManagedBy   = "terraform"
  })
}
