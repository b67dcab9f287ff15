import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import { currentReplicaSet, deploymentRollout } from './deploymentRollout';

const image = 'registry.local/express-service:1.2.0';

function deployment(
  generation: number,
  observedGeneration: number,
  reason: string,
  rsName = 'express-service-abc',
): V1Deployment {
  return {
    metadata: {
      name: 'express-service',
      uid: 'd1',
      generation,
      annotations: { 'deployment.kubernetes.io/revision': '3' },
    },
    spec: {
      replicas: 2,
      selector: {},
      template: { spec: { containers: [{ name: 'app', image }] } },
    },
    status: {
      observedGeneration,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      readyReplicas: 1,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason,
          message: `ReplicaSet "${rsName}" has timed out progressing.`,
        },
      ],
    },
  };
}

const replicaSet: V1ReplicaSet = {
  metadata: {
    name: 'express-service-abc',
    ownerReferences: [
      { uid: 'd1', apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' },
    ],
    annotations: { 'deployment.kubernetes.io/revision': '3' },
  },
  status: { replicas: 2, readyReplicas: 2 },
};
const expect1 = { container: 'app', image };

describe('deploymentRollout with the current ReplicaSet and an expected image', () => {
  const rollout = (d: V1Deployment, expected = expect1) =>
    deploymentRollout(d, {
      currentReplicaSet: currentReplicaSet(d, [replicaSet]),
      expect: expected,
    });

  it('fails a rollout whose observed generation exceeded its progress deadline', () => {
    expect(rollout(deployment(4, 4, 'ProgressDeadlineExceeded'))).toMatchObject(
      {
        state: 'failed',
        message: expect.stringContaining('progress deadline exceeded'),
      },
    );
  });

  it('ignores a deadline condition left from a generation the controller has not observed yet', () => {
    // Right after a rollback patch: generation 5 written, the condition still speaks of generation 4.
    expect(rollout(deployment(5, 4, 'ProgressDeadlineExceeded'))).toMatchObject(
      {
        state: 'progressing',
        message: 'waiting for the controller to observe the change',
      },
    );
  });

  it('ignores a deadline that names the ReplicaSet a rollback abandoned', () => {
    const progress = rollout(
      deployment(5, 5, 'ProgressDeadlineExceeded', 'express-service-bad'),
    );
    expect(progress.state).toBe('complete');
  });

  it('ignores a deadline while the cache still shows the template a rollback replaced', () => {
    const progress = rollout(deployment(4, 4, 'ProgressDeadlineExceeded'), {
      container: 'app',
      image: 'registry.local/express-service:1.1.0',
    });
    expect(progress).toMatchObject({
      state: 'progressing',
      message:
        'the pod template does not run registry.local/express-service:1.1.0 yet',
    });
  });

  it('completes once the new generation is observed with every replica updated and available, counting ready pods of the current ReplicaSet', () => {
    expect(rollout(deployment(5, 5, 'NewReplicaSetAvailable'))).toEqual({
      state: 'complete',
      message: '2 of 2 replicas available',
      desired: 2,
      updated: 2,
      ready: 2,
      available: 2,
    });
  });
});

describe('deploymentRollout as kubectl rollout status decides it', () => {
  const base = (status: V1Deployment['status']): V1Deployment => ({
    metadata: { generation: 2 },
    spec: { replicas: 3, selector: {}, template: {} },
    status,
  });

  it('is not done before the controller observed the new generation', () => {
    const progress = deploymentRollout(
      base({
        observedGeneration: 1,
        updatedReplicas: 3,
        availableReplicas: 3,
        replicas: 3,
      }),
    );
    expect(progress).toMatchObject({ state: 'progressing', updated: 0 });
  });

  it('waits for every desired replica to be updated', () => {
    expect(
      deploymentRollout(
        base({ observedGeneration: 2, updatedReplicas: 1, replicas: 3 }),
      ).message,
    ).toBe('1 of 3 replicas updated');
  });

  it('waits for old replicas to go', () => {
    expect(
      deploymentRollout(
        base({
          observedGeneration: 2,
          replicas: 4,
          updatedReplicas: 3,
          availableReplicas: 3,
        }),
      ).message,
    ).toBe('1 old replicas pending termination');
  });

  it('waits for updated replicas to become available', () => {
    expect(
      deploymentRollout(
        base({
          observedGeneration: 2,
          replicas: 3,
          updatedReplicas: 3,
          availableReplicas: 2,
        }),
      ).message,
    ).toBe('2 of 3 updated replicas available');
  });

  it('fails on a progress deadline when no ReplicaSet is known', () => {
    expect(
      deploymentRollout(
        base({
          observedGeneration: 2,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "x" has timed out progressing.',
            },
          ],
        }),
      ).state,
    ).toBe('failed');
  });

  it('is done when every desired replica is updated and available', () => {
    expect(
      deploymentRollout(
        base({
          observedGeneration: 2,
          replicas: 3,
          updatedReplicas: 3,
          availableReplicas: 3,
          readyReplicas: 3,
        }),
      ),
    ).toMatchObject({ state: 'complete', available: 3, ready: 3 });
  });
});

describe('currentReplicaSet', () => {
  it('finds the ReplicaSet the Deployment owns at its current revision only', () => {
    const d = deployment(1, 1, 'NewReplicaSetAvailable');
    const older = {
      ...replicaSet,
      metadata: {
        ...replicaSet.metadata,
        name: 'old',
        annotations: { 'deployment.kubernetes.io/revision': '2' },
      },
    };
    const foreign = {
      ...replicaSet,
      metadata: {
        ...replicaSet.metadata,
        name: 'foreign',
        ownerReferences: [],
      },
    };
    expect(currentReplicaSet(d, [older, foreign, replicaSet])).toBe(replicaSet);
    expect(currentReplicaSet(d, [older, foreign])).toBeUndefined();
  });
});
