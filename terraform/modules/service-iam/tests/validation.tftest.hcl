# Variable validation and the least-privilege policy. Provider-free: scripts/iac/test-validations runs
# this file offline against variables.tf + locals.tf; with the AWS provider it also runs against the module.

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
  service_name         = "express-service"
  environment          = "dev"
  namespace            = "dev"
  service_account_name = "express-service"
  oidc_issuer_url      = "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF"
  bucket_arn           = "arn:aws:s3:::express-service-dev-123456789012"
  secret_arns          = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev/express-service/app-AbCdEf"]
  queue_arn            = "arn:aws:sqs:eu-west-1:123456789012:express-service-dev-jobs"
  topic_arn            = "arn:aws:sns:eu-west-1:123456789012:express-service-dev-events"
  kms_key_arns         = ["arn:aws:kms:eu-west-1:123456789012:key/0123abcd-4567-89ab-cdef-0123456789ab"]
}

run "trusts_only_the_service_account" {
  command = plan

  assert {
    condition     = local.service_account_subject == "system:serviceaccount:dev:express-service"
    error_message = "The role must trust exactly system:serviceaccount:<namespace>:<service account>."
  }

  assert {
    condition     = local.oidc_provider_url == "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF"
    error_message = "The provider URL handed to the IAM module must not carry the https:// scheme."
  }

  assert {
    condition     = local.role_name == "express-service-dev"
    error_message = "The role is named <service>-<environment>."
  }
}

run "policy_names_only_the_services_resources" {
  command = plan

  assert {
    condition = toset(flatten([for s in jsondecode(local.policy_json).Statement : s.Resource])) == toset([
      "arn:aws:s3:::express-service-dev-123456789012",
      "arn:aws:s3:::express-service-dev-123456789012/*",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev/express-service/app-AbCdEf",
      "arn:aws:sqs:eu-west-1:123456789012:express-service-dev-jobs",
      "arn:aws:sns:eu-west-1:123456789012:express-service-dev-events",
      "arn:aws:kms:eu-west-1:123456789012:key/0123abcd-4567-89ab-cdef-0123456789ab",
    ])
    error_message = "The policy must name exactly the bucket (+/*), the secret, the queue, the topic and the key: no wildcard resource."
  }

  assert {
    condition     = alltrue([for s in jsondecode(local.policy_json).Statement : s.Effect == "Allow" && alltrue([for a in s.Action : !strcontains(a, "*")])])
    error_message = "No action may be a wildcard."
  }

  assert {
    condition     = [for s in jsondecode(local.policy_json).Statement : s.Action if s.Sid == "PublishServiceTopic"][0] == ["sns:Publish"]
    error_message = "SNS access is publish only."
  }

  assert {
    condition     = contains([for s in jsondecode(local.policy_json).Statement : s.Condition if s.Sid == "UseServiceKeysThroughServices"][0].StringLike["kms:ViaService"], "sqs.eu-west-1.amazonaws.com")
    error_message = "KMS use must be limited to calls made through the service's AWS services."
  }
}

run "no_kms_statement_without_keys" {
  command = plan

  variables {
    kms_key_arns = []
  }

  assert {
    condition     = length(jsondecode(local.policy_json).Statement) == 5
    error_message = "Without KMS keys the policy has the five S3/Secrets/SQS/SNS statements only."
  }
}

run "rejects_secret_of_another_environment" {
  command = plan

  variables {
    secret_arns = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/express-service/app-AbCdEf"]
  }

  expect_failures = [var.secret_arns]
}

run "rejects_wildcard_secret" {
  command = plan

  variables {
    secret_arns = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev/*"]
  }

  expect_failures = [var.secret_arns]
}

run "rejects_no_secret" {
  command = plan

  variables {
    secret_arns = []
  }

  expect_failures = [var.secret_arns]
}

run "rejects_object_path_as_bucket" {
  command = plan

  variables {
    bucket_arn = "arn:aws:s3:::express-service-dev-123456789012/*"
  }

  expect_failures = [var.bucket_arn]
}

run "rejects_wildcard_queue" {
  command = plan

  variables {
    queue_arn = "arn:aws:sqs:eu-west-1:123456789012:*"
  }

  expect_failures = [var.queue_arn]
}

run "rejects_wildcard_topic" {
  command = plan

  variables {
    topic_arn = "arn:aws:sns:eu-west-1:123456789012:*"
  }

  expect_failures = [var.topic_arn]
}

run "rejects_kms_alias" {
  command = plan

  variables {
    kms_key_arns = ["arn:aws:kms:eu-west-1:123456789012:alias/express-service"]
  }

  expect_failures = [var.kms_key_arns]
}

run "rejects_invalid_namespace" {
  command = plan

  variables {
    namespace = "Dev_Namespace"
  }

  expect_failures = [var.namespace]
}

run "rejects_non_eks_issuer" {
  command = plan

  variables {
    oidc_issuer_url = "https://token.actions.githubusercontent.com"
  }

  expect_failures = [var.oidc_issuer_url]
}

run "rejects_unknown_environment" {
  command = plan

  variables {
    environment = "qa"
  }

  expect_failures = [var.environment]
}
