# Deploy and plan roles for the prod environment of my-org/envportal.
provider "aws" {
  region = "eu-west-1"
}

module "github_oidc" {
  source = "../.."

  repository        = "my-org/envportal"
  environment       = "prod"
  cluster_name      = "envportal-prod"
  state_bucket_name = "my-org-terraform-state"
  state_key         = "envportal/prod/terraform.tfstate"
}

output "deploy_role_arn" {
  description = "Set as AWS_DEPLOY_ROLE_ARN in the prod GitHub environment."
  value       = module.github_oidc.deploy_role_arn
}
