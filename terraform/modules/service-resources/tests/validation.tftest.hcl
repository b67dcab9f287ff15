# Variable validation and derived names. Provider-free: scripts/iac/test-validations runs this file
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
  service_name = "express-service"
  environment  = "dev"
}

run "names_follow_the_environment" {
  command = plan

  assert {
    condition     = local.secret_name == "dev/express-service/app"
    error_message = "The secret must sit under the environment prefix that the IRSA policy allows."
  }

  assert {
    condition     = local.queue_name == "express-service-dev-jobs" && local.dlq_name == "express-service-dev-jobs-dlq"
    error_message = "Queues are named <service>-<environment>-jobs and ...-jobs-dlq."
  }

  assert {
    condition     = !local.rotation_enabled && !local.access_logging
    error_message = "Rotation and access logging stay off until their inputs are given."
  }
}

run "rotation_turns_on_with_a_lambda" {
  command = plan

  variables {
    environment                = "prod"
    secret_rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:secrets-rotation"
  }

  assert {
    condition     = local.rotation_enabled && var.secret_rotation_days == 30
    error_message = "A rotation Lambda turns rotation on, every 30 days by default."
  }
}

run "rejects_prod_without_rotation" {
  command = plan

  variables {
    environment = "prod"
  }

  expect_failures = [var.secret_rotation_lambda_arn]
}

run "rejects_malformed_rotation_lambda" {
  command = plan

  variables {
    secret_rotation_lambda_arn = "secrets-rotation"
  }

  expect_failures = [var.secret_rotation_lambda_arn]
}

run "rejects_force_destroy_in_prod" {
  command = plan

  variables {
    environment                = "prod"
    secret_rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:secrets-rotation"
    bucket_force_destroy       = true
  }

  expect_failures = [var.bucket_force_destroy]
}

run "rejects_invalid_bucket_name" {
  command = plan

  variables {
    bucket_name = "Express_Service"
  }

  expect_failures = [var.bucket_name]
}

run "rejects_dlq_shorter_than_queue" {
  command = plan

  variables {
    queue_message_retention_seconds = 604800
    dlq_message_retention_seconds   = 86400
  }

  expect_failures = [var.dlq_message_retention_seconds]
}

run "rejects_retention_beyond_sqs_limit" {
  command = plan

  variables {
    queue_message_retention_seconds = 1209601
  }

  expect_failures = [var.queue_message_retention_seconds]
}

run "rejects_zero_max_receive_count" {
  command = plan

  variables {
    queue_max_receive_count = 0
  }

  expect_failures = [var.queue_max_receive_count]
}

run "rejects_recovery_window_secrets_manager_does_not_offer" {
  command = plan

  variables {
    secret_recovery_window_days = 3
  }

  expect_failures = [var.secret_recovery_window_days]
}

run "rejects_immediate_secret_deletion_in_prod" {
  command = plan

  variables {
    environment                 = "prod"
    secret_rotation_lambda_arn  = "arn:aws:lambda:eu-west-1:123456789012:function:secrets-rotation"
    secret_recovery_window_days = 0
  }

  expect_failures = [var.secret_recovery_window_days]
}

run "rejects_short_kms_deletion_window" {
  command = plan

  variables {
    kms_deletion_window_days = 1
  }

  expect_failures = [var.kms_deletion_window_days]
}

run "rejects_long_service_name" {
  command = plan

  variables {
    service_name = "a-service-name-that-is-far-too-long-for-buckets"
  }

  expect_failures = [var.service_name]
}
