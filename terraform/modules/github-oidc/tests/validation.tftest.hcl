# Trust subjects and variable validation. Provider-free: scripts/iac/test-validations runs this file
# offline against variables.tf + locals.tf.

# Against the whole module, plans run with a mocked AWS provider (no credentials, no API calls).
# Against the provider-free copy the mock is simply unused, so nothing has to be downloaded.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  repository        = "my-org/envportal"
  environment       = "prod"
  cluster_name      = "envportal-prod"
  state_bucket_name = "my-org-terraform-state"
  state_key         = "envportal/prod/terraform.tfstate"
}

run "deploy_role_trusts_only_the_environment" {
  command = plan

  assert {
    condition     = local.deploy_subject == "repo:my-org/envportal:environment:prod"
    error_message = "Only jobs of the prod GitHub environment (behind its reviewers) may assume the prod deploy role."
  }

  assert {
    condition     = local.plan_subject == "repo:my-org/envportal:pull_request"
    error_message = "The plan role trusts pull-request workflows of the repository."
  }

  assert {
    condition     = local.deploy_role_name == "github-deploy-prod" && local.plan_role_name == "github-plan-prod"
    error_message = "Roles are named github-deploy-<env> and github-plan-<env>."
  }
}

run "rejects_repository_without_owner" {
  command = plan

  variables {
    repository = "envportal"
  }

  expect_failures = [var.repository]
}

run "rejects_wildcard_repository" {
  command = plan

  variables {
    repository = "my-org/*"
  }

  expect_failures = [var.repository]
}

run "rejects_missing_provider_when_not_creating_one" {
  command = plan

  variables {
    create_oidc_provider = false
  }

  expect_failures = [var.oidc_provider_arn]
}

run "rejects_foreign_oidc_provider" {
  command = plan

  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
  }

  expect_failures = [var.oidc_provider_arn]
}

run "rejects_wildcard_state_key" {
  command = plan

  variables {
    state_key = "envportal/*.tfstate"
  }

  expect_failures = [var.state_key]
}
