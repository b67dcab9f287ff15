// URLs, and IPv4 or bracketed IPv6 addresses with or without a port.
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`;,()]+/gi;
const IPV4_PATTERN = /\b\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?\b/g;
const IPV6_PATTERN = /\[[0-9a-f:.]+\](:\d{1,5})?/gi;

/**
 * Removes internal addresses (API server, Prometheus and service URLs, IPs and ports) from a message
 * that may reach the browser: they tell an outsider where the portal's infrastructure is and add
 * nothing a user can act on. Operators find the full text in the backend log.
 *
 * @public
 */
export function redactAddresses(message: string): string {
  return message
    .replace(URL_PATTERN, '[address]')
    .replace(IPV6_PATTERN, '[address]')
    .replace(IPV4_PATTERN, '[address]');
}
