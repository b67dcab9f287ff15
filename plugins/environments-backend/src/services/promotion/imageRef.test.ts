import { exactImage, imageVersion, parseImageRef } from './imageRef';

describe('image references', () => {
  it('splits repository, tag and digest, keeping a registry port in the repository', () => {
    expect(parseImageRef('registry.local:5000/team/app:1.2.3')).toEqual({
      repository: 'registry.local:5000/team/app',
      tag: '1.2.3',
    });
    expect(parseImageRef(`app@sha256:${'a'.repeat(64)}`)).toEqual({
      repository: 'app',
      digest: `sha256:${'a'.repeat(64)}`,
    });
    expect(parseImageRef('registry.local:5000/app')).toEqual({
      repository: 'registry.local:5000/app',
    });
  });

  it('promotes by digest when the runtime reported one', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    expect(exactImage('r/app:1.0.0', `docker-pullable://r/app@${digest}`)).toBe(
      `r/app@${digest}`,
    );
    expect(exactImage('r/app:1.0.0', '')).toBe('r/app:1.0.0');
    expect(imageVersion(`r/app@${digest}`)).toBe('sha256:bbbbbbbbbbbb');
  });
});
