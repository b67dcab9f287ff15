import {
  CHECKLIST,
  CHECKLIST_GROUPS,
  environmentsPermissions,
  hasWorkloadAnnotations,
} from './index';

describe('environments-common', () => {
  it('declares the 16 checklist items of the seed, four per group, with unique ids', () => {
    expect(CHECKLIST).toHaveLength(16);
    expect(new Set(CHECKLIST.map(item => item.id)).size).toBe(16);
    for (const group of CHECKLIST_GROUPS) {
      expect(CHECKLIST.filter(item => item.group === group)).toHaveLength(4);
    }
  });

  it('declares dotted, unique permission names on catalog entities', () => {
    const names = environmentsPermissions.map(p => p.name);
    expect(names).toEqual([
      'environments.promotion.create',
      'environments.promotion.override',
      'environments.promotion.approve',
      'environments.promotion.window-override',
      'environments.rollback.create',
      'environments.deploy.record',
      'environments.template.execute',
    ]);
    for (const permission of environmentsPermissions) {
      expect(permission.type).toBe('resource');
    }
  });

  it('finds workloads only when a kubernetes id or label selector is set', () => {
    expect(hasWorkloadAnnotations({ metadata: {} })).toBe(false);
    expect(
      hasWorkloadAnnotations({
        metadata: { annotations: { 'backstage.io/kubernetes-id': ' ' } },
      }),
    ).toBe(false);
    expect(
      hasWorkloadAnnotations({
        metadata: { annotations: { 'backstage.io/kubernetes-id': 'svc' } },
      }),
    ).toBe(true);
    expect(
      hasWorkloadAnnotations({
        metadata: {
          annotations: {
            'backstage.io/kubernetes-label-selector': 'app=svc',
          },
        },
      }),
    ).toBe(true);
  });
});
