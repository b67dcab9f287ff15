import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Resolve the first stage (where a new service is deployed)',
    example: yaml.stringify({
      steps: [{ id: 'stage', action: 'environments:stage', name: 'Find dev' }],
    }),
  },
  {
    description: 'Resolve a named stage',
    example: yaml.stringify({
      steps: [
        {
          id: 'stage',
          action: 'environments:stage',
          name: 'Find staging',
          input: { stage: 'staging' },
        },
      ],
    }),
  },
];
