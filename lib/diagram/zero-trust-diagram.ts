import { IConstruct } from 'constructs';
import { ConnectMesh } from '../consul/connect-mesh';
import { IngressRouteKind, ZeroTrustIngress } from '../ingress/zero-trust-ingress';
import { NomadJob } from '../nomad/nomad-job';
import { VaultNomadIntegration } from '../vault/vault-nomad-integration';

/**
 * A picture of a stack's zero-trust wiring, drawn from its constructs as a Mermaid flowchart:
 * which services run in which jobs, the ingress routes with their hosts and entry points, the
 * mesh upstreams and the intentions that allow them (everything else denied), and which tasks
 * read which Vault paths.
 */
export class ZeroTrustDiagram {
  /** The diagram of every construct under `scope` (a stack, or the whole app). */
  public static of(scope: IConstruct): ZeroTrustDiagram {
    return new ZeroTrustDiagram(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /** The diagram as Mermaid flowchart text. */
  public toMermaid(): string {
    const lines = ['flowchart LR'];
    const ids = new Ids();
    const all = this.scope.node.findAll();
    const jobs = all.filter((c): c is NomadJob => c instanceof NomadJob);
    const ingresses = all.filter((c): c is ZeroTrustIngress => c instanceof ZeroTrustIngress);
    const meshes = all.filter((c): c is ConnectMesh => c instanceof ConnectMesh);
    const vaults = all.filter(
      (c): c is VaultNomadIntegration => c instanceof VaultNomadIntegration,
    );
    const ingressJobs = new Set(ingresses.map((i) => i.job));

    for (const job of jobs) {
      if (ingressJobs.has(job)) continue;
      const services = job.groups.flatMap((g) => g.allServices);
      lines.push(
        `  subgraph ${ids.of(job)}["job ${label(job.jobName)} (${label(job.spec.namespace)})"]`,
      );
      for (const service of services)
        lines.push(`    ${ids.of(service)}["${label(service.name)}"]`);
      if (services.length === 0) lines.push(`    ${ids.of(job)}_empty["(no services)"]`);
      lines.push('  end');
    }
    for (const ingress of ingresses) {
      const traefik = ids.of(ingress);
      const variant = ingress.isConsulConnect
        ? `Consul Connect, service ${ingress.serviceName}`
        : 'Tailscale';
      lines.push(`  ${traefik}{{"Traefik ${label(ingress.job.jobName)} (${label(variant)})"}}`);
      lines.push(
        `  ${traefik}_clients(("clients")) -->|"${label(entryPoints(ingress))}"| ${traefik}`,
      );
      for (const route of ingress.routes) {
        const how =
          route.kind === IngressRouteKind.HTTP
            ? 'HTTPS'
            : route.passthrough
              ? 'TLS passthrough'
              : 'TLS';
        const mtls = route.connect ? ', mTLS' : '';
        lines.push(
          `  ${traefik} -->|"${label(`${how} ${route.rule}${mtls}`)}"| ${ids.of(route.service)}`,
        );
      }
    }
    for (const mesh of meshes) {
      for (const service of mesh.meshServices) {
        for (const upstream of service.service.connectUpstreams) {
          const target = mesh.meshService(upstream.destinationName);
          const allowed =
            target !== undefined && mesh.intentionsOf(target)?.source(service.name) !== undefined;
          const text = `upstream :${upstream.localBindPort}${allowed ? ', intention allow' : ', NO intention'}`;
          const to = target
            ? ids.of(target.service)
            : ids.named(`external_${upstream.destinationName}`, upstream.destinationName);
          lines.push(`  ${ids.of(service.service)} -->|"${label(text)}"| ${to}`);
        }
      }
      if (mesh.defaultDeny)
        lines.push(
          `  ${ids.of(mesh)}["mesh ${label(mesh.node.id)}: every other connection denied (* → * deny)"]`,
        );
    }
    for (const vault of vaults) {
      const vaultId = ids.of(vault);
      lines.push(
        `  ${vaultId}[("Vault (${vault.mode.isLegacy ? 'legacy token role' : 'workload identity'})")]`,
      );
      for (const grant of vault.grants) {
        const ingress = ingresses.find((i) => i.task === grant.task);
        const reader = ingress ?? grant.task.group.allServices[0];
        const readerId =
          reader !== undefined
            ? ids.of(reader)
            : ids.named(`task_${grant.task.where}`, `task ${grant.task.name}`);
        lines.push(`  ${readerId} -.->|"${label(`reads ${grant.paths.join(', ')}`)}"| ${vaultId}`);
      }
    }
    return [...lines, ...ids.declarations()].join('\n') + '\n';
  }
}

function entryPoints(ingress: ZeroTrustIngress): string {
  return ingress.staticConfig.entryPointNames.filter((n) => n !== 'internal').join(', ');
}

/** Text for a Mermaid label in double quotes: quotes, backticks and brackets as entities. */
function label(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/`/g, '#96;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/\n/g, ' ');
}

/** Stable node ids for objects, in order of first use. */
class Ids {
  private readonly byObject = new Map<unknown, string>();
  private readonly byName = new Map<string, string>();
  private readonly pending: string[] = [];

  public of(thing: unknown): string {
    let id = this.byObject.get(thing);
    if (id === undefined) {
      id = `n${this.byObject.size + this.byName.size + 1}`;
      this.byObject.set(thing, id);
    }
    return id;
  }

  public named(key: string, text: string): string {
    let id = this.byName.get(key);
    if (id === undefined) {
      id = `n${this.byObject.size + this.byName.size + 1}`;
      this.byName.set(key, id);
      this.pending.push(`  ${id}["${label(text)}"]`);
    }
    return id;
  }

  public declarations(): string[] {
    return this.pending;
  }
}
