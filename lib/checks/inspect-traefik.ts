import { ZeroTrustIngress } from '../ingress/zero-trust-ingress';
import { Analysis, described, TraefikView } from './analysis';
import { address } from './inspect-jobs';
import { GroupView, JobView, TaskView } from './job-view';
import { isTraefikFile, readTraefikFile, TraefikSettings, truthy } from './traefik-config';

/**
 * Finds every Traefik of the app: each ZeroTrustIngress (read from its typed static and dynamic
 * configuration) and each other task running a Traefik image (read from its arguments,
 * `TRAEFIK_*` environment and YAML or TOML templates).
 * @internal
 */
export function collectTraefiks(a: Analysis): void {
  for (const ingress of a.ingresses) {
    const settings = new TraefikSettings();
    let read = true;
    for (const [what, config] of [
      ['staticConfig', ingress.staticConfig],
      ['dynamicConfig', ingress.dynamicConfig],
    ] as const) {
      try {
        settings.addObject(config.toObject(), what);
      } catch (e) {
        read = false;
        a.unread(ingress, ingress.node.path, what, `not rendered: ${(e as Error).message}`);
      }
    }
    if (!read) continue;
    const job = a.jobs.find((j) => j.model === ingress.job);
    const task = job?.groups.flatMap((g) => g.tasks).find((t) => t.model === ingress.task);
    a.traefiks.push({
      construct: ingress,
      location: ingress.node.path,
      settings,
      ingress,
      task,
      group: task?.group,
    });
  }
  for (const job of a.jobs) {
    if (a.ingressOf(job) !== undefined) continue;
    for (const task of job.groups.flatMap((g) => g.tasks)) {
      if (!isTraefikImage(task.image)) continue;
      const settings = new TraefikSettings();
      settings.addArgs(task.args, 'config args');
      settings.addEnv(task.env, 'env');
      for (const template of task.templates) {
        if (template.data === undefined || !isTraefikFile(template.destination)) continue;
        const source = `template ${JSON.stringify(template.destination)}`;
        try {
          settings.addObject(readTraefikFile(template.destination, template.data), source);
        } catch (e) {
          a.unread(job.construct, task.where, source, `not read (${(e as Error).message})`);
        }
      }
      a.traefiks.push({
        construct: job.construct,
        location: task.where,
        settings,
        task,
        group: task.group,
      });
    }
  }
}

/** Whether an image is Traefik's (any registry, tag or digest). */
export function isTraefikImage(image: string | undefined): boolean {
  return image !== undefined && /(?:^|\/)traefik(?:[:@]|$)/i.test(image.trim());
}

/** Rules on each Traefik of the scope. */
export function inspectTraefiks(a: Analysis): void {
  const routers = routerTls(a);
  for (const traefik of a.traefiks) {
    if (!a.inScope(traefik.construct)) continue;
    apiInsecure(a, traefik);
    skipVerify(a, traefik);
    exposedByDefault(a, traefik);
    plainEntryPoints(a, traefik, routers);
    const nomad = traefik.settings.get('providers.nomad.endpoint.address');
    if (nomad) {
      address(
        a,
        traefik.construct,
        traefik.location,
        propOf(traefik, nomad.key, nomad.source),
        nomad.value,
        'Nomad',
        false,
      );
    }
  }
}

function apiInsecure(a: Analysis, t: TraefikView): void {
  const setting = t.settings.get('api.insecure');
  if (!setting || !truthy(setting.value)) return;
  a.emit({
    construct: t.construct,
    ruleId: 'ZT-TRAEFIK-001',
    location: t.location,
    prop: t.ingress
      ? 'api.insecure (insecure.apiInsecure)'
      : propOf(t, setting.key, setting.source),
    value: described(setting.value),
    fix: t.ingress
      ? 'Drop insecure.apiInsecure from the ZeroTrustIngress props; set dashboard: true to serve the dashboard on the internal entry point through a router to api@internal.'
      : undefined,
  });
}

function skipVerify(a: Analysis, t: TraefikView): void {
  for (const setting of t.settings.all) {
    if (!/(?:^|\.)insecureskipverify$/i.test(setting.key) || !truthy(setting.value)) continue;
    const transport = /^http\.serverstransports\.([^.]+)\.insecureskipverify$/i.exec(setting.key);
    const route = transport
      ? t.ingress?.routes.find((r) => r.routerName === transport[1] && r.insecureSkipVerify)
      : undefined;
    a.emit({
      construct: t.construct,
      ruleId: 'ZT-TRAEFIK-002',
      location: t.location,
      prop: route
        ? `${setting.key} (exposeHttp route ${JSON.stringify(route.routerName)} insecureSkipVerify)`
        : propOf(t, setting.key, setting.source),
      value: described(setting.value),
      fix: route
        ? `Expose route ${JSON.stringify(route.routerName)} with backendRootCas (and backendServerName) instead of insecureSkipVerify.`
        : undefined,
    });
  }
}

const PROVIDERS_EXPOSING = ['nomad', 'consulCatalog', 'docker'];

function exposedByDefault(a: Analysis, t: TraefikView): void {
  for (const provider of PROVIDERS_EXPOSING) {
    const own = t.settings.get(`providers.${provider}`);
    const nested = t.settings
      .withPrefix(`providers.${provider}.`)
      .filter((x) => x.key.length > `providers.${provider}`.length);
    const off = own !== undefined && (own.value === false || own.value === 'false');
    const enabled = !off && (nested.length > 0 || own !== undefined);
    if (!enabled) continue;
    const setting = t.settings.get(`providers.${provider}.exposedByDefault`);
    if (setting !== undefined && !truthy(setting.value)) continue;
    a.emit({
      construct: t.construct,
      ruleId: 'ZT-TRAEFIK-004',
      location: t.location,
      prop: t.ingress
        ? `providers.${provider}.exposedByDefault (insecure.exposedByDefault)`
        : propOf(t, setting?.key ?? `providers.${provider}.exposedByDefault`, setting?.source),
      value:
        setting === undefined ? "(not set: Traefik's default is true)" : described(setting.value),
      fix: t.ingress
        ? 'Drop insecure.exposedByDefault from the ZeroTrustIngress props and expose services with exposeHttp / exposeTcp.'
        : undefined,
    });
  }
}

/** For each entry point: how many HTTP routers of the app name it, and how many of them use TLS. */
function routerTls(a: Analysis): Map<string, { routers: number; tls: number }> {
  const prefixes = new Set(['traefik']);
  for (const t of a.traefiks) {
    for (const p of ['nomad', 'consulCatalog', 'docker']) {
      const prefix = t.settings.get(`providers.${p}.prefix`)?.value;
      if (typeof prefix === 'string') prefixes.add(prefix.toLowerCase());
    }
  }
  const routers = new Map<string, { entryPoints: string[]; tls: boolean }>();
  for (const service of a.jobs.flatMap((j) => j.groups.flatMap((g) => g.services))) {
    for (const tag of service.tags) {
      const m = /^([^.]+)\.http\.routers\.([^.=]+)\.([^=]+)=(.*)$/i.exec(tag);
      if (!m || !prefixes.has(m[1].toLowerCase())) continue;
      const key = `${service.where}\0${m[2]}`;
      const router = routers.get(key) ?? { entryPoints: [], tls: false };
      const option = m[3].toLowerCase();
      if (option === 'entrypoints')
        router.entryPoints = m[4].split(',').map((e) => e.trim().toLowerCase());
      if (option === 'tls' ? truthy(m[4]) : option.startsWith('tls.')) router.tls = true;
      routers.set(key, router);
    }
  }
  const out = new Map<string, { routers: number; tls: number }>();
  for (const router of routers.values()) {
    for (const ep of router.entryPoints) {
      const counts = out.get(ep) ?? { routers: 0, tls: 0 };
      counts.routers++;
      if (router.tls) counts.tls++;
      out.set(ep, counts);
    }
  }
  return out;
}

function plainEntryPoints(
  a: Analysis,
  t: TraefikView,
  routers: Map<string, { routers: number; tls: number }>,
): void {
  for (const setting of t.settings.withPrefix('entryPoints.')) {
    const m = /^entrypoints\.([^.]+)\.address$/i.exec(setting.key);
    if (!m || typeof setting.value !== 'string') continue;
    const name = m[1];
    const parsed = /^(.*):([^:/]+)(?:\/(tcp|udp))?$/.exec(setting.value.trim());
    if (!parsed || parsed[3] === 'udp') continue;
    const host = parsed[1].replace(/^\[|\]$/g, '');
    if (['127.0.0.1', 'localhost', '::1'].includes(host)) continue;
    const tls = t.settings
      .withPrefix(`entryPoints.${name}.http.tls`)
      .some((s) => s.value !== false && s.value !== 'false');
    const redirect = t.settings.withPrefix(`entryPoints.${name}.http.redirections.`).length > 0;
    if (tls || redirect) continue;
    const port = publishedPort(t.group, t.task, parsed[2]);
    if (port === null) continue;
    const used = routers.get(name.toLowerCase());
    if (used !== undefined && used.routers > 0 && used.tls === used.routers) continue;
    if (used === undefined && (port === 443 || port === 8443)) continue;
    a.emit({
      construct: t.construct,
      ruleId: 'ZT-TRAEFIK-003',
      location: t.location,
      prop: propOf(t, setting.key, setting.source),
      value: described(setting.value),
      detail:
        port === undefined
          ? 'Its port is published by the group.'
          : `Port ${port} is published by the group${used ? `, and ${used.routers - used.tls} of its ${used.routers} routers have no TLS` : ''}.`,
      fix: t.ingress
        ? 'Leave the internal entry point unpublished (consulConnect internalHostPort unset) and reach it from the node, or give it TLS.'
        : undefined,
    });
  }
}

/**
 * The host-side port an entry point's port spec is published on: a number, undefined when
 * published but unknown, or null when the group does not publish it.
 */
function publishedPort(
  group: GroupView | undefined,
  task: TaskView | undefined,
  spec: string,
): number | undefined | null {
  if (group === undefined) return undefined;
  const variable = /^\$\{NOMAD_(?:PORT|HOST_PORT|ALLOC_PORT)_([^}]+)\}$/.exec(spec);
  const number = /^\d+$/.test(spec) ? Number(spec) : undefined;
  const port = group.ports.find((p) =>
    variable ? p.label === variable[1] : number !== undefined && (p.to ?? p.static) === number,
  );
  if (port) return port.static ?? port.to ?? number;
  const hostNetworking =
    task !== undefined &&
    (!['docker', 'podman'].includes(task.driver) || task.config.get('network_mode') === 'host');
  if (hostNetworking) return number;
  return null;
}

/** A Traefik key as the finding names it, with where it was set. */
function propOf(t: TraefikView, key: string, source?: string): string {
  if (t.ingress) return key;
  return source ? `${key} (${source})` : key;
}

/** The jobs of the app whose services a Traefik routes through Consul Connect. */
export function connectTraefiks(
  a: Analysis,
): Array<{ traefik: TraefikView; serviceName: string; prefix: string; byDefault: boolean }> {
  const out = [];
  for (const traefik of a.traefiks) {
    const s = traefik.settings;
    if (!s.isTrue('providers.consulCatalog.connectAware')) continue;
    const name = s.get('providers.consulCatalog.serviceName')?.value;
    const prefix = s.get('providers.consulCatalog.prefix')?.value;
    out.push({
      traefik,
      serviceName: typeof name === 'string' ? name : 'traefik',
      prefix: typeof prefix === 'string' ? prefix : 'traefik',
      byDefault: s.isTrue('providers.consulCatalog.connectByDefault'),
    });
  }
  return out;
}

/** The ingress route a job's service is, if a ZeroTrustIngress exposes it. */
export function isIngressRoute(a: Analysis, job: JobView, serviceName: string): boolean {
  return a.ingresses.some((i: ZeroTrustIngress) =>
    i.routes.some((r) => r.service.name === serviceName && r.service.group.job === job.model?.spec),
  );
}
