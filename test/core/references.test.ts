import { App, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { Policy as VaultPolicyResource } from '@cdktf/provider-vault/lib/policy';
import { AclPolicy } from '@cdktf/provider-consul/lib/acl-policy';
import {
  Capability,
  ConsulAccess,
  ConsulAclResource,
  ConsulAclRules,
  ConsulAgentConfig,
  IngressVariant,
  NomadJob,
  PolicyDocument,
  ServiceProvider,
  TaskDriver,
  ZeroTrustIngress,
} from '../../lib';
import { containsTokens, splitTokens } from '../../lib/core/tokens';
import { terraformString } from '../../lib/core/terraform-string';
import { scanTerraformTemplate } from '../hcl/terraform-scan';

/**
 * References embedded in text: each is written as its escaping chain wherever it stands, and
 * nothing that one rendering leaves behind changes the next (real Terraform and every reader
 * check the values in test-terraform/escaping.property.test.ts).
 */

/** The expression the library writes for a string reference inside an HCL quoted string. */
const HCL_REFERENCE =
  /\$\{replace\(replace\(replace\(replace\(replace\(replace\(trimsuffix\(trimprefix\(jsonencode\(var\.(\w+)\)/g;

describe('text with references', () => {
  test('splitting text keeps no state from one text to the next', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    const ref = new TerraformVariable(stack, 'v', { type: 'string' }).stringValue;
    // a search that found a marker far into one text must not hide a marker early in the next
    expect(containsTokens(`${'x'.repeat(40)}${ref}`)).toBe(true);
    expect(splitTokens(ref)).toEqual([{ text: ref, isToken: true }]);
    expect(containsTokens(`${'x'.repeat(40)}${ref}`)).toBe(true);
    expect(splitTokens(`a${ref}b${ref}`).map((f) => f.isToken)).toEqual([false, true, false, true]);
  });

  /** A stack holding references embedded in every kind of jobspec string and document. */
  function platform(app: App, name: string): TerraformStack {
    const stack = new TerraformStack(app, name);
    new NomadProvider(stack, 'nomad', { address: 'http://127.0.0.1:4646' });
    const db = new TerraformVariable(stack, 'db_addr', { type: 'string', default: '10.0.0.7' });
    const nomad = new TerraformVariable(stack, 'nomad_addr', { type: 'string' }).stringValue;
    const ref = db.stringValue;
    const job = new NomadJob(stack, 'web', { meta: { owner: `team-${ref}` } });
    job
      .addGroup('web', {
        meta: { 'group.addr': `${ref}:5432` },
        network: { ports: [{ label: 'http' }] },
      })
      .addTask('app', {
        driver: TaskDriver.rawExec({ command: '/bin/app', args: [`--db=${ref}`, ref] }),
        env: { DB: `DB=${ref}`, WHOLE: ref, TWICE: `${ref}${ref}` },
        meta: { m: `pre-${ref}-post` },
        templates: [{ destination: 'local/a.env', data: `DB=${ref}\n` }],
        services: [{ name: 'web', port: 'http', provider: ServiceProvider.NOMAD, tags: [ref] }],
      });
    new ZeroTrustIngress(stack, 'Ingress', {
      variant: IngressVariant.tailscale({ nomadAddress: nomad }),
    });
    const policy = new PolicyDocument([
      { path: `secret/data/${ref}/*`, capabilities: [Capability.READ] },
    ]);
    new VaultPolicyResource(stack, 'raw_policy', { name: 'raw', policy: policy.render() });
    new TerraformOutput(stack, 'consul_file', {
      value: new ConsulAgentConfig({ datacenter: `dc-${ref}`, retryJoin: [ref] }).render(),
    });
    return stack;
  }

  test('a reference embedded anywhere is written as its escaping chain, never as text', () => {
    const stack = platform(Testing.app(), 'embedded');
    const json = Testing.synth(stack);
    const jobspecs = Object.values<{ jobspec: string }>(JSON.parse(json).resource.nomad_job).map(
      (j) => j.jobspec,
    );
    const web = jobspecs.find((j) => j.startsWith('job "web"'))!;
    // 11 references: job, group and task meta, two args, four in env (one twice), the template
    // data and a service tag
    expect([...web.matchAll(HCL_REFERENCE)].length).toBe(11);
    expect(web).not.toContain('TfToken');
    expect(json).not.toContain('TfToken');
    // no literal dollar sign before any reference: it would reach Nomad as `$10.0.0.7`
    expect(web).not.toMatch(/\$\{"\$+"\}\$\{/);
    const traefik = jobspecs.find((j) => j.startsWith('job "traefik"'))!;
    expect(traefik).toMatch(
      /address: \$\{replace\(.*jsonencode\(replace\(.*jsonencode\(var\.nomad_addr\)/,
    );
    // Terraform evaluates nothing of the literal text around the references
    for (const spec of jobspecs) {
      for (const sequence of scanTerraformTemplate(spec).sequences) {
        expect(sequence).toMatch(/^\$\{(?:replace|trimsuffix|tonumber)\(/);
      }
    }
  });

  test("a reference in a file's text cannot open a consul-template action", () => {
    const stack = new TerraformStack(Testing.app(), 'file');
    const v = new TerraformVariable(stack, 'v', { type: 'string' });
    new NomadJob(stack, 'web')
      .addGroup('web')
      .addTask('app', { driver: TaskDriver.rawExec({ command: '/bin/app' }) })
      .addFile('local/app.conf', `greeting=${v.stringValue}\n`);
    const spec = Object.values<{ jobspec: string }>(
      JSON.parse(Testing.synth(stack)).resource.nomad_job,
    )[0].jobspec;
    // the value's left delimiter becomes an action that prints it (checked on Nomad in
    // test-terraform/workload-identity.test.ts)
    expect(spec).toContain('jsonencode(replace(var.v, "[[", "[[ \\"[[\\" ]]"))');
    expect(spec).toMatch(/left_delimiter += "\[\["/);
  });

  test('the same stack synthesizes to the same bytes whatever was synthesized before it', () => {
    const names = ['a', 'b', 'c', 'd'];
    const synthesizeIn = (order: string[]): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const name of order) out[name] = Testing.synth(platform(Testing.app(), name));
      return out;
    };
    const first = synthesizeIn(names);
    const orders = [[...names].reverse(), ['c', 'a', 'd', 'b']];
    for (const order of orders) expect(synthesizeIn(order)).toEqual(first);
    // the four stacks are built alike, so even the first and the last synthesized are equal
    expect(new Set(Object.values(first)).size).toBe(1);
  });

  test('render() of policies and ACL rules is safe in a raw provider attribute as it is', () => {
    const stack = new TerraformStack(Testing.app(), 'raw');
    const text = 'a%{if true}b${x}%%{c}$';
    const policy = new PolicyDocument([
      { path: 'secret/data/app/*', capabilities: [Capability.READ] },
      {
        path: 'secret/data/app/admin',
        capabilities: [Capability.DENY],
        allowedParameters: { key: [text] },
      },
    ]).render();
    const rules = new ConsulAclRules({
      rules: [{ resource: ConsulAclResource.KEY_PREFIX, name: text, policy: ConsulAccess.DENY }],
    }).render();
    // nothing Terraform would evaluate: the text is its own Terraform string
    expect(scanTerraformTemplate(policy).sequences).toEqual([]);
    expect(scanTerraformTemplate(rules).sequences).toEqual([]);
    expect(terraformString(policy)).toBe(policy);
    expect(terraformString(rules)).toBe(rules);
    new VaultPolicyResource(stack, 'p', { name: 'p', policy });
    new AclPolicy(stack, 'r', { name: 'r', rules });
    const synthesized = JSON.parse(Testing.synth(stack)).resource;
    expect(synthesized.vault_policy.p.policy).toBe(policy);
    expect(synthesized.consul_acl_policy.r.rules).toBe(rules);
  });
});
