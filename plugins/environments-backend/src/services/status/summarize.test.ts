import { imageTag, rolloutOf } from './summarize';

const deployment = (
  status: object,
  spec: object = { replicas: 3 },
  generation = 2,
) => ({
  metadata: { generation },
  spec,
  status: { observedGeneration: 2, ...status },
});

describe('rolloutOf', () => {
  it('is complete only when every replica is updated and available', () => {
    expect(
      rolloutOf(
        deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      ).state,
    ).toBe('complete');
    expect(
      rolloutOf(
        deployment({ replicas: 4, updatedReplicas: 3, availableReplicas: 3 }),
      ),
    ).toEqual({
      state: 'progressing',
      message: '1 old replicas pending termination',
    });
    expect(
      rolloutOf(
        deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 2 }),
      ).state,
    ).toBe('progressing');
  });

  it('is progressing while the controller has not seen the new generation', () => {
    expect(
      rolloutOf(
        deployment(
          { replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
          { replicas: 3 },
          3,
        ),
      ).state,
    ).toBe('progressing');
  });

  it('is failed once the progress deadline passed', () => {
    const d = deployment({
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "x" has timed out progressing.',
        },
      ],
    });
    expect(rolloutOf(d)).toEqual({
      state: 'failed',
      message: 'ReplicaSet "x" has timed out progressing.',
    });
  });
});

describe('imageTag', () => {
  it.each([
    ['registry.local:5000/team/app:1.2.3', '1.2.3'],
    ['registry.local:5000/team/app', undefined],
    ['app:1.0@sha256:abc', '1.0'],
  ])('%s → %s', (image, tag) => expect(imageTag(image)).toBe(tag));
});
