output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  value       = module.vpc.vpc_cidr_block
}

output "azs" {
  description = "Availability zones the subnets are spread over, in subnet order."
  value       = var.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, in azs order."
  value       = module.vpc.public_subnets
}

output "private_app_subnet_ids" {
  description = "IDs of the private application subnets (EKS nodes), in azs order."
  value       = module.vpc.private_subnets
}

output "private_data_subnet_ids" {
  description = "IDs of the private data subnets, in azs order."
  value       = module.vpc.database_subnets
}

output "database_subnet_group_name" {
  description = "Name of the DB subnet group over the private data subnets."
  value       = module.vpc.database_subnet_group_name
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways (one, or one per AZ)."
  value       = module.vpc.natgw_ids
}

output "nat_public_ips" {
  description = "Public IPs the private subnets egress from; allow-list these at third parties."
  value       = module.vpc.nat_public_ips
}

output "flow_log_id" {
  description = "ID of the VPC flow log."
  value       = module.vpc.vpc_flow_log_id
}

output "flow_log_destination_arn" {
  description = "ARN of the CloudWatch log group that receives the flow logs."
  value       = module.vpc.vpc_flow_log_destination_arn
}

output "flow_log_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the flow logs."
  value       = aws_kms_key.flow_logs.arn
}
