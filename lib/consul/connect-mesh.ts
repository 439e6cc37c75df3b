import { runAppChecksOn } from '../checks/app-checks';
import { AclPolicy } from '@cdktf/provider-consul/lib/acl-policy';
import { AclTokenPolicyAttachment } from '@cdktf/provider-consul/lib/acl-token-policy-attachment';
import { ConfigEntry } from '@cdktf/provider-consul/lib/config-entry';
import { Annotations, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { checkOneOf, checkPortNumber, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { freeFormMap } from '../core/free-form';
import { jsonDocument } from '../core/json-document';
import { terraformString } from '../core/terraform-string';
import { TaskGroupProps } from '../nomad/group';
import { NetworkMode } from '../nomad/network';
import { NomadJob } from '../nomad/nomad-job';
import {
  ConnectSidecarTaskProps,
  Service,
  ServiceCheckProps,
  ServiceProvider,
} from '../nomad/service';
import { TaskProps } from '../nomad/task';
import { ConsulAccess, ConsulAclResource, ConsulAclRules } from './acl-rules';
import { ConsulConnectCa, ConsulConnectCaProps } from './connect-ca';
import { MeshProtocol, MeshService } from './mesh-service';
import { HttpPermissionProps, IntentionAction, ServiceIntentions } from './service-intentions';

/** Properties of {@link ConnectMesh.addService}. */
export interface MeshServiceProps {
  /** Consul service name: an RFC 1123 label (intentions name it, so no runtime variables). */
  readonly name: string;
  /** Port the application listens on inside the group's network namespace. */
  readonly port: number;
  /** The group's tasks, by name. */
  readonly tasks: Record<string, TaskProps>;
  /**
   * Add the service as a group of this job (seed 003's countdash has two groups in one job).
   * @default - a job of its own, named after the service, in the mesh's scope
   */
  readonly job?: NomadJob;
  /** Name of the group. @default - the service name */
  readonly groupName?: string;
  /** Number of allocations. @default 1 */
  readonly count?: number;
  /**
   * Publish the application on this static host port as well (port label `http`), like seed
   * 003's dashboard on 9002. Traffic on it bypasses the mesh; prefer the ingress.
   * @default - not published
   */
  readonly staticPort?: number;
  /** Protocol, declared to Consul with a `service-defaults` entry when not TCP. @default MeshProtocol.TCP */
  readonly protocol?: MeshProtocol;
  /** Service tags. @default - none */
  readonly tags?: string[];
  /** Health checks (set `expose` on http checks so Consul can reach them). @default - none */
  readonly checks?: ServiceCheckProps[];
  /** Group properties besides network, services and tasks (restart, update, volumes, ...). @default - none */
  readonly group?: TaskGroupProps;
  /**
   * The sidecar task: a driver of your own for the proxy (a cluster without Docker), resources,
   * environment.
   * @default - Nomad's Envoy in Docker
   */
  readonly sidecarTask?: ConnectSidecarTaskProps;
}

/** Options of {@link ConnectMesh.adoptService}. */
export interface AdoptServiceOptions {
  /** The service's protocol. @default MeshProtocol.TCP */
  readonly protocol?: MeshProtocol;
  /** Port the application listens on inside the namespace (checked against upstream ports). @default - the service's numeric port */
  readonly applicationPort?: number;
  /** The sidecar task (see {@link MeshServiceProps.sidecarTask}). @default - Nomad's Envoy in Docker */
  readonly sidecarTask?: ConnectSidecarTaskProps;
}

/** Defaults for every sidecar proxy (`proxy-defaults`, whose only name is `global`). */
export interface ProxyDefaultsProps {
  /** Default protocol of services. @default - Consul's (tcp) */
  readonly protocol?: MeshProtocol;
  /** Further Envoy settings under `Config` (e.g. `local_connect_timeout_ms`). @default - none */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly config?: Record<string, any>;
}

/** Properties of {@link ConnectMesh}. */
export interface ConnectMeshProps {
  /**
   * Deny every connection no intention allows, with a `*` → `*` deny intention. Turning it off
   * lets Consul's ACL default policy decide, which is allow unless configured otherwise.
   * @default true
   */
  readonly defaultDeny?: boolean;
  /** The Connect CA on Vault PKI. @default - none (configure the CA elsewhere) */
  readonly connectCa?: ConsulConnectCaProps;
  /** Proxy defaults for the whole datacenter. @default - none */
  readonly proxyDefaults?: ProxyDefaultsProps;
  /**
   * Let the anonymous token read the service and node catalog (seed 003's policy for
   * cross-datacenter requests, which arrive without a token).
   * @default false
   */
  readonly anonymousCatalogRead?: boolean;
  /** Datacenters the mesh's own jobs run in. @default ["*"] */
  readonly datacenters?: string[];
  /** Consul provider. @default - the stack's default consul provider */
  readonly consulProvider?: TerraformProvider;
  /** Nomad provider of the mesh's own jobs. @default - the stack's default nomad provider */
  readonly nomadProvider?: TerraformProvider;
}

/** The Consul token every request without one uses. */
const ANONYMOUS_TOKEN_ID = '00000000-0000-0000-0000-000000000002';

/**
 * The Consul service mesh of a stack: services on Nomad with bridge networking and Envoy
 * sidecars, upstreams declared with `connectTo`, and intentions that allow exactly those calls
 * while a `*` → `*` intention denies the rest. Optionally the Connect CA on Vault PKI.
 *
 * @see https://developer.hashicorp.com/nomad/docs/integrations/consul/service-mesh
 */
export class ConnectMesh extends Construct {
  /** The Connect CA, when `connectCa` is given. */
  public readonly connectCa?: ConsulConnectCa;
  /** The `*` → `*` deny intention, unless defaultDeny is off. */
  public readonly defaultDeny?: ServiceIntentions;
  private readonly consulProvider?: TerraformProvider;
  private readonly nomadProvider?: TerraformProvider;
  private readonly datacenters?: string[];
  private readonly services = new Map<string, MeshService>();
  private readonly servicesByTarget = new Map<Service, MeshService>();
  private readonly intentions = new Map<string, ServiceIntentions>();
  private readonly intentionsScope: Construct;

  constructor(scope: Construct, id: string, props: ConnectMeshProps = {}) {
    super(scope, id);
    runAppChecksOn(this);
    this.consulProvider = props.consulProvider;
    this.nomadProvider = props.nomadProvider;
    this.datacenters = props.datacenters;
    this.intentionsScope = new Construct(this, 'Intentions');
    if (props.connectCa) this.connectCa = new ConsulConnectCa(this, 'ConnectCa', props.connectCa);
    if (props.defaultDeny ?? true) {
      this.defaultDeny = new ServiceIntentions(this, 'DefaultDeny', {
        destination: '*',
        provider: this.consulProvider,
      });
      this.defaultDeny.addSource('*', {
        action: IntentionAction.DENY,
        description: 'Deny what no intention allows',
      });
    } else {
      Annotations.of(this).addWarning(
        'ConnectMesh defaultDeny is off: connections no intention mentions follow Consul’s ACL default policy, which allows them unless set to deny. Keep defaultDeny on, or set acl { default_policy = "deny" } on every Consul agent.',
      );
    }
    if (props.proxyDefaults) this.addProxyDefaults(props.proxyDefaults);
    if (props.anonymousCatalogRead) this.addAnonymousCatalogRead();
  }

  /** The mesh's services, in the order they were added. */
  public get meshServices(): MeshService[] {
    return [...this.services.values()];
  }

  /** The mesh service of a name, if the mesh has one. */
  public meshService(name: string): MeshService | undefined {
    return this.services.get(name);
  }

  /**
   * The mesh service a Nomad service was brought in as, if any.
   * @internal
   */
  public _meshServiceOf(service: Service): MeshService | undefined {
    return this.servicesByTarget.get(service);
  }

  /** The intentions of a destination, if any source may reach it. */
  public intentionsOf(destination: MeshService): ServiceIntentions | undefined {
    return this.intentions.get(destination.name);
  }

  /**
   * Adds a service to the mesh: a group with bridge networking (in a job of its own, or in
   * `job`), a Consul service on `port` with a Connect sidecar whose own tags keep the service's
   * tags off `<name>-sidecar-proxy` (Nomad issue 9880), and the group's tasks.
   */
  public addService(id: string, props: MeshServiceProps): MeshService {
    const where = `${this.node.path}/${id}`;
    this.checkName(where, props.name);
    checkPortNumber(where, 'port', props.port);
    checkPortNumber(where, 'staticPort', props.staticPort);
    checkOneOf(where, 'protocol', props.protocol, Object.values(MeshProtocol));
    const job =
      props.job ??
      new NomadJob(this, id, {
        name: props.name,
        datacenters: this.datacenters,
        provider: this.nomadProvider,
      });
    const group = job.addGroup(props.groupName ?? props.name, {
      ...(props.group ?? {}),
      count: props.count ?? props.group?.count,
      network: {
        mode: NetworkMode.BRIDGE,
        ports:
          props.staticPort === undefined
            ? []
            : [{ label: 'http', static: props.staticPort, to: props.port }],
      },
    });
    const service = group.addService({
      name: props.name,
      port: props.staticPort === undefined ? String(props.port) : 'http',
      tags: props.tags,
      checks: props.checks,
      connect: {
        sidecarService: {
          tags: ['connect-proxy'],
          // with a static port the service port is the `http` label, whose `to` the sidecar
          // would not dial by itself (hashicorp/nomad#9824): name the application's port
          proxy: props.staticPort === undefined ? undefined : { localServicePort: props.port },
        },
        sidecarTask: props.sidecarTask,
      },
    });
    for (const [name, task] of Object.entries(props.tasks)) group.addTask(name, task);
    return this.register(
      new MeshService(this, service, job, props.protocol ?? MeshProtocol.TCP, props.port),
    );
  }

  /**
   * Brings an existing group service of a `NomadJob` into the mesh: gives it a Connect sidecar
   * (tags of its own), switches its group to bridge networking, and lets `connectTo` and
   * intentions name it.
   */
  public adoptService(
    job: NomadJob,
    service: Service,
    options: AdoptServiceOptions = {},
  ): MeshService {
    const where = service.where;
    if (service.task !== undefined) {
      throw new ConfigError(
        where,
        'service',
        service.name,
        'Only group services can join the mesh; declare it on the group.',
      );
    }
    if (service.group.job !== job.spec) {
      throw new ConfigError(
        where,
        'job',
        job.jobName,
        `The service belongs to job ${JSON.stringify(service.group.job.name)}; pass that job.`,
      );
    }
    if (service.provider !== ServiceProvider.CONSUL) {
      throw new ConfigError(
        where,
        'service provider',
        service.provider,
        'The mesh is Consul Connect; the service must be registered in Consul.',
      );
    }
    this.checkName(where, service.name);
    service.enableConnectSidecar({ tags: ['connect-proxy'] });
    if (options.sidecarTask) service.setSidecarTask(options.sidecarTask);
    service.group.setNetworkMode(NetworkMode.BRIDGE);
    const port =
      options.applicationPort ??
      (service.port !== undefined && /^\d+$/.test(service.port) ? Number(service.port) : undefined);
    return this.register(
      new MeshService(this, service, job, options.protocol ?? MeshProtocol.TCP, port),
    );
  }

  /**
   * Allows a source outside the mesh API (for example the ingress, which connects as its
   * Consul `serviceName`) to reach `destination`.
   */
  public allowFrom(
    sourceName: string,
    destination: MeshService,
    permissions?: HttpPermissionProps[],
  ): void {
    if (!(destination instanceof MeshService) || destination.mesh !== this) {
      throw new ConfigError(
        this.node.path,
        'allowFrom destination',
        String(destination?.name ?? destination),
        'Give a service of this mesh.',
      );
    }
    if (isToken(sourceName)) {
      throw new ConfigError(
        this.node.path,
        'allowFrom source',
        sourceName,
        'Intentions name services, which must be known at synthesis.',
      );
    }
    if (sourceName === '*') {
      throw new ConfigError(
        this.node.path,
        'allowFrom source',
        sourceName,
        'A "*" source would let every service of the mesh call the destination; name each ' +
          'caller (connectTo or allowFrom once per source).',
      );
    }
    this._allow(sourceName, destination, permissions);
  }

  /**
   * Records that `source` may call `destination`.
   * @internal
   */
  public _allow(
    source: string,
    destination: MeshService,
    permissions: HttpPermissionProps[] | undefined,
  ): void {
    let intentions = this.intentions.get(destination.name);
    if (!intentions) {
      intentions = new ServiceIntentions(this.intentionsScope, destination.name, {
        destination: destination.name,
        provider: this.consulProvider,
      });
      this.intentions.set(destination.name, intentions);
    }
    if (intentions.source(source) !== undefined) {
      throw new ConfigError(
        this.node.path,
        'intention',
        `${source} -> ${destination.name}`,
        'This source may already call the destination; declare each connection once.',
      );
    }
    intentions.addSource(
      source,
      permissions === undefined ? { action: IntentionAction.ALLOW } : { permissions },
    );
  }

  private register(meshService: MeshService): MeshService {
    if (this.services.has(meshService.name)) {
      throw new ConfigError(
        this.node.path,
        'service name',
        meshService.name,
        'The mesh already has a service of this name; Consul would merge them.',
      );
    }
    this.services.set(meshService.name, meshService);
    this.servicesByTarget.set(meshService.service, meshService);
    if (meshService.protocol !== MeshProtocol.TCP) {
      new ConfigEntry(this, `ServiceDefaults-${meshService.name}`, {
        kind: 'service-defaults',
        name: terraformString(meshService.name),
        configJson: jsonDocument({ Protocol: meshService.protocol }),
        provider: this.consulProvider,
      });
    }
    return meshService;
  }

  private checkName(where: string, name: string): void {
    if (
      isToken(name) ||
      typeof name !== 'string' ||
      !/^(?:[a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])$/.test(name)
    ) {
      throw new ConfigError(
        where,
        'service name',
        name,
        'Mesh services are named in intentions, so the name must be a literal RFC 1123 label in lower case: letters, digits and dashes, at most 63 characters (e.g. "count-api").',
      );
    }
  }

  private addProxyDefaults(props: ProxyDefaultsProps): void {
    checkOneOf(
      this.node.path,
      'proxyDefaults protocol',
      props.protocol,
      Object.values(MeshProtocol),
    );
    const config = { ...(freeFormMap(this.node.path, 'proxyDefaults config', props.config) ?? {}) };
    if (props.protocol !== undefined) config.protocol = props.protocol;
    new ConfigEntry(this, 'ProxyDefaults', {
      kind: 'proxy-defaults',
      name: 'global',
      configJson: jsonDocument({ Config: config }),
      provider: this.consulProvider,
    });
  }

  private addAnonymousCatalogRead(): void {
    const policy = new AclPolicy(this, 'AnonymousCatalogRead', {
      name: 'anonymous-catalog-read',
      description:
        'Requests without a token (such as cross-datacenter ones) may read services and nodes',
      rules: terraformString(
        new ConsulAclRules({
          rules: [
            { resource: ConsulAclResource.SERVICE_PREFIX, name: '', policy: ConsulAccess.READ },
            { resource: ConsulAclResource.NODE_PREFIX, name: '', policy: ConsulAccess.READ },
          ],
        }).render(),
      ),
      provider: this.consulProvider,
    });
    new AclTokenPolicyAttachment(this, 'AnonymousCatalogReadAttachment', {
      tokenId: ANONYMOUS_TOKEN_ID,
      policy: policy.name,
      provider: this.consulProvider,
    });
  }
}
