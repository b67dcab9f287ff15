# Names and trust subjects, derived from variables only (checked offline by scripts/iac/test-validations).
locals {
  # Only a job that runs in the GitHub environment <environment> (after its required reviewers approve)
  # gets a token with this subject.
  deploy_subject = "repo:${var.repository}:environment:${var.environment}"
  # Pull-request workflows of this repository (terraform.yaml's plan job).
  plan_subject = "repo:${var.repository}:pull_request"

  deploy_role_name = "github-deploy-${var.environment}"
  plan_role_name   = "github-plan-${var.environment}"

  tags = merge(var.tags, {
    Environment = var.environment
    ManagedBy   = "terraform"
  })
}
