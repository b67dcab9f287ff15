# Validation of the variables every environment shares (envs/_shared/variables.tf), run once for all
# three. Provider-free: scripts/iac/test-validations runs it against variables.tf alone.

run "rejects_az_outside_region" {
  command = plan

  variables {
    region = "eu-central-1"
  }

  expect_failures = [var.azs]
}

run "rejects_api_open_to_the_world" {
  command = plan

  variables {
    api_public_access_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.api_public_access_cidrs]
}

run "rejects_malformed_rotation_lambda" {
  command = plan

  variables {
    secret_rotation_lambda_arn = "arn:aws:iam::123456789012:role/rotation"
  }

  expect_failures = [var.secret_rotation_lambda_arn]
}

run "rejects_github_roles_without_state_bucket" {
  command = plan

  variables {
    github_repository = "my-org/envportal"
  }

  expect_failures = [var.state_bucket_name]
}
