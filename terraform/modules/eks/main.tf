data "aws_partition" "current" {}

module "eks" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact version (the seed uses the registry); a git commit source would bypass the registry and its version constraints.
  source  = "terraform-aws-modules/eks/aws"
  version = "20.37.2"

  cluster_name    = var.cluster_name
  cluster_version = var.kubernetes_version

  vpc_id                   = var.vpc_id
  subnet_ids               = var.subnet_ids
  control_plane_subnet_ids = local.control_plane_subnet_ids

  cluster_endpoint_private_access      = var.endpoint_private_access
  cluster_endpoint_public_access       = var.endpoint_public_access
  cluster_endpoint_public_access_cidrs = local.endpoint_public_access_cidrs

  cluster_enabled_log_types              = var.control_plane_log_types
  cloudwatch_log_group_retention_in_days = var.control_plane_log_retention_days

  # Kubernetes Secrets are envelope-encrypted with a customer-managed key the module creates.
  create_kms_key            = true
  enable_kms_key_rotation   = true
  cluster_encryption_config = { resources = ["secrets"] }

  # IRSA: the cluster's OIDC issuer becomes an IAM identity provider that service-iam roles trust.
  enable_irsa = true

  authentication_mode                      = "API"
  enable_cluster_creator_admin_permissions = false
  access_entries = {
    for i, arn in var.admin_role_arns : "admin-${i}" => {
      principal_arn = arn
      policy_associations = {
        cluster_admin = {
          policy_arn   = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = { type = "cluster" }
        }
      }
    }
  }

  cluster_addons = {
    coredns    = {}
    kube-proxy = {}
    vpc-cni    = { before_compute = true }
  }

  eks_managed_node_groups = {
    default = local.node_group
  }

  tags = local.tags
}
