# The IRSA role of express-service in dev, for resources that already exist.
provider "aws" {
  region = "eu-west-1"
}

module "service_iam" {
  source = "../.."

  service_name         = "express-service"
  environment          = "dev"
  namespace            = "dev"
  service_account_name = "express-service"
  oidc_issuer_url      = "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF"
  bucket_arn           = "arn:aws:s3:::express-service-dev-123456789012"
  secret_arns          = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev/express-service/app-AbCdEf"]
  queue_arn            = "arn:aws:sqs:eu-west-1:123456789012:express-service-dev-jobs"
  topic_arn            = "arn:aws:sns:eu-west-1:123456789012:express-service-dev-events"
}

output "role_arn" {
  description = "The chart's serviceAccount.awsRoleArn."
  value       = module.service_iam.role_arn
}
