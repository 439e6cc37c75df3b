import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { serviceName } from './scenario';

/**
 * The floor's input: documents rendered by the library once, for one specimen service, with
 * that service's own names cut out, plus the resources that do not depend on the number of
 * services. The floor only fills the slots in; it never calls the library.
 */
export interface FloorFixture {
  /** Resources whose value is the same for any number of services, by construct path (as synthesized). */
  readonly fixed: Record<string, Record<string, unknown>>;
  /** The stack's outputs, by name (as synthesized). */
  readonly outputs: Record<string, Record<string, unknown>>;
  /** The per-service documents, as templates. */
  readonly service: {
    readonly jobspec: Template;
    readonly policy: Template;
  };
}

/** Text split on slots: `parts[0] slot[0] parts[1] slot[1] ... parts[last]`. */
export interface Template {
  readonly parts: string[];
  readonly slots: Slot[];
}

/** What a slot is filled with, for service i. */
export type Slot = 'name' | 'upstream' | 'upstreamEnv' | 'grant';

/** The strings that differ from one service to the next. */
export type ServiceValues = Record<Slot, string>;

/** The ring of the scenario: service i calls service i + 1. */
export function serviceValues(i: number, n: number): ServiceValues {
  const name = serviceName(i);
  const upstream = serviceName((i + 1) % n);
  // Vault names a task's grant `<policy>-<job>-<task>-<hash>`: a unique name any hand-written
  // configuration would also need. The hash is the one the library documents.
  const hash = createHash('sha256')
    .update(JSON.stringify(['default', name, name, 'app']))
    .digest('hex')
    .slice(0, 8);
  return {
    name,
    upstream,
    upstreamEnv: upstream.replace(/-/g, '_'),
    grant: `nomad-workloads-${name}-app-${hash}`,
  };
}

/** Fills a template's slots. */
export function fill(template: Template, values: ServiceValues): string {
  let out = template.parts[0];
  for (let i = 0; i < template.slots.length; i++) {
    out += values[template.slots[i]] + template.parts[i + 1];
  }
  return out;
}

/** How many services the specimen app declares; the template is cut from its service 1. */
export const SPECIMEN_SERVICES = 3;

/**
 * Cuts the floor's fixture out of the synthesized specimen app (`SPECIMEN_SERVICES` services,
 * synthesized by the library): the documents of service 1, whose name, upstream and grant
 * name become slots, and every resource that is not per service.
 */
export function cutFixture(outdir: string): FloorFixture {
  const file = join(outdir, 'stacks', 'platform', 'cdk.tf.json');
  const stack = JSON.parse(readFileSync(file, 'utf8')) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    output: Record<string, Record<string, unknown>>;
  };
  const byPath = new Map<string, Record<string, unknown>>();
  for (const resources of Object.values(stack.resource)) {
    for (const resource of Object.values(resources)) {
      const meta = (resource['//'] as { metadata: { path: string } }).metadata;
      byPath.set(meta.path, resource);
    }
  }
  const values = serviceValues(1, SPECIMEN_SERVICES);
  const job = byPath.get(`platform/Mesh/${values.name}/Resource`);
  const policy = byPath.get(
    `platform/Vault/Grants/default/${values.name}/${values.name}/app/Policy/Resource`,
  );
  if (!job || !policy) throw new Error(`the specimen ${file} lacks service ${values.name}`);
  const fixed: Record<string, Record<string, unknown>> = {};
  for (const [path, resource] of byPath) {
    if (!/\/svc-\d+\//.test(path)) fixed[path] = resource;
  }
  return {
    fixed,
    outputs: stack.output,
    service: {
      jobspec: cut(job.jobspec as string, values),
      policy: cut(policy.policy as string, values),
    },
  };
}

/** Turns one service's text into a template: its own values become slots. */
function cut(text: string, values: ServiceValues): Template {
  // Longest first, so the name inside the grant name is not cut on its own.
  const order: Slot[] = ['grant', 'upstreamEnv', 'upstream', 'name'];
  // Literal text at even indices, slots at odd ones.
  let pieces: string[] = [text];
  for (const slot of order) {
    const next: string[] = [];
    for (let k = 0; k < pieces.length; k++) {
      if (k % 2 === 1) {
        next.push(pieces[k]);
        continue;
      }
      const split = pieces[k].split(values[slot]);
      for (let j = 0; j < split.length; j++) {
        if (j > 0) next.push(slot);
        next.push(split[j]);
      }
    }
    pieces = next;
  }
  return {
    parts: pieces.filter((_, k) => k % 2 === 0),
    slots: pieces.filter((_, k) => k % 2 === 1) as Slot[],
  };
}
