import { ConfigError } from '../core/errors';
import type { TaskGroup } from '../nomad/group';
import type { NomadJob } from '../nomad/nomad-job';
import { cleanEnvVar } from '../nomad/runtime-variables';
import type { IServiceTarget, Service } from '../nomad/service';
import type { Task } from '../nomad/task';
import type { ConnectMesh } from './connect-mesh';
import type { HttpPermissionProps } from './service-intentions';

/** Protocols Consul's proxies speak for a service (`service-defaults`). */
export enum MeshProtocol {
  /** Plain TCP (Consul's default); intentions act on whole connections. */
  TCP = 'tcp',
  /** HTTP/1.1; intentions can carry L7 permissions. */
  HTTP = 'http',
  /** HTTP/2. */
  HTTP2 = 'http2',
  /** gRPC. */
  GRPC = 'grpc',
}

/** Options of {@link MeshService.connectTo}. */
export interface ConnectToOptions {
  /** Port the caller's proxy listens on for the upstream, inside the caller's namespace. */
  readonly localBindPort: number;
  /**
   * Allow only these HTTP requests (L7 permissions; the upstream's protocol must be HTTP-based).
   * @default - any request
   */
  readonly permissions?: HttpPermissionProps[];
}

/**
 * A service in the mesh: a Nomad group with bridge networking, a Consul service with a Connect
 * sidecar, and the intentions that let other services reach it. Create it with
 * `ConnectMesh.addService` or `ConnectMesh.adoptService`.
 */
export class MeshService implements IServiceTarget {
  /** @internal */
  constructor(
    /** The mesh the service belongs to. */
    public readonly mesh: ConnectMesh,
    /** The Consul service. */
    public readonly service: Service,
    /** The job the service's group belongs to. */
    public readonly job: NomadJob,
    /** The service's protocol. */
    public readonly protocol: MeshProtocol,
    /** The port the application listens on inside the group's namespace, when known. */
    public readonly applicationPort: number | undefined,
  ) {}

  /** The mesh service's Nomad service, as an ingress target. */
  public get targetService(): Service {
    return this.service;
  }

  /** The Consul service name. */
  public get name(): string {
    return this.service.name;
  }

  /** The Nomad group. */
  public get group(): TaskGroup {
    return this.service.group;
  }

  /** A task of the service's group. */
  public task(name: string): Task {
    return this.group.task(name);
  }

  /**
   * Lets this service call `upstream`: adds the upstream to this service's sidecar and the
   * intention from this service to the upstream's. Returns the address to give the
   * application, `${NOMAD_UPSTREAM_ADDR_<name>}`, which Nomad fills in at run time.
   */
  public connectTo(upstream: MeshService, options: ConnectToOptions): string {
    const where = this.service.where;
    if (!(upstream instanceof MeshService)) {
      throw new ConfigError(
        where,
        'connectTo upstream',
        String(upstream),
        'Give a service from ConnectMesh.addService or adoptService.',
      );
    }
    if (upstream.mesh !== this.mesh) {
      throw new ConfigError(
        where,
        'connectTo upstream',
        upstream.name,
        `It belongs to another mesh (${upstream.mesh.node.path}); intentions and upstreams are per mesh. Add it to ${this.mesh.node.path}.`,
      );
    }
    if (upstream === this) {
      throw new ConfigError(
        where,
        'connectTo upstream',
        upstream.name,
        'A service cannot be its own upstream; call the application locally.',
      );
    }
    if (this.applicationPort !== undefined && options.localBindPort === this.applicationPort) {
      throw new ConfigError(
        where,
        'connectTo localBindPort',
        options.localBindPort,
        `It is the port ${JSON.stringify(this.name)} itself listens on; pick another local port for the upstream.`,
      );
    }
    if (options.permissions !== undefined && upstream.protocol === MeshProtocol.TCP) {
      throw new ConfigError(
        where,
        'connectTo permissions',
        options.permissions,
        `L7 permissions need an HTTP-based protocol, and ${JSON.stringify(upstream.name)} is TCP; declare its protocol (MeshProtocol.HTTP) when adding it.`,
      );
    }
    this.service.addUpstream({
      destinationName: upstream.name,
      localBindPort: options.localBindPort,
    });
    this.mesh._allow(this.name, upstream, options.permissions);
    return `\${NOMAD_UPSTREAM_ADDR_${cleanEnvVar(upstream.name)}}`;
  }
}
