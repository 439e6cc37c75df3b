import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdktf';
import { Capability, PolicyDocument, PolicyRuleProps, VaultPolicy } from '../../lib';
import { newStack, parseHcl } from '../helpers';

const fixture = (f: string) => readFileSync(join(__dirname, '..', 'fixtures', 'seeds', f), 'utf8');

describe('PolicyDocument', () => {
  test('renders rules Vault reads back the same, with every parameter kind', async () => {
    const doc = new PolicyDocument([
      {
        path: 'secret/data/app/*',
        capabilities: [Capability.CREATE, Capability.UPDATE],
        allowedParameters: { '*': [], color: ['red', 'blue'] },
        deniedParameters: { '/admin/*': [] },
        requiredParameters: ['color'],
        minWrappingTtl: '1s',
        maxWrappingTtl: '90s',
      },
    ]);
    expect(await parseHcl(doc.render())).toEqual({
      path: {
        'secret/data/app/*': [
          {
            capabilities: ['create', 'update'],
            allowed_parameters: { '*': [], color: ['red', 'blue'] },
            denied_parameters: { '/admin/*': [] },
            required_parameters: ['color'],
            min_wrapping_ttl: '1s',
            max_wrapping_ttl: '90s',
          },
        ],
      },
    });
  });

  const bad: Array<[string, PolicyRuleProps, RegExp]> = [
    [
      'an unknown capability',
      { path: 'a', capabilities: ['write' as Capability] },
      /invalid capability "write". Use one of: create, read/,
    ],
    [
      'an unknown key',
      { path: 'a', capabilities: [Capability.READ], policy: 'read' } as PolicyRuleProps,
      /invalid key "policy". A path rule takes only/,
    ],
    ['a +* path', { path: 'secret/+*', capabilities: [Capability.READ] }, /Vault forbids '\+\*'/],
    [
      'a * inside a path',
      { path: 'secret/*/x', capabilities: [Capability.READ] },
      /glob only at the end/,
    ],
    ['an empty path', { path: '', capabilities: [Capability.READ] }, /invalid path ""/],
    ['no capabilities', { path: 'a', capabilities: [] }, /List at least one capability/],
    [
      'a wildcard in required parameters',
      { path: 'a', capabilities: [Capability.READ], requiredParameters: ['*'] },
      /Required parameters cannot use wildcards/,
    ],
    [
      'a non-tail parameter wildcard',
      { path: 'a', capabilities: [Capability.READ], allowedParameters: { '/a/*/b': [] } },
      /must be "\*" or a JSON pointer ending in "\/\*"/,
    ],
    [
      'max below min wrapping TTL',
      { path: 'a', capabilities: [Capability.READ], minWrappingTtl: '5m', maxWrappingTtl: '60s' },
      /cannot be less than minWrappingTtl/,
    ],
    [
      'an unreadable TTL',
      { path: 'a', capabilities: [Capability.READ], minWrappingTtl: 'soon' },
      /invalid minWrappingTtl "soon"/,
    ],
  ];
  test.each(bad)('refuses %s', (_what, rule, message) => {
    expect(() => new PolicyDocument([rule])).toThrow(message);
  });
});

describe('VaultPolicy', () => {
  test('the nomad-server rules match seed 001 path by path', async () => {
    // GIVEN the seed's seven rules
    const { stack } = newStack();
    new VaultPolicy(stack, 'NomadServer', {
      name: 'nomad-server',
      rules: [
        { path: 'auth/token/create/nomad-cluster', capabilities: [Capability.UPDATE] },
        { path: 'auth/token/roles/nomad-cluster', capabilities: [Capability.READ] },
        { path: 'auth/token/lookup-self', capabilities: [Capability.READ] },
        { path: 'auth/token/lookup', capabilities: [Capability.UPDATE] },
        { path: 'auth/token/revoke-accessor', capabilities: [Capability.UPDATE] },
        { path: 'sys/capabilities-self', capabilities: [Capability.UPDATE] },
        { path: 'auth/token/renew-self', capabilities: [Capability.UPDATE] },
      ],
    });
    // WHEN synthesized
    const policy = JSON.parse(Testing.synth(stack, true)).resource.vault_policy;
    const [{ name, policy: text }] = Object.values<{ name: string; policy: string }>(policy);
    // THEN
    expect(name).toBe('nomad-server');
    expect(await parseHcl(text)).toEqual(await parseHcl(fixture('nomad-server-policy.hcl')));
  });

  test('rules added later count, and a policy without rules fails synthesis', () => {
    const { stack } = newStack();
    const policy = new VaultPolicy(stack, 'Late', { name: 'late' });
    expect(() => Testing.synth(stack, true)).toThrow(
      /Late \(policy "late"\): invalid rules \[\]. The policy has no path rules/,
    );
    policy.addRule({ path: 'secret/data/late', capabilities: [Capability.READ] });
    expect(policy.document.pathRules.map((r) => r.path)).toEqual(['secret/data/late']);
    expect(Testing.synth(stack, true)).toHaveResourceWithProperties(
      { tfResourceType: 'vault_policy' },
      { policy: 'path "secret/data/late" {\n  capabilities = ["read"]\n}\n' },
    );
  });

  test.each(['', 'Nomad-Server', 'root'])('refuses the name %j', (name) => {
    const { stack } = newStack();
    expect(() => new VaultPolicy(stack, 'P', { name })).toThrow(
      /non-empty lower-case name other than "root"/,
    );
  });
});
