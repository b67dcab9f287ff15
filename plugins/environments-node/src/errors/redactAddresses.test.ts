import { redactAddresses } from './redactAddresses';

describe('redactAddresses', () => {
  it('removes URLs, IPv4 and IPv6 addresses with their ports, and keeps the rest', () => {
    expect(
      redactAddresses(
        'Kubernetes cluster unreachable: Get "https://10.0.0.7:6443/version": dial tcp 10.0.0.7:6443: connect: connection refused; prometheus http://prom.internal:9090/api; [fd00::1]:443',
      ),
    ).toBe(
      'Kubernetes cluster unreachable: Get "[address]": dial tcp [address]: connect: connection refused; prometheus [address]; [address]',
    );
  });

  it('leaves versions and counts alone', () => {
    expect(redactAddresses('image 1.2.0 rolled out, 3 of 3 ready')).toBe(
      'image 1.2.0 rolled out, 3 of 3 ready',
    );
  });
});
