# Credentials come from the environment: in CI an OIDC-assumed role (aws-actions/configure-aws-credentials).
provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}
