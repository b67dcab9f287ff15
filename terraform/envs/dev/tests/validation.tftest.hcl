# What makes dev dev; the shared variables' validation runs once, in ../_shared/tests. Provider-free: scripts/iac/test-validations
# runs it offline against variables.tf + locals.tf.

# Against the whole environment (terraform.yaml on pull requests), plans run with a mocked AWS
# provider; against the provider-free copy the mock is unused.
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

run "dev_settings" {
  command = plan

  assert {
    condition     = local.environment == "dev" && local.namespace == "dev"
    error_message = "The dev stack deploys into namespace dev unless told otherwise."
  }

  assert {
    condition     = local.nat_gateway_mode == "single"
    error_message = "dev must use nat_gateway_mode = single."
  }

  assert {
    condition     = local.node_min_size == 3 && local.node_max_size == 10
    error_message = "Node groups scale between 3 and 10 nodes (the seed's Infrastructure Scalability)."
  }

  assert {
    condition     = local.state_key == "envportal/dev/terraform.tfstate"
    error_message = "The state key the GitHub roles may read must be this environment's backend key."
  }
}

run "namespace_can_be_overridden" {
  command = plan

  variables {
    namespace = "team-a"
  }

  assert {
    condition     = local.namespace == "team-a"
    error_message = "An explicit namespace wins over the environment's name."
  }
}
