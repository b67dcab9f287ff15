terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.95, < 6.0"
    }
  }

  # State in S3 with S3-native locking (a .tflock object beside the state; no DynamoDB table).
  # Bucket and region are per account: terraform init -backend-config=backend.hcl (see backend.hcl.example).
  backend "s3" {
    key          = "envportal/prod/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
