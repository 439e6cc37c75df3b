import { spawnSync } from 'child_process';
import { existsSync, readdirSync } from 'fs';

/**
 * The host side of the mesh checks' network. Nomad registers a sidecar at the address of the
 * client's `network_interface`, and a proxy inside one allocation's network namespace dials
 * the other's there, so that address must be neither loopback (each namespace has its own) nor
 * on a real network: it is a bridge of its own with nothing attached, made before Nomad starts.
 * A rule drops every packet from Nomad's allocation bridge to an address that is not on this
 * machine, so nothing a task sends leaves it. {@link removeHostNetwork} undoes both, and whatever
 * of Nomad's bridge, namespaces and CNI rules is left once Nomad has stopped.
 */

/** Debian's containernetworking-plugins put the CNI plugins here. */
export const CNI_PATH = '/usr/lib/cni';
/** The CNI plugins Nomad's bridge mode runs. */
const CNI_PLUGINS = ['bridge', 'firewall', 'host-local', 'loopback', 'portmap'];

/** The bridge the client's network_interface names, and its address. */
export const HOST_BRIDGE = 'nztmesh0';
export const HOST_ADDRESS = '10.213.77.1';
/** Nomad's allocation bridge and subnet (its defaults). */
const NOMAD_BRIDGE = 'nomad';
const NOMAD_SUBNET = '172.26.64.0/20';

/** The mangle rule that keeps the allocations' packets on this machine. */
const DROP_RULE = [
  'PREROUTING',
  '-i',
  NOMAD_BRIDGE,
  '-m',
  'addrtype',
  '!',
  '--dst-type',
  'LOCAL',
  '!',
  '-d',
  NOMAD_SUBNET,
  '-j',
  'DROP',
];

function run(command: string, args: string[], okToFail = false): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0 && !okToFail) {
    throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

/** Why the mesh checks cannot run here, or undefined when they can. */
export function meshUnsupported(): string | undefined {
  if (process.getuid?.() !== 0) return 'Nomad bridge networking needs root';
  const missing = CNI_PLUGINS.filter((p) => !existsSync(`${CNI_PATH}/${p}`));
  if (missing.length > 0) {
    return `CNI plugins missing in ${CNI_PATH}: ${missing.join(', ')} (apt-get install containernetworking-plugins)`;
  }
  for (const tool of ['ip', 'iptables', 'nsenter']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing`;
  }
  return undefined;
}

/** The network namespaces Nomad names after allocations (their IDs). */
function allocationNamespaces(): string[] {
  if (!existsSync('/var/run/netns')) return [];
  return readdirSync('/var/run/netns').filter((n) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(n),
  );
}

let namespacesBefore: string[] = [];
let rulesBefore: IptablesRules | undefined;

/** The rules and chains of every iptables table, as iptables-save prints them. */
interface IptablesRules {
  readonly chains: Set<string>;
  readonly rules: Set<string>;
}

function iptablesRules(): IptablesRules {
  const chains = new Set<string>();
  const rules = new Set<string>();
  let table = '';
  for (const line of run('iptables-save', []).split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    else if (line.startsWith(':')) chains.add(`${table} ${line.slice(1).split(' ')[0]}`);
    else if (line.startsWith('-A ')) rules.add(`${table} ${line.slice(3)}`);
  }
  return { chains, rules };
}

/**
 * Deletes the rules and chains added since `before` (Nomad's CNI plugins add a chain or two per
 * allocation and remove them when the allocation stops; an agent stopped first leaves them).
 */
function removeRulesAddedSince(before: IptablesRules): void {
  const now = iptablesRules();
  for (const rule of [...now.rules].filter((r) => !before.rules.has(r))) {
    const [table, ...spec] = rule.split(' ');
    // iptables-save quotes its output for a shell
    run('sh', ['-c', `iptables -t ${table} -D ${spec.join(' ')}`], true);
  }
  const added = [...now.chains].filter((c) => !before.chains.has(c));
  for (const step of ['-F', '-X']) {
    for (const chain of added) {
      const [table, name] = chain.split(' ');
      run('iptables', ['-t', table, step, name], true);
    }
  }
}

/** Makes the host bridge and the drop rule (removing any left by an earlier run first). */
export function createHostNetwork(): void {
  removeHostNetwork();
  namespacesBefore = allocationNamespaces();
  rulesBefore = iptablesRules();
  run('ip', ['link', 'add', HOST_BRIDGE, 'type', 'bridge']);
  run('ip', ['addr', 'add', `${HOST_ADDRESS}/24`, 'dev', HOST_BRIDGE]);
  run('ip', ['link', 'set', HOST_BRIDGE, 'up']);
  run('iptables', ['-t', 'mangle', '-I', ...DROP_RULE]);
}

/**
 * Removes the host bridge, the drop rule, Nomad's bridge and the network namespaces Nomad
 * left (call it after Nomad has stopped). Missing pieces are skipped.
 */
export function removeHostNetwork(): void {
  while (spawnSync('iptables', ['-t', 'mangle', '-C', ...DROP_RULE]).status === 0) {
    run('iptables', ['-t', 'mangle', '-D', ...DROP_RULE]);
  }
  for (const link of [HOST_BRIDGE, NOMAD_BRIDGE]) {
    if (spawnSync('ip', ['link', 'show', link]).status === 0) run('ip', ['link', 'del', link]);
  }
  // the allocations' namespaces made since createHostNetwork (Nomad stopped before its own
  // clean-up ran)
  for (const ns of allocationNamespaces().filter((n) => !namespacesBefore.includes(n))) {
    run('ip', ['netns', 'del', ns], true);
  }
  if (rulesBefore) removeRulesAddedSince(rulesBefore);
}

/** The allocation namespaces made since createHostNetwork that are still there. */
export function namespacesLeft(): string[] {
  return allocationNamespaces().filter((n) => !namespacesBefore.includes(n));
}

/** The network namespace Nomad made for an allocation (bridge mode), as a path for nsenter. */
export function allocationNamespace(allocId: string): string {
  return `/var/run/netns/${allocId}`;
}

/**
 * Runs a program inside an allocation's network namespace and returns its status and output.
 */
export function inNamespace(
  allocId: string,
  command: string,
  args: string[],
  timeoutMs = 30_000,
): { status: number; output: string } {
  const r = spawnSync('nsenter', [`--net=${allocationNamespace(allocId)}`, command, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
