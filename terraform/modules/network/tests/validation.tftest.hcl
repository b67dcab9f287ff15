# Variable validation and derived values. Provider-free: scripts/iac/test-validations runs this file
# offline against variables.tf + locals.tf; with the AWS provider it also runs against the whole module.

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
  name        = "envportal-test"
  environment = "dev"
  azs         = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

run "seed_layout_is_the_default" {
  command = plan

  assert {
    condition     = local.subnet_layout["eu-west-1a"].public == "10.0.0.0/24" && local.subnet_layout["eu-west-1b"].private_app == "10.0.11.0/24" && local.subnet_layout["eu-west-1c"].private_data == "10.0.22.0/24"
    error_message = "The default subnets must follow the seed: public 10.0.0-2.0/24, private-app 10.0.10-12.0/24, private-data 10.0.20-22.0/24."
  }

  assert {
    condition     = local.nat_gateway_count == 3 && local.one_nat_gateway_per_az && !local.single_nat_gateway
    error_message = "The default NAT mode must be one gateway per AZ."
  }
}

run "single_nat_for_dev" {
  command = plan

  variables {
    nat_gateway_mode = "single"
  }

  assert {
    condition     = local.nat_gateway_count == 1 && local.single_nat_gateway && !local.one_nat_gateway_per_az
    error_message = "nat_gateway_mode = single must create exactly one NAT gateway."
  }
}

run "rejects_unknown_environment" {
  command = plan

  variables {
    environment = "qa"
  }

  expect_failures = [var.environment]
}

run "rejects_invalid_vpc_cidr" {
  command = plan

  variables {
    vpc_cidr = "10.0.0.0/33"
  }

  expect_failures = [var.vpc_cidr]
}

run "rejects_vpc_cidr_with_host_bits" {
  command = plan

  variables {
    vpc_cidr = "10.0.5.0/16"
  }

  expect_failures = [var.vpc_cidr]
}

run "rejects_two_azs" {
  command = plan

  variables {
    azs = ["eu-west-1a", "eu-west-1b"]
  }

  expect_failures = [var.azs]
}

run "rejects_malformed_az" {
  command = plan

  variables {
    azs = ["eu-west-1a", "eu-west-1b", "west"]
  }

  expect_failures = [var.azs]
}

run "rejects_subnet_outside_vpc" {
  command = plan

  variables {
    private_app_subnet_cidrs = ["10.0.10.0/24", "10.0.11.0/24", "10.1.12.0/24"]
  }

  expect_failures = [var.private_app_subnet_cidrs]
}

run "rejects_overlapping_tiers" {
  command = plan

  variables {
    private_data_subnet_cidrs = ["10.0.20.0/24", "10.0.21.0/24", "10.0.12.0/24"]
  }

  expect_failures = [var.private_data_subnet_cidrs]
}

run "rejects_unknown_nat_mode" {
  command = plan

  variables {
    nat_gateway_mode = "instance"
  }

  expect_failures = [var.nat_gateway_mode]
}

run "rejects_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    flow_log_retention_days = 31
  }

  expect_failures = [var.flow_log_retention_days]
}

run "rejects_unknown_traffic_type" {
  command = plan

  variables {
    flow_log_traffic_type = "DROP"
  }

  expect_failures = [var.flow_log_traffic_type]
}
