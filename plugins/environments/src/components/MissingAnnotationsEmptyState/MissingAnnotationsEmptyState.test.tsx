import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { MissingAnnotationsEmptyState } from './MissingAnnotationsEmptyState';

describe('MissingAnnotationsEmptyState', () => {
  it('shows the exact annotation to add, with the entity name filled in', async () => {
    await renderInTestApp(<MissingAnnotationsEmptyState entityName="orders" />);
    expect(
      screen.getByText('No Kubernetes workloads linked to this component'),
    ).toBeInTheDocument();
    expect(document.body).toHaveTextContent(
      'backstage.io/kubernetes-id: orders',
    );
    expect(document.body).toHaveTextContent('app.kubernetes.io/name=orders');
  });
});
