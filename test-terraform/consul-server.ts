import { randomUUID } from 'crypto';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { callApi, freeLoopbackPorts, ServerProcess, startServer } from './servers';

/**
 * A `consul agent -dev` on loopback for the whole-platform checks: ACLs on with
 * `default_policy = "deny"`, Connect on, gRPC for Nomad, DNS off, and an HTTP unix socket
 * beside the TCP listener (the sidecars inside Nomad's network namespaces reach Consul there).
 */
export interface DevConsul {
  readonly process: ServerProcess;
  /** `127.0.0.1:<port>`: what CONSUL_HTTP_ADDR and Nomad's `consul { address }` take. */
  readonly httpAddress: string;
  /** `127.0.0.1:<port>` of the plaintext gRPC listener (Nomad's `grpc_address`). */
  readonly grpcAddress: string;
  /** The HTTP unix socket's path. */
  readonly socket: string;
  /** The initial management token made for this run. */
  readonly managementToken: string;
  /** The directory holding its configuration. */
  readonly dir: string;
  /** Calls Consul's HTTP API (with the management token unless another is given). */
  api(method: string, path: string, body?: unknown, token?: string): Promise<ConsulResponse>;
}

export interface ConsulResponse {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/**
 * Starts the agent on free loopback ports and waits until it has a leader, its ACL system
 * answers for the management token, and the Connect CA has a root.
 */
export async function startDevConsul(consulBinary: string): Promise<DevConsul> {
  const [http, grpc, serfLan, serfWan, server] = await freeLoopbackPorts(5);
  const dir = mkdtempSync(join(tmpdir(), 'consul-dev-'));
  const socket = join(dir, 'http.sock');
  const managementToken = randomUUID();
  const config = `
node_name            = "platform-dev"
disable_update_check = true
bind_addr            = "127.0.0.1"
client_addr          = "127.0.0.1"
addresses {
  http = "127.0.0.1 unix://${socket}"
}
unix_sockets {
  mode = "700"
}
ports {
  http     = ${http}
  https    = -1
  grpc     = ${grpc}
  grpc_tls = -1
  dns      = -1
  serf_lan = ${serfLan}
  serf_wan = ${serfWan}
  server   = ${server}
}
acl {
  enabled                  = true
  default_policy           = "deny"
  enable_token_persistence = false
  tokens {
    initial_management = "${managementToken}"
    agent              = "${managementToken}"
  }
}
connect {
  enabled = true
}
`;
  writeFileSync(join(dir, 'consul.hcl'), config);
  const httpAddress = `127.0.0.1:${http}`;
  const api = (method: string, path: string, body?: unknown, token = managementToken) =>
    callApi(`http://${httpAddress}/v1/${path.replace(/^\/+/, '')}`, method, body, {
      'X-Consul-Token': token,
    });
  const process_ = await startServer({
    name: 'consul agent -dev',
    command: consulBinary,
    args: ['agent', '-dev', '-config-file', join(dir, 'consul.hcl')],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    stopSignal: 'SIGINT',
    readyTimeoutMs: 90_000,
    ready: async () => {
      const leader = await api('GET', 'status/leader');
      if (leader.status !== 200 || !leader.body) return false;
      if ((await api('GET', 'acl/token/self')).status !== 200) return false;
      const roots = await api('GET', 'connect/ca/roots');
      return roots.status === 200 && (roots.body?.Roots ?? []).length > 0;
    },
  });
  return {
    process: process_,
    httpAddress,
    grpcAddress: `127.0.0.1:${grpc}`,
    socket,
    managementToken,
    dir,
    api,
  };
}
