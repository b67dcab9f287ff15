import { exactImage, imageTag, imageVersion, parseImageRef } from './imageRef';

const digest = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  it('splits repository, tag and digest, keeping a registry port in the repository', () => {
    expect(parseImageRef('registry.local:5000/team/app:1.2.3')).toEqual({
      repository: 'registry.local:5000/team/app',
      tag: '1.2.3',
    });
    expect(parseImageRef(`app@${digest}`)).toEqual({
      repository: 'app',
      digest,
    });
    expect(parseImageRef(`r.io:443/app:1.2.0@${digest}`)).toEqual({
      repository: 'r.io:443/app',
      tag: '1.2.0',
      digest,
    });
    expect(parseImageRef('registry.local:5000/app')).toEqual({
      repository: 'registry.local:5000/app',
    });
  });

  it.each([
    ['registry.local/payments:1.2.0', '1.2.0'],
    ['registry.local/payments:1.2.0@sha256:abc', '1.2.0'],
    ['registry.local:5000/team/payments:2.0.0-rc.1', '2.0.0-rc.1'],
    ['registry.local:5000/team/payments', undefined],
    ['registry.local/payments@sha256:abc', undefined],
    ['payments', undefined],
  ])('%s has tag %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });

  it('reads the tag the same way for every form', () => {
    expect(imageTag('r/app:1.2.0')).toBe('1.2.0');
    expect(imageTag(`r/app:1.2.0@${digest}`)).toBe('1.2.0');
    expect(imageTag('registry:5000/app')).toBeUndefined();
    expect(imageTag(undefined)).toBeUndefined();
  });

  it('promotes by digest when the runtime reported one', () => {
    const b = `sha256:${'b'.repeat(64)}`;
    expect(exactImage('r/app:1.0.0', `docker-pullable://r/app@${b}`)).toBe(
      `r/app@${b}`,
    );
    expect(exactImage('r/app:1.0.0', '')).toBe('r/app:1.0.0');
    expect(imageVersion(`r/app@${b}`)).toBe('sha256:bbbbbbbbbbbb');
    expect(imageVersion(`r/app:2.0.0@${b}`)).toBe('2.0.0');
  });
});
