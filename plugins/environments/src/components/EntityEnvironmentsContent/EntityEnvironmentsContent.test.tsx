import { Entity } from '@backstage/catalog-model';
import { configApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  MockConfigApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { EntityEnvironmentsContent } from './EntityEnvironmentsContent';

const component = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

const renderFor = (entity: Entity) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [
          configApiRef,
          new MockConfigApi({
            environments: {
              stages: [
                { name: 'dev', cluster: 'local', namespace: 'dev' },
                { name: 'staging', cluster: 'local', namespace: 'staging' },
                { name: 'prod', cluster: 'prod', namespace: 'prod' },
              ],
            },
          }),
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityEnvironmentsContent />
      </EntityProvider>
    </TestApiProvider>,
  );

describe('EntityEnvironmentsContent', () => {
  it('tells the owner of an unannotated component exactly which annotation to add', async () => {
    await renderFor(component());
    expect(
      screen.getByText('No Kubernetes workloads linked to this component'),
    ).toBeInTheDocument();
    expect(document.body).toHaveTextContent(
      'backstage.io/kubernetes-id: payments',
    );
  });

  it('shows the configured stages in order for an annotated component', async () => {
    await renderFor(component({ 'backstage.io/kubernetes-id': 'payments' }));
    expect(
      screen.getByText('Stages: dev → staging → prod'),
    ).toBeInTheDocument();
  });
});
