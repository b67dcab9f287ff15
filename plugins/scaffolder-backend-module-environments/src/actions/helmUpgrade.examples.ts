import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Deploy the fetched chart to dev with the service values',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'helm:upgrade',
          name: 'Deploy to dev',
          input: {
            chart: 'charts/express-service',
            releaseName: 'orders',
            stage: 'dev',
            valuesFiles: [
              'charts/express-service/values-dev.yaml',
              'deploy/values.yaml',
            ],
            set: { replicaCount: 2, 'image.tag': '1.0.0' },
            timeout: '5m',
          },
        },
      ],
    }),
  },
];
