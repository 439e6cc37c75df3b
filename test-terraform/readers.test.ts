/**
 * The consumers' own readers (tools/nomad-validate -agent-config, tools/vault-policy,
 * tools/consul-config) read what the library needs, and the HCL v1 facts its escaping relies on.
 *
 * Every document below is what the consumer receives (after Terraform has undone its own
 * escaping), so `$${` here is two dollar signs as far as the reader is concerned.
 *
 * Facts shown here for all three readers, in a quoted value, a block label and a quoted key
 * (Vault, the Nomad agent and Consul all use HCL v1 with the same lexer and unquoting; Vault and
 * Consul pin v1.0.1-vault-7, Nomad replaces it with v1.0.1-nomad-1):
 *
 *   HCL v1 native syntax                     reads back as
 *   \u0024{x}   \u0025{x}                    ${x}   %{x}        (the escape the library needs)
 *   \"  \\  \n  \r  \t  \b  \f               the characters
 *   \u0008 \u000c \u0001 \u2028 \u00e9       the characters
 *   \U0001F600, raw UTF-8 😀                 😀
 *   \ud83d\ude00 (a surrogate pair)          two U+FFFD: never write surrogate escapes
 *   $${x}                                    $${x}: HCL v1 has no $$ escape
 *   ${x}  %{x} (raw, balanced, no quotes)    ${x}  %{x}: kept as text, nothing is evaluated
 *   ${  (raw, unbalanced)                    swallows every quote up to the closing }: the
 *                                            deny rule of issue 7 disappears
 *   \$  \{  \/                               refused: illegal char escape
 *   a raw line feed inside quotes            refused: literal not terminated
 *
 *   JSON (HCL v1's JSON parser)              reads back as
 *   ${ … } anywhere in a string              text: JSON has no interpolation, quotes stay quotes
 *   \u0024 \" \\ \n \r \t \b \f \u00XX …     the characters
 *   \ud83d\ude00 (a surrogate pair)          the parser panics: the agent would crash
 *   \/                                       refused: illegal char escape
 *
 * A Consul file named *.json is read with encoding/json instead, which accepts \/ and pairs.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import {
  ConsulConfigVerdict,
  NomadAgentVerdict,
  VaultPolicyVerdict,
  readConsulAgentConfigs,
  readNomadAgentConfigs,
  readVaultPolicies,
} from './readers';
import { ROOT } from './support';

/** [what it is, HCL v1 source between the quotes, the text the reader must give back] */
const ESCAPES: ReadonlyArray<readonly [string, string, string]> = [
  ['\\u0024{', '\\u0024{x}', '${x}'],
  ['\\u0025{', '\\u0025{x}', '%{x}'],
  ['\\"', '\\"', '"'],
  ['\\\\', '\\\\', '\\'],
  ['\\n', '\\n', '\n'],
  ['\\r', '\\r', '\r'],
  ['\\t', '\\t', '\t'],
  ['\\b', '\\b', '\b'],
  ['\\f', '\\f', '\f'],
  ['\\u0008', '\\u0008', '\b'],
  ['\\u000c', '\\u000c', '\f'],
  ['\\u0001', '\\u0001', '\u0001'],
  ['\\u2028', '\\u2028', '\u2028'],
  ['\\u00e9', '\\u00e9', 'é'],
  ['\\U0001F600', '\\U0001F600', '😀'],
  ['raw emoji', '😀', '😀'],
  ['a surrogate pair', '\\ud83d\\ude00', '\ufffd\ufffd'],
  ['$${ (no such escape)', '$${x}', '$${x}'],
  ['raw balanced ${x}', '${x}', '${x}'],
  ['raw %{x}', '%{x}', '%{x}'],
];

/** [what it is, JSON source between the quotes, the text the reader must give back] */
const JSON_ESCAPES: ReadonlyArray<readonly [string, string, string]> = [
  ['\\u0024{', '\\u0024{x}', '${x}'],
  ['raw ${x}', '${x}', '${x}'],
  ['raw unbalanced ${', '${', '${'],
  ['raw unbalanced ${ then a quote', '${\\"', '${"'],
  ['$${', '$${x}', '$${x}'],
  ['raw %{x}', '%{x}', '%{x}'],
  ['\\"', '\\"', '"'],
  ['\\\\', '\\\\', '\\'],
  ['\\n', '\\n', '\n'],
  ['\\r', '\\r', '\r'],
  ['\\t', '\\t', '\t'],
  ['\\b', '\\b', '\b'],
  ['\\f', '\\f', '\f'],
  ['\\u0001', '\\u0001', '\u0001'],
  ['\\u2028', '\\u2028', '\u2028'],
  ['\\u00e9', '\\u00e9', 'é'],
  ['raw emoji', '😀', '😀'],
];

/** The text that a case wraps its escape in: brackets show that nothing around it moved. */
const wrap = (i: number, s: string) => `${i}[${s}]`;

/** Rows with their index, for test.each. */
const indexed = (rows: ReadonlyArray<readonly [string, string, string]>) =>
  rows.map(([what, src, text], i) => [what, src, text, i] as const);

/** The keys of an HCL v1 map that may still be a list of maps (several blocks of one name). */
function keysOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap((e) => Object.keys(e as object));
  return Object.keys((v ?? {}) as object);
}

// The rules of issue 7: a path ending in `${`, a deny rule, a path ending in `}`.
const VAULT_ATTACK = [
  'path "secret/data/app/${" {',
  '  capabilities = ["read"]',
  '}',
  'path "secret/data/app/admin/*" {',
  '  capabilities = ["deny"]',
  '}',
  'path "secret/data/app/}" {',
  '  capabilities = ["read"]',
  '}',
  '',
].join('\n');

// The agent configuration of issue 7: a key_file with `${{` and a consul address ending in `}}`.
const NOMAD_ATTACK = [
  'data_dir = "/opt/nomad"',
  'server {',
  '  enabled          = true',
  '  bootstrap_expect = 1',
  '}',
  'tls {',
  '  http      = true',
  '  rpc       = true',
  '  key_file  = "/key${{.pem"',
  '  verify_server_hostname = true',
  '  verify_https_client    = true',
  '}',
  'consul {',
  '  address = "127.0.0.1:8500}}"',
  '}',
  '',
].join('\n');

// The same attack shape in a Consul configuration: the tls block lies between the two values.
const CONSUL_ATTACK = [
  'encrypt = "k${"',
  'tls {',
  '  defaults {',
  '    verify_incoming = true',
  '  }',
  '}',
  'node_name = "}"',
  '',
].join('\n');

/** The text between the opening quote before `from` and the closing quote after `to`. */
function swallowed(doc: string, from: string, to: string): string {
  return doc.slice(doc.indexOf(from), doc.indexOf(to) + to.length);
}

/** Replaces each raw `${` by the HCL v1 escape `\u0024{`. */
const escapeDollarBrace = (doc: string) => doc.split('${').join('\\u0024{');

describe("Vault's policy parser (Vault v1.21.4, vault.ParseACLPolicy)", () => {
  const escapes = indexed(ESCAPES)
    .map(([, src, , i]) =>
      [
        `path "esc/${wrap(i, src)}" {`,
        '  capabilities        = ["read"]',
        `  required_parameters = ["${wrap(i, src)}"]`,
        `  allowed_parameters  = { "${wrap(i, src)}" = ["${wrap(i, src)}"] }`,
        '}',
      ].join('\n'),
    )
    .join('\n');
  const jsonEscapes = `{"path": {${indexed(JSON_ESCAPES)
    .map(
      ([, src, , i]) =>
        `"esc/${wrap(i, src)}": {"capabilities": ["read"], ` +
        `"required_parameters": ["${wrap(i, src)}"], ` +
        `"allowed_parameters": {"${wrap(i, src)}": ["${wrap(i, src)}"]}}`,
    )
    .join(', ')}}}`;
  const docs: Record<string, string> = {
    escapes,
    jsonEscapes,
    attack: VAULT_ATTACK,
    attackEscaped: escapeDollarBrace(VAULT_ATTACK),
    attackJson: JSON.stringify({
      path: {
        'secret/data/app/${': { capabilities: ['read'] },
        'secret/data/app/admin/*': { capabilities: ['deny'] },
        'secret/data/app/}': { capabilities: ['read'] },
      },
    }),
    jsonSurrogates: '{"path": {"a/\\ud83d\\ude00": {"capabilities": ["read"]}}}',
    jsonSlash: '{"path": {"a\\/b": {"capabilities": ["read"]}}}',
    rawNewline: 'path "a\nb" {\n  capabilities = ["read"]\n}\n',
    backslashDollar: 'path "a\\${x}" {\n  capabilities = ["read"]\n}\n',
    seed: readFileSync(join(ROOT, 'test', 'fixtures', 'seeds', 'nomad-server-policy.hcl'), 'utf8'),
    full: [
      'path "secret/data/+/config" {',
      '  capabilities = ["read", "list"]',
      '}',
      'path "/sys/leases/*" {',
      '  capabilities       = ["update"]',
      '  min_wrapping_ttl   = "1m"',
      '  max_wrapping_ttl   = 3600',
      '  denied_parameters  = { "Force" = [] }',
      '  allowed_parameters = { "lease_id" = ["a", "b"], "*" = [] }',
      '  required_parameters = ["lease_id"]',
      '}',
      '',
    ].join('\n'),
    badCapability: 'path "a" {\n  capabilities = ["fly"]\n}\n',
    duplicateKey: 'path "a" {\n  capabilities = ["read"]\n  capabilities = ["deny"]\n}\n',
  };
  docs.base64 = Buffer.from(docs.seed).toString('base64');
  let read: Record<string, VaultPolicyVerdict>;

  beforeAll(() => {
    read = readVaultPolicies(docs);
  });

  test.each(indexed(ESCAPES))(
    '%s reads back as the text in a path label, a quoted value and a quoted key',
    (_what, _src, text, i) => {
      // GIVEN one rule per case; WHEN Vault parses the policy; THEN each place holds the text
      const verdict = read.escapes;
      expect(verdict.error).toBe('');
      expect(verdict.paths).toHaveLength(ESCAPES.length);
      const rule = verdict.paths[i];
      expect(rule.path).toBe(`esc/${wrap(i, text)}`);
      expect(rule.required_parameters).toEqual([wrap(i, text)]);
      // Vault lower-cases parameter names; no case here has a capital letter.
      expect(rule.allowed_parameters).toEqual({ [wrap(i, text)]: [wrap(i, text)] });
    },
  );

  test("a raw `${` swallows the following quotes: issue 7's deny rule is gone", () => {
    // GIVEN read, deny, read rules whose first path ends in `${` and last in `}`
    const verdict = read.attack;
    // THEN Vault accepts the policy but holds one read rule whose path is all the text between
    expect(verdict.ok).toBe(true);
    expect(verdict.paths).toEqual([
      expect.objectContaining({
        path: swallowed(VAULT_ATTACK, 'secret/data/app/${', 'secret/data/app/}'),
        capabilities: ['read'],
      }),
    ]);
    expect(verdict.paths[0].path).toContain('capabilities = ["deny"]');
  });

  test('with `\\u0024{` the three rules, the deny rule included, come back', () => {
    expect(read.attackEscaped.error).toBe('');
    expect(read.attackEscaped.paths.map((p) => [p.path, p.is_prefix, p.capabilities])).toEqual([
      ['secret/data/app/${', false, ['read']],
      ['secret/data/app/admin/', true, ['deny']],
      ['secret/data/app/}', false, ['read']],
    ]);
  });

  test('a JSON policy is accepted, and `${` in its strings is plain text', () => {
    expect(read.attackJson.error).toBe('');
    expect(read.attackJson.paths.map((p) => [p.path, p.capabilities])).toEqual([
      ['secret/data/app/${', ['read']],
      ['secret/data/app/admin/', ['deny']],
      ['secret/data/app/}', ['read']],
    ]);
  });

  test.each(indexed(JSON_ESCAPES))(
    'JSON: %s reads back as the text in a path key, a value and a parameter key',
    (_what, _src, text, i) => {
      const verdict = read.jsonEscapes;
      expect(verdict.error).toBe('');
      const rule = verdict.paths.find((p) => p.path.startsWith(`esc/${i}[`));
      expect(rule).toEqual(
        expect.objectContaining({
          path: `esc/${wrap(i, text)}`,
          required_parameters: [wrap(i, text)],
          allowed_parameters: { [wrap(i, text)]: [wrap(i, text)] },
        }),
      );
    },
  );

  test('what Vault refuses: JSON surrogate pairs (a panic), JSON `\\/`, raw line feeds, `\\$`', () => {
    expect(read.jsonSurrogates).toEqual(expect.objectContaining({ ok: false }));
    expect(read.jsonSurrogates.error).toMatch(/^panic: /);
    expect(read.jsonSlash.error).toMatch(/illegal char escape/);
    expect(read.rawNewline.error).toMatch(/literal not terminated/);
    expect(read.backslashDollar.error).toMatch(/illegal char escape/);
  });

  test('the seed policy parses to its seven paths', () => {
    expect(read.seed.error).toBe('');
    expect(read.seed.paths.map((p) => [p.path, p.capabilities])).toEqual([
      ['auth/token/create/nomad-cluster', ['update']],
      ['auth/token/roles/nomad-cluster', ['read']],
      ['auth/token/lookup-self', ['read']],
      ['auth/token/lookup', ['update']],
      ['auth/token/revoke-accessor', ['update']],
      ['sys/capabilities-self', ['update']],
      ['auth/token/renew-self', ['update']],
    ]);
    // Vault's handler decodes any policy text that is valid base64 before parsing it.
    expect(read.base64).toEqual({ ...read.seed, path: read.base64.path, base64_decoded: true });
  });

  test('every field a rule can hold comes back as Vault holds it', () => {
    expect(read.full.error).toBe('');
    expect(read.full.paths).toEqual([
      {
        path: 'secret/data/+/config',
        is_prefix: false,
        has_segment_wildcards: true,
        capabilities: ['read', 'list'],
        allowed_parameters: null,
        denied_parameters: null,
        required_parameters: null,
        min_wrapping_ttl_seconds: 0,
        max_wrapping_ttl_seconds: 0,
      },
      {
        path: 'sys/leases/',
        is_prefix: true,
        has_segment_wildcards: false,
        capabilities: ['update'],
        allowed_parameters: { lease_id: ['a', 'b'], '*': [] },
        denied_parameters: { force: [] },
        required_parameters: ['lease_id'],
        min_wrapping_ttl_seconds: 60,
        max_wrapping_ttl_seconds: 3600,
      },
    ]);
  });

  test('Vault refuses unknown capabilities and a key set twice', () => {
    expect(read.badCapability).toEqual(expect.objectContaining({ ok: false, paths: [] }));
    expect(read.badCapability.error).toMatch(/invalid capability "fly"/);
    expect(read.duplicateKey.error).toMatch(/can only be defined once/);
  });
});

describe("Nomad's agent-configuration parser (Nomad v1.11.3, agent.LoadConfig + IsValidConfig)", () => {
  const head = [
    'data_dir = "/opt/nomad"',
    'server {',
    '  enabled          = true',
    '  bootstrap_expect = 1',
    '}',
  ];
  const escapes = [
    ...head,
    'client {',
    '  enabled = true',
    '  meta = {',
    ...indexed(ESCAPES).map(([, src, , i]) => `    "k${wrap(i, src)}" = "v${wrap(i, src)}"`),
    '  }',
    ...indexed(ESCAPES).map(
      ([, src, , i]) => `  host_volume "h${wrap(i, src)}" {\n    path = "/p${wrap(i, src)}"\n  }`,
    ),
    '}',
    '',
  ].join('\n');
  // The JSON text with the escapes as written, and the same document as JSON.stringify writes it.
  const jsonEscapes =
    `{"data_dir": "/opt/nomad", "server": {"enabled": true, "bootstrap_expect": 1}, ` +
    `"client": {"enabled": true, "meta": {${indexed(JSON_ESCAPES)
      .map(([, src, , i]) => `"k${wrap(i, src)}": "v${wrap(i, src)}"`)
      .join(', ')}}, "host_volume": {${indexed(JSON_ESCAPES)
      .map(([, src, , i]) => `"h${wrap(i, src)}": {"path": "/p${wrap(i, src)}"}`)
      .join(', ')}}}}`;
  const full = [
    'datacenter = "dc1"',
    'region     = "eu"',
    'data_dir   = "/opt/nomad/data"',
    'bind_addr  = "0.0.0.0"',
    'server {',
    '  enabled          = true',
    '  bootstrap_expect = 3',
    '}',
    'client {',
    '  enabled           = true',
    '  servers           = ["10.0.0.1:4647", "nomad.service.consul"]',
    '  network_interface = "{{ GetPrivateInterfaces | attr \\"name\\" }}"',
    '  node_pool         = "edge"',
    '  host_volume "certs" {',
    '    path      = "/etc/certs"',
    '    read_only = true',
    '  }',
    '  meta = {',
    '    "rack.zone" = "a"',
    '  }',
    '}',
    'acl {',
    '  enabled = true',
    '}',
    'tls {',
    '  http                   = true',
    '  rpc                    = true',
    '  ca_file                = "/etc/nomad/ca.pem"',
    '  cert_file              = "/etc/nomad/cert.pem"',
    '  key_file               = "/etc/nomad/key.pem"',
    '  verify_server_hostname = true',
    '  verify_https_client    = true',
    '}',
    'vault {',
    '  enabled               = true',
    '  address               = "https://vault.example:8200"',
    '  create_from_role      = "nomad-cluster"',
    '  jwt_auth_backend_path = "jwt-nomad"',
    '  namespace             = "ops"',
    '  ca_file               = "/etc/vault/ca.pem"',
    '  default_identity {',
    '    aud = ["vault.io"]',
    '    ttl = "1h"',
    '  }',
    '}',
    'consul {',
    '  address             = "127.0.0.1:8501"',
    '  grpc_address        = "127.0.0.1:8503"',
    '  token               = "a-token"',
    '  ssl                 = true',
    '  ca_file             = "/etc/consul/ca.pem"',
    '  grpc_ca_file        = "/etc/consul/grpc-ca.pem"',
    '  client_service_name = "nomad-client"',
    '  server_service_name = "nomad"',
    '  auto_advertise      = true',
    '  client_auto_join    = false',
    '  server_auto_join    = true',
    '  service_auth_method = "nomad-workloads"',
    '  task_auth_method    = "nomad-tasks"',
    '  service_identity {',
    '    aud = ["consul.io"]',
    '    ttl = "1h"',
    '  }',
    '  task_identity {',
    '    aud = ["consul.io"]',
    '    ttl = "30m"',
    '  }',
    '}',
    'vault {',
    '  name    = "other"',
    '  enabled = false',
    '}',
    '',
  ].join('\n');
  const docs: Record<string, string> = {
    escapes,
    jsonEscapes,
    jsonStringified: JSON.stringify(JSON.parse(jsonEscapes)),
    attack: NOMAD_ATTACK,
    attackEscaped: escapeDollarBrace(NOMAD_ATTACK),
    attackJson: JSON.stringify({
      data_dir: '/opt/nomad',
      server: { enabled: true, bootstrap_expect: 1 },
      tls: { http: true, rpc: true, key_file: '/key${{.pem', verify_server_hostname: true },
      consul: { address: '127.0.0.1:8500}}' },
    }),
    jsonSurrogates: '{"datacenter": "\\ud83d\\ude00"}',
    rawNewline: 'datacenter = "a\nb"\n',
    full,
    fragment: 'vault {\n  enabled = true\n  address = "https://v:8200"\n}\n',
    duplicateKey: [...head, 'data_dir = "/elsewhere"', ''].join('\n'),
  };
  let read: Record<string, NomadAgentVerdict>;

  beforeAll(() => {
    read = readNomadAgentConfigs(docs);
  });

  test.each(indexed(ESCAPES))(
    '%s reads back as the text in a host_volume label, a quoted value and a meta key',
    (_what, _src, text, i) => {
      const verdict = read.escapes;
      expect(verdict.errors).toEqual([]);
      expect(verdict.ok).toBe(true);
      const client = verdict.config!.client;
      expect(client.meta![`k${wrap(i, text)}`]).toBe(`v${wrap(i, text)}`);
      expect(client.host_volumes.find((h) => h.name === `h${wrap(i, text)}`)).toEqual({
        name: `h${wrap(i, text)}`,
        path: `/p${wrap(i, text)}`,
        read_only: false,
      });
    },
  );

  test('every case is there once, nothing more', () => {
    const client = read.escapes.config!.client;
    expect(Object.keys(client.meta!)).toHaveLength(ESCAPES.length);
    expect(client.host_volumes).toHaveLength(ESCAPES.length);
  });

  test('issue 7: `${{` in key_file and `}}` in the consul address drop TLS checks and the consul block, and Nomad still calls it valid', () => {
    const verdict = read.attack;
    expect(verdict.ok).toBe(true);
    expect(verdict.config!.tls).toEqual(
      expect.objectContaining({
        key_file: swallowed(NOMAD_ATTACK, '/key${{', '8500}}'),
        verify_server_hostname: false,
        verify_https_client: false,
      }),
    );
    expect(verdict.config!.consuls).toEqual([]);
  });

  test('with `\\u0024{` the TLS checks and the consul block come back', () => {
    const verdict = read.attackEscaped;
    expect(verdict.ok).toBe(true);
    expect(verdict.config!.tls).toEqual(
      expect.objectContaining({
        key_file: '/key${{.pem',
        verify_server_hostname: true,
        verify_https_client: true,
      }),
    );
    expect(verdict.config!.consuls.map((c) => [c.name, c.address])).toEqual([
      ['default', '127.0.0.1:8500}}'],
    ]);
  });

  test('a JSON configuration is accepted, and `${` in its strings is plain text', () => {
    const verdict = read.attackJson;
    expect(verdict.errors).toEqual([]);
    expect(verdict.config!.tls).toEqual(
      expect.objectContaining({ key_file: '/key${{.pem', verify_server_hostname: true }),
    );
    expect(verdict.config!.consuls.map((c) => c.address)).toEqual(['127.0.0.1:8500}}']);
  });

  test.each(indexed(JSON_ESCAPES))(
    'JSON: %s reads back as the text in a host_volume key, a value and a meta key',
    (_what, _src, text, i) => {
      for (const name of ['jsonEscapes', 'jsonStringified']) {
        const verdict = read[name];
        expect({ name, errors: verdict.errors }).toEqual({ name, errors: [] });
        const client = verdict.config!.client;
        expect(client.meta![`k${wrap(i, text)}`]).toBe(`v${wrap(i, text)}`);
        expect(client.host_volumes.find((h) => h.name === `h${wrap(i, text)}`)?.path).toBe(
          `/p${wrap(i, text)}`,
        );
      }
    },
  );

  test('what Nomad refuses: JSON surrogate pairs (a panic), raw line feeds, a key set twice', () => {
    expect(read.jsonSurrogates).toEqual(expect.objectContaining({ ok: false, parsed: false }));
    expect(read.jsonSurrogates.errors.join()).toMatch(/^panic: /);
    expect(read.rawNewline.errors.join()).toMatch(/literal not terminated/);
    expect(read.duplicateKey.errors.join()).toMatch(/unexpected keys data_dir/);
  });

  test('every field the library writes comes back as the agent holds it', () => {
    const verdict = read.full;
    expect(verdict.errors).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.config).toEqual({
      datacenter: 'dc1',
      region: 'eu',
      data_dir: '/opt/nomad/data',
      bind_addr: '0.0.0.0',
      server: { enabled: true, bootstrap_expect: 3 },
      client: {
        enabled: true,
        servers: ['10.0.0.1:4647', 'nomad.service.consul'],
        network_interface: '{{ GetPrivateInterfaces | attr "name" }}',
        node_pool: 'edge',
        host_volumes: [{ name: 'certs', path: '/etc/certs', read_only: true }],
        meta: { 'rack.zone': 'a' },
      },
      acl: { enabled: true },
      tls: {
        http: true,
        rpc: true,
        ca_file: '/etc/nomad/ca.pem',
        cert_file: '/etc/nomad/cert.pem',
        key_file: '/etc/nomad/key.pem',
        verify_server_hostname: true,
        verify_https_client: true,
      },
      vaults: [
        {
          name: 'default',
          enabled: true,
          address: 'https://vault.example:8200',
          token: '',
          create_from_role: 'nomad-cluster',
          jwt_auth_backend_path: 'jwt-nomad',
          namespace: 'ops',
          ca_file: '/etc/vault/ca.pem',
          default_identity: { aud: ['vault.io'], ttl: '1h', ttl_seconds: 3600 },
        },
        {
          name: 'other',
          enabled: false,
          address: '',
          token: '',
          create_from_role: '',
          jwt_auth_backend_path: '',
          namespace: '',
          ca_file: '',
          default_identity: null,
        },
      ],
      consuls: [
        {
          name: 'default',
          address: '127.0.0.1:8501',
          grpc_address: '127.0.0.1:8503',
          token: 'a-token',
          ssl: true,
          ca_file: '/etc/consul/ca.pem',
          grpc_ca_file: '/etc/consul/grpc-ca.pem',
          client_service_name: 'nomad-client',
          server_service_name: 'nomad',
          auto_advertise: true,
          client_auto_join: false,
          server_auto_join: true,
          service_auth_method: 'nomad-workloads',
          task_auth_method: 'nomad-tasks',
          service_identity: { aud: ['consul.io'], ttl: '1h', ttl_seconds: 3600 },
          task_identity: { aud: ['consul.io'], ttl: '30m', ttl_seconds: 1800 },
        },
      ],
    });
  });

  test('a fragment (a vault block alone) parses but is not a valid configuration', () => {
    expect(read.fragment).toEqual(expect.objectContaining({ parsed: true, ok: false }));
    expect(read.fragment.errors.join()).toMatch(/Must specify either server, client or dev mode/);
    expect(read.fragment.config!.vaults[0]).toEqual(
      expect.objectContaining({ name: 'default', enabled: true, address: 'https://v:8200' }),
    );
  });
});

describe("Consul's agent-configuration reading (Consul v1.22.0: HCL v1 v1.0.1-vault-7 or encoding/json)", () => {
  const hclEscapes = [
    'node_meta = {',
    ...indexed(ESCAPES).map(([, src, , i]) => `  "k${wrap(i, src)}" = "v${wrap(i, src)}"`),
    '}',
    ...indexed(ESCAPES).map(([, src, , i]) => `labelled "l${wrap(i, src)}" {\n  i = ${i}\n}`),
    '',
  ].join('\n');
  const jsonEscapes = `{"node_meta": {${indexed(JSON_ESCAPES)
    .map(([, src, , i]) => `"k${wrap(i, src)}": "v${wrap(i, src)}"`)
    .join(', ')}}}`;
  const docs: Record<string, string> = {
    'escapes.hcl': hclEscapes,
    'jsonEscapes.hcl': jsonEscapes,
    'jsonEscapes.json': jsonEscapes,
    'attack.hcl': CONSUL_ATTACK,
    'attackEscaped.hcl': escapeDollarBrace(CONSUL_ATTACK),
    'attack.json': JSON.stringify({
      encrypt: 'k${',
      tls: { defaults: { verify_incoming: true } },
      node_name: '}',
    }),
    'jsonSurrogates.hcl': '{"node_name": "\\ud83d\\ude00"}',
    'jsonSurrogates.json': '{"node_name": "\\ud83d\\ude00", "datacenter": "a\\/b"}',
    'rawNewline.hcl': 'node_name = "a\nb"\n',
    'full.hcl': [
      'datacenter = "dc1"',
      'server     = true',
      'retry_join = ["10.0.0.1"]',
      'acl {',
      '  enabled        = true',
      '  default_policy = "deny"',
      '  tokens {',
      '    agent = "a-token"',
      '  }',
      '}',
      'tls {',
      '  defaults {',
      '    ca_file         = "/etc/consul/ca.pem"',
      '    verify_incoming = true',
      '  }',
      '}',
      'connect {',
      '  enabled = true',
      '}',
      'services {',
      '  name = "web"',
      '}',
      '',
    ].join('\n'),
    'duplicateKey.hcl': 'datacenter = "a"\ndatacenter = "b"\n',
  };
  let read: Record<string, ConsulConfigVerdict>;

  beforeAll(() => {
    read = readConsulAgentConfigs(docs);
  });

  test.each(indexed(ESCAPES))(
    '%s reads back as the text in a block label, a quoted value and a quoted key',
    (_what, _src, text, i) => {
      const verdict = read['escapes.hcl'];
      expect(verdict.error).toBe('');
      const config = verdict.config!;
      expect((config.node_meta as Record<string, string>)[`k${wrap(i, text)}`]).toBe(
        `v${wrap(i, text)}`,
      );
      // Consul's schema has no labelled blocks; this is the HCL v1 version Consul pins.
      expect(keysOf(config.labelled)).toContain(`l${wrap(i, text)}`);
    },
  );

  test('a raw `${` swallows the tls block between two values', () => {
    const verdict = read['attack.hcl'];
    expect(verdict.ok).toBe(true);
    expect(verdict.config).toEqual({
      encrypt: swallowed(CONSUL_ATTACK, 'k${', 'node_name = "}'),
    });
  });

  test('with `\\u0024{` the tls block comes back', () => {
    expect(read['attackEscaped.hcl'].config).toEqual({
      encrypt: 'k${',
      tls: { defaults: { verify_incoming: true } },
      node_name: '}',
    });
  });

  test('JSON is accepted both as *.json (encoding/json) and as *.hcl (HCL v1), `${` as text', () => {
    expect(read['attack.json'].config).toEqual(read['attackEscaped.hcl'].config);
    expect(read['attack.json'].format).toBe('json');
    expect(read['jsonEscapes.hcl'].format).toBe('hcl');
  });

  test.each(indexed(JSON_ESCAPES))(
    'JSON: %s reads back as the text in a value and a key, read either way',
    (_what, _src, text, i) => {
      for (const name of ['jsonEscapes.hcl', 'jsonEscapes.json']) {
        const verdict = read[name];
        expect({ name, error: verdict.error }).toEqual({ name, error: '' });
        expect((verdict.config!.node_meta as Record<string, string>)[`k${wrap(i, text)}`]).toBe(
          `v${wrap(i, text)}`,
        );
      }
    },
  );

  test('surrogate pairs and `\\/` in JSON: HCL v1 panics, encoding/json reads them', () => {
    expect(read['jsonSurrogates.hcl'].error).toMatch(/^panic: /);
    expect(read['jsonSurrogates.json'].config).toEqual({ node_name: '😀', datacenter: 'a/b' });
    expect(read['rawNewline.hcl'].error).toMatch(/literal not terminated/);
  });

  test('blocks come back as maps, lists as lists, as Consul decodes them', () => {
    expect(read['full.hcl'].error).toBe('');
    expect(read['full.hcl'].config).toEqual({
      datacenter: 'dc1',
      server: true,
      retry_join: ['10.0.0.1'],
      acl: { enabled: true, default_policy: 'deny', tokens: { agent: 'a-token' } },
      tls: { defaults: { ca_file: '/etc/consul/ca.pem', verify_incoming: true } },
      connect: { enabled: true },
      services: [{ name: 'web' }],
    });
  });

  test('a key set twice is no error for Consul: the last one wins', () => {
    expect(read['duplicateKey.hcl'].config).toEqual({ datacenter: 'b' });
  });
});
