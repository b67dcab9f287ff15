import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'After the first deploy into dev, make what runs there the baseline drift compares with',
    example: yaml.stringify({
      steps: [
        {
          id: 'record-deploy',
          action: 'environments:record-deploy',
          name: 'Record the deploy',
          input: {
            entityRef: 'component:default/orders',
            stage: 'dev',
          },
        },
      ],
    }),
  },
];
