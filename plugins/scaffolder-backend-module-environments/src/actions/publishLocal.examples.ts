import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publish the workspace as a local git repository (offline demo)',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'publish:local',
          input: { repoName: 'orders', description: 'Create orders' },
        },
      ],
    }),
  },
];
