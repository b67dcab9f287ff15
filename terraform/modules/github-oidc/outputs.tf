output "deploy_role_arn" {
  description = "Role for the deploy job (GitHub environment variable AWS_DEPLOY_ROLE_ARN); give it Kubernetes rights with the eks module's admin_role_arns."
  value       = aws_iam_role.deploy.arn
}

output "plan_role_arn" {
  description = "Read-only role for terraform plan on pull requests (repository variable TF_PLAN_ROLE_ARN)."
  value       = aws_iam_role.plan.arn
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC identity provider the roles trust."
  value       = local.oidc_provider_arn
}

output "deploy_subject" {
  description = "The only GitHub token subject the deploy role trusts."
  value       = local.deploy_subject
}
