import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Register what publish:local wrote',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'catalog:register:file',
          input: {
            catalogInfoPath: '${{ steps.publish.output.catalogInfoPath }}',
          },
        },
      ],
    }),
  },
];
