# A private cluster in an existing VPC, scaling 3-10 nodes.
provider "aws" {
  region = "eu-west-1"
}

module "eks" {
  source = "../.."

  cluster_name = "envportal-example"
  environment  = "dev"
  vpc_id       = "vpc-0123456789abcdef0"
  subnet_ids   = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]

  admin_role_arns = ["arn:aws:iam::123456789012:role/platform-admin"]
}

output "oidc_issuer_url" {
  description = "Input to service-iam."
  value       = module.eks.oidc_issuer_url
}
