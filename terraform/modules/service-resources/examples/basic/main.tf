# express-service's bucket, queues, topic and rotated secret in staging.
provider "aws" {
  region = "eu-west-1"
}

module "service_resources" {
  source = "../.."

  service_name               = "express-service"
  environment                = "staging"
  secret_rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:secrets-rotation"
}

output "queue_url" {
  description = "The service's queue."
  value       = module.service_resources.queue_url
}
