import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Terraform plan of the service resources for dev, with an S3 backend key per service',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'terraform:plan',
          name: 'Terraform plan (dev)',
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
