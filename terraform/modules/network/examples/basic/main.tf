# The dev network: the seed's subnets in eu-west-1 with one shared NAT gateway.
provider "aws" {
  region = "eu-west-1"
}

module "network" {
  source = "../.."

  name             = "envportal-example"
  environment      = "dev"
  azs              = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  nat_gateway_mode = "single"
}

output "private_app_subnet_ids" {
  description = "Subnets for the EKS nodes."
  value       = module.network.private_app_subnet_ids
}
