import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Wait up to five minutes for the new service to roll out in dev',
    example: yaml.stringify({
      steps: [
        {
          id: 'rollout',
          action: 'kubernetes:rollout-status',
          name: 'Wait for dev',
          input: { stage: 'dev', deployment: 'orders', timeoutSeconds: 300 },
        },
      ],
    }),
  },
];
