import { listNames, problem } from '../core/errors';
import type { TaskGroup } from './group';

/**
 * Checks the Nomad runtime variables a group's strings refer to (`${NOMAD_UPSTREAM_ADDR_x}`,
 * `${NOMAD_PORT_x}`, `${NOMAD_META_x}`) against what the group declares, so a typo is caught
 * at synthesis instead of reaching the task as an empty string.
 * @internal
 */

const REFERENCE = /\$\{(NOMAD_[A-Za-z0-9_.-]+)\}/g;
const UPSTREAM = /^NOMAD_UPSTREAM_(?:ADDR|IP|PORT)_(.+)$/;
const PORT = /^NOMAD_(?:PORT|ADDR|IP|HOST_PORT|HOST_IP|HOST_ADDR|ALLOC_PORT)_(.+)$/;
const META = /^NOMAD_META_(.+)$/;
/** Port labels Nomad adds itself: Connect sidecar listeners and exposed checks. */
const GENERATED_PORT = /^(?:connect[-_]proxy[-_]|svc_)/;

/** Nomad's CleanEnvVar: characters outside `[A-Za-z0-9_.]` (and a leading digit) become `_`. */
export function cleanEnvVar(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    const ok = /[A-Za-z_.]/.test(c) || (i > 0 && /[0-9]/.test(c));
    out += ok ? c : '_';
  }
  return out;
}

/** The suffix of a `NOMAD_<PREFIX>_<suffix>` variable as Nomad cleans the whole name. */
function cleanSuffix(suffix: string): string {
  return cleanEnvVar(`NOMAD_X_${suffix}`).slice('NOMAD_X_'.length);
}

/** Problems with the runtime variables of one group; empty when all resolve. */
export function checkRuntimeVariables(group: TaskGroup, jobMeta: readonly string[]): string[] {
  const upstreams = new Set<string>();
  for (const service of group.allServices) {
    for (const u of service.connectUpstreams) {
      upstreams.add(u.destinationName);
      upstreams.add(cleanEnvVar(u.destinationName));
    }
  }
  const ports = new Set<string>();
  for (const label of group.portLabels) {
    for (const name of [label, ...group.tasks.map((t) => `${t.name}_${label}`)]) {
      ports.add(name);
      ports.add(cleanSuffix(name));
    }
  }
  const meta = new Set<string>();
  for (const key of [...jobMeta, ...group._metaKeys, ...group.tasks.flatMap((t) => t._metaKeys)]) {
    for (const name of [key, key.toUpperCase()]) {
      meta.add(name);
      meta.add(cleanSuffix(name));
    }
  }

  const problems: string[] = [];
  const seen = new Set<string>();
  const check = (where: string, text: string) => {
    for (const match of text.matchAll(REFERENCE)) {
      const variable = match[1];
      const key = `${where}\0${variable}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const upstream = UPSTREAM.exec(variable);
      if (upstream) {
        if (!upstreams.has(upstream[1])) {
          problems.push(
            problem(
              where,
              'runtime variable',
              `\${${variable}}`,
              `The group has no upstream ${JSON.stringify(upstream[1])}; its upstreams are: ` +
                `${listNames(group.allServices.flatMap((s) => s.connectUpstreams.map((u) => u.destinationName)))}. ` +
                'Add the upstream (service.addUpstream or mesh connectTo), or fix the name ' +
                '(dashes become underscores).',
            ),
          );
        }
        continue;
      }
      const port = PORT.exec(variable);
      if (port) {
        if (!ports.has(port[1]) && !GENERATED_PORT.test(port[1])) {
          problems.push(
            problem(
              where,
              'runtime variable',
              `\${${variable}}`,
              `The group network has no port ${JSON.stringify(port[1])}; its port labels are: ` +
                `${listNames(group.portLabels)}. Add the port (network.ports / addPort) or fix the label.`,
            ),
          );
        }
        continue;
      }
      const metaKey = META.exec(variable);
      if (metaKey && !meta.has(metaKey[1])) {
        problems.push(
          problem(
            where,
            'runtime variable',
            `\${${variable}}`,
            `No job, group or task meta key ${JSON.stringify(metaKey[1])} is declared; the ` +
              `keys are: ${listNames([...meta])}. Add it to meta or fix the name.`,
          ),
        );
      }
    }
  };
  for (const service of group.allServices) {
    for (const text of service._interpolated) check(service.where, text);
  }
  for (const task of group.tasks) {
    for (const text of task._interpolated) check(task.where, text);
  }
  return problems;
}
