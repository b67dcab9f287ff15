import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Terraform apply of the service resources for dev, with an S3 backend key per service',
    example: yaml.stringify({
      steps: [
        {
          id: 'apply',
          action: 'terraform:apply',
          name: 'Terraform apply (dev)',
          input: {
            workingDirectory: 'terraform/envs/dev',
            varFile: 'terraform/envs/dev/terraform.tfvars',
            backendConfig: { key: 'services/orders/dev.tfstate' },
            vars: { service_name: 'orders' },
          },
        },
      ],
    }),
  },
];
