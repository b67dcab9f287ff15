# Exactly the service's own bucket, secrets, queue and topic (the seed's "Service-Specific Policies").
resource "aws_iam_policy" "service" {
  name        = "${local.role_name}-access"
  description = "Least-privilege access of ${var.service_name} in ${var.environment} to its own AWS resources."
  policy      = local.policy_json
  tags        = local.tags
}

# IRSA: only the named service account in the named namespace, with the STS audience, may assume the role.
module "irsa_role" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact version (the seed uses the registry); a git commit source would bypass the registry and its version constraints.
  source  = "terraform-aws-modules/iam/aws//modules/iam-assumable-role-with-oidc"
  version = "5.46.0"

  create_role                    = true
  role_name                      = local.role_name
  role_description               = "IRSA role of ${var.service_name} in ${var.environment} (${local.service_account_subject})"
  provider_url                   = local.oidc_provider_url
  oidc_fully_qualified_subjects  = [local.service_account_subject]
  oidc_fully_qualified_audiences = ["sts.amazonaws.com"]
  role_policy_arns               = [aws_iam_policy.service.arn]
  number_of_role_policy_arns     = 1
  role_permissions_boundary_arn  = var.permissions_boundary_arn == null ? "" : var.permissions_boundary_arn

  tags = local.tags
}
