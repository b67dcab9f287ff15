import { imageTag } from './stageSummary';

describe('imageTag', () => {
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
});
