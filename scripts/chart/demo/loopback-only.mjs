// Preloaded by scripts/demo-deploy (node --import): the demo's service processes listen on 127.0.0.1
// only. The service binds all interfaces when given just a port, as it must inside a pod.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function loopbackListen(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    const [port, ...rest] = args;
    const host = typeof rest[0] === 'string' ? rest.shift() : '127.0.0.1';
    return listen.call(this, Number(port), host, ...rest);
  }
  if (args[0] && typeof args[0] === 'object' && !('path' in args[0]) && !args[0].host) {
    return listen.call(this, { ...args[0], host: '127.0.0.1' }, ...args.slice(1));
  }
  return listen.apply(this, args);
};
