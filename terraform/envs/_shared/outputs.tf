output "region" {
  description = "AWS region of the environment."
  value       = var.region
}

output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "namespace" {
  description = "Namespace the service is deployed to."
  value       = local.namespace
}

output "service_account_role_arn" {
  description = "IRSA role ARN: the chart's serviceAccount.awsRoleArn."
  value       = module.service_iam.role_arn
}

output "bucket_name" {
  description = "The service's S3 bucket."
  value       = module.service_resources.bucket_name
}

output "queue_url" {
  description = "The service's SQS queue URL."
  value       = module.service_resources.queue_url
}

output "dlq_url" {
  description = "The service's dead-letter queue URL."
  value       = module.service_resources.dlq_url
}

output "topic_arn" {
  description = "The service's SNS topic ARN."
  value       = module.service_resources.topic_arn
}

output "secret_arn" {
  description = "The service's Secrets Manager secret ARN."
  value       = module.service_resources.secret_arn
}

output "secret_name" {
  description = "The service's secret name, for the chart's secrets.externalSecret remoteRef key."
  value       = module.service_resources.secret_name
}

output "github_deploy_role_arn" {
  description = "Role for this environment's deploy job: the GitHub environment variable AWS_DEPLOY_ROLE_ARN (null without github_repository)."
  value       = one(module.github_oidc[*].deploy_role_arn)
}

output "github_plan_role_arn" {
  description = "Read-only role for terraform plan on pull requests: the repository variable TF_PLAN_ROLE_ARN (null without github_repository)."
  value       = one(module.github_oidc[*].plan_role_arn)
}

# `terraform output -json helm_values > aws-values.json` gives a values file for
# `helm upgrade -f values-<env>.yaml -f aws-values.json` (JSON is valid YAML).
output "helm_values" {
  description = "Chart values that come from Terraform: the IRSA role and the AWS resource names as environment variables."
  value = {
    serviceAccount = {
      name       = var.service_account_name
      awsRoleArn = module.service_iam.role_arn
    }
    config = {
      extraEnv = {
        AWS_REGION        = var.region
        AWS_S3_BUCKET     = module.service_resources.bucket_name
        AWS_SQS_QUEUE_URL = module.service_resources.queue_url
        AWS_SNS_TOPIC_ARN = module.service_resources.topic_arn
        AWS_SECRET_ARN    = module.service_resources.secret_arn
      }
    }
  }
}
