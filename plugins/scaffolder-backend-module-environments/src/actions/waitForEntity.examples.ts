import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Wait for the new component to be in the catalog',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'catalog:wait-for-entity',
          input: { entityRef: 'component:default/orders', timeoutSeconds: 60 },
        },
      ],
    }),
  },
];
