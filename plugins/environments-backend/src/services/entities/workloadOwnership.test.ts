import { workloadOwnershipProblem } from './workloadOwnership';

const entity = (annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders', namespace: 'default', annotations },
});
const deployment = (labels?: Record<string, string>) => ({
  kind: 'Deployment',
  metadata: { name: 'payments', labels },
});

describe('workloadOwnershipProblem', () => {
  it("accepts a workload labelled with the entity's own kubernetes-id", () => {
    expect(
      workloadOwnershipProblem(
        entity({ 'backstage.io/kubernetes-id': 'orders' }),
        'staging',
        deployment({ 'backstage.io/kubernetes-id': 'orders' }),
      ),
    ).toBeUndefined();
  });

  it("refuses another entity's workload that a label selector reaches", () => {
    expect(
      workloadOwnershipProblem(
        entity({ 'backstage.io/kubernetes-label-selector': 'tier=backend' }),
        'staging',
        deployment({
          'backstage.io/kubernetes-id': 'payments',
          tier: 'backend',
        }),
      ),
    ).toBe(
      'Deployment payments in staging carries backstage.io/kubernetes-id=payments, so it belongs to another entity, not to component:default/orders',
    );
  });

  it('refuses an unlabelled workload unless the namespace annotation confines the entity to it', () => {
    const selector = {
      'backstage.io/kubernetes-label-selector': 'app=payments',
    };
    expect(
      workloadOwnershipProblem(
        entity(selector),
        'staging',
        deployment({ app: 'payments' }),
      ),
    ).toMatch(
      /has no backstage.io\/kubernetes-id label .* is not confined to staging/,
    );
    expect(
      workloadOwnershipProblem(
        entity({ ...selector, 'backstage.io/kubernetes-namespace': 'staging' }),
        'staging',
        deployment({ app: 'payments' }),
      ),
    ).toBeUndefined();
  });
});
