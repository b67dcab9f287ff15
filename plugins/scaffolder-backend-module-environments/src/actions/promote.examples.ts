import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Promote the version running in dev to staging, behind the usual gates',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          action: 'environments:promote',
          name: 'Promote to staging',
          input: {
            entityRef: 'component:default/orders',
            from: 'dev',
            to: 'staging',
          },
        },
      ],
    }),
  },
];
