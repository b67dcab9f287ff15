import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Fetch the reference service (renamed) and its chart from the template repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'service',
          action: 'fetch:reference',
          input: {
            path: 'service',
            targetPath: 'service',
            packageName: 'orders',
          },
        },
        {
          id: 'chart',
          action: 'fetch:reference',
          input: {
            path: 'charts/express-service',
            targetPath: 'charts/express-service',
          },
        },
      ],
    }),
  },
];
