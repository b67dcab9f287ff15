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
  cluster_name = "envportal-test"
  environment  = "dev"
  vpc_id       = "vpc-0123456789abcdef0"
  subnet_ids   = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]
}

run "defaults_follow_the_seed" {
  command = plan

  assert {
    condition     = local.node_group.min_size == 3 && local.node_group.max_size == 10
    error_message = "The node group must scale between 3 and 10 nodes by default."
  }

  assert {
    condition     = local.node_group.block_device_mappings.root.ebs.encrypted
    error_message = "Node root volumes must be encrypted."
  }

  assert {
    condition     = length(local.control_plane_subnet_ids) == 3 && alltrue([for i, s in local.control_plane_subnet_ids : s == var.subnet_ids[i]]) && length(local.endpoint_public_access_cidrs) == 0
    error_message = "A private-only cluster uses the node subnets for the control plane and sends no public allow-list."
  }

  assert {
    condition     = length(var.control_plane_log_types) == 5
    error_message = "All five control-plane log types must be on by default."
  }
}

run "public_endpoint_with_allow_list" {
  command = plan

  variables {
    endpoint_public_access       = true
    endpoint_public_access_cidrs = ["203.0.113.0/24"]
  }

  assert {
    condition     = local.endpoint_public_access_cidrs == tolist(["203.0.113.0/24"])
    error_message = "The allow-list must reach the cluster when the endpoint is public."
  }
}

run "rejects_public_endpoint_open_to_the_world" {
  command = plan

  variables {
    endpoint_public_access       = true
    endpoint_public_access_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.endpoint_public_access_cidrs]
}

run "rejects_public_endpoint_without_allow_list" {
  command = plan

  variables {
    endpoint_public_access = true
  }

  expect_failures = [var.endpoint_public_access_cidrs]
}

run "rejects_no_endpoint_at_all" {
  command = plan

  variables {
    endpoint_private_access = false
  }

  expect_failures = [var.endpoint_public_access]
}

run "rejects_unsupported_kubernetes_version" {
  command = plan

  variables {
    kubernetes_version = "1.21"
  }

  expect_failures = [var.kubernetes_version]
}

run "rejects_long_cluster_name" {
  command = plan

  variables {
    cluster_name = "envportal-a-very-long-cluster-name"
  }

  expect_failures = [var.cluster_name]
}

run "rejects_malformed_vpc_id" {
  command = plan

  variables {
    vpc_id = "vpc-xyz"
  }

  expect_failures = [var.vpc_id]
}

run "rejects_single_subnet" {
  command = plan

  variables {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }

  expect_failures = [var.subnet_ids]
}

run "rejects_malformed_instance_type" {
  command = plan

  variables {
    node_instance_types = ["large"]
  }

  expect_failures = [var.node_instance_types]
}

run "rejects_too_small_instance_type" {
  command = plan

  variables {
    node_instance_types = ["t3.micro"]
  }

  expect_failures = [var.node_instance_types]
}

run "rejects_max_below_min" {
  command = plan

  variables {
    node_min_size = 3
    node_max_size = 2
  }

  expect_failures = [var.node_max_size]
}

run "rejects_desired_above_max" {
  command = plan

  variables {
    node_desired_size = 11
  }

  expect_failures = [var.node_desired_size]
}

run "rejects_disabling_audit_log" {
  command = plan

  variables {
    control_plane_log_types = ["api"]
  }

  expect_failures = [var.control_plane_log_types]
}

run "rejects_unknown_log_type" {
  command = plan

  variables {
    control_plane_log_types = ["audit", "kubelet"]
  }

  expect_failures = [var.control_plane_log_types]
}

run "rejects_non_role_admin" {
  command = plan

  variables {
    admin_role_arns = ["arn:aws:iam::123456789012:user/alice"]
  }

  expect_failures = [var.admin_role_arns]
}

run "rejects_unknown_capacity_type" {
  command = plan

  variables {
    node_capacity_type = "RESERVED"
  }

  expect_failures = [var.node_capacity_type]
}
