output "role_arn" {
  description = "ARN of the IRSA role; the chart puts it in the service account's eks.amazonaws.com/role-arn annotation."
  value       = module.irsa_role.iam_role_arn
}

output "role_name" {
  description = "Name of the IRSA role."
  value       = module.irsa_role.iam_role_name
}

output "policy_arn" {
  description = "ARN of the service's least-privilege policy."
  value       = aws_iam_policy.service.arn
}

output "service_account_subject" {
  description = "The only OIDC subject the role trusts (system:serviceaccount:<namespace>:<name>)."
  value       = local.service_account_subject
}
