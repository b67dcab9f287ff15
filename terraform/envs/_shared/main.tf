# The environment: network, cluster, and the service's resources and IRSA role (shared by every env;
# the values that differ per environment come from its locals.tf).

module "network" {
  source = "../../modules/network"

  name                    = local.name
  environment             = local.environment
  azs                     = var.azs
  nat_gateway_mode        = local.nat_gateway_mode
  flow_log_retention_days = 30
}

module "eks" {
  source = "../../modules/eks"

  cluster_name       = local.name
  environment        = local.environment
  kubernetes_version = var.kubernetes_version
  vpc_id             = module.network.vpc_id
  subnet_ids         = module.network.private_app_subnet_ids

  endpoint_private_access      = true
  endpoint_public_access       = length(var.api_public_access_cidrs) > 0
  endpoint_public_access_cidrs = var.api_public_access_cidrs

  control_plane_log_retention_days = local.control_plane_log_retention_days

  node_instance_types = local.node_instance_types
  node_min_size       = local.node_min_size
  node_max_size       = local.node_max_size
  node_desired_size   = local.node_min_size

  # The GitHub deploy role needs Kubernetes rights to run helm.
  admin_role_arns = concat(var.admin_role_arns, module.github_oidc[*].deploy_role_arn)
}

module "service_resources" {
  source = "../../modules/service-resources"

  service_name               = var.service_name
  environment                = local.environment
  bucket_force_destroy       = local.bucket_force_destroy
  secret_rotation_lambda_arn = var.secret_rotation_lambda_arn
}

module "service_iam" {
  source = "../../modules/service-iam"

  service_name         = var.service_name
  environment          = local.environment
  namespace            = local.namespace
  service_account_name = var.service_account_name
  oidc_issuer_url      = module.eks.oidc_issuer_url
  bucket_arn           = module.service_resources.bucket_arn
  secret_arns          = [module.service_resources.secret_arn]
  queue_arn            = module.service_resources.queue_arn
  topic_arn            = module.service_resources.topic_arn
  kms_key_arns         = [module.service_resources.kms_key_arn]
}

module "github_oidc" {
  source = "../../modules/github-oidc"
  count  = var.github_repository == null ? 0 : 1

  repository           = var.github_repository
  environment          = local.environment
  create_oidc_provider = var.github_oidc_provider_arn == null
  oidc_provider_arn    = var.github_oidc_provider_arn
  cluster_name         = local.name
  state_bucket_name    = var.state_bucket_name
  state_key            = local.state_key
}
