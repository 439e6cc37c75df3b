import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ROOT } from './support';

/**
 * The package as a user gets it: `npm pack` (which builds through `prepack`), installed from the
 * tarball with its peer dependencies into a project outside the repository, compiled with
 * `skipLibCheck: false`, and run to synthesize a small stack.
 */

const PEERS = [
  'cdktf@0.21.0',
  'constructs@10.4.2',
  '@cdktf/provider-nomad@10.0.3',
  '@cdktf/provider-vault@15.6.1',
  '@cdktf/provider-consul@10.1.2',
  '@cdktf/hcl2json@0.21.0',
  'typescript@5.9.3',
  '@types/node@20.19.43',
];

const USER_STACK = `
import { App, TerraformStack } from 'cdktf';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { NetworkMode, NomadJob, TaskDriver, VaultNomadIntegration } from 'cdktf-nomad-zerotrust';
import { synthValidated } from 'cdktf-nomad-zerotrust/testing';

const app = new App({ outdir: 'out' });
const stack = new TerraformStack(app, 'user');
new NomadProvider(stack, 'nomad', { address: 'https://nomad.example:4646' });
new VaultProvider(stack, 'vault', {});
const vault = new VaultNomadIntegration(stack, 'Vault', {
  vaultAddress: 'https://vault.example:8200',
  nomadAddress: 'https://nomad.example:4646',
});
const job = new NomadJob(stack, 'web');
const task = job
  .addGroup('web', { network: { mode: NetworkMode.BRIDGE, ports: [{ label: 'http', to: 8080 }] } })
  .addTask('app', { driver: TaskDriver.docker({ image: 'nginx:1.27', ports: ['http'] }) });
vault.grantSecrets(task);
const checked = synthValidated(stack);
if (Object.keys(checked.jobspecs).length !== 1) throw new Error('expected one jobspec');
app.synth();
`;

const USER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    strict: true,
    skipLibCheck: false,
    esModuleInterop: true,
    types: ['node'],
  },
  files: ['main.ts'],
};

/** Runs a command in the user project; a failure carries its whole output. */
function run(command: string, args: string[], cwd: string): void {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`,
    );
  }
}

let tarball: string;
let files: string[];

beforeAll(() => {
  const dest = mkdtempSync(join(tmpdir(), 'pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dest], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const info = JSON.parse(out.slice(out.indexOf('[')))[0];
  tarball = join(dest, info.filename);
  files = info.files.map((f: { path: string }) => f.path);
});

test('the tarball holds the compiled JavaScript and declarations, and nothing of the repository else', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'package.json',
      'README.md',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/testing/index.js',
      'dist/lib/testing/index.d.ts',
      'dist/lib/nomad/nomad-job.js',
      'dist/lib/nomad/nomad-job.d.ts',
      'LICENSE',
    ]),
  );
  expect(
    files.filter((f) => !/^(dist\/lib\/.+\.(js|d\.ts)|package\.json|README\.md|LICENSE)$/.test(f)),
  ).toEqual([]);
});

/**
 * `cdktf init` writes `"module": "CommonJS"` with no `moduleResolution`, which TypeScript reads as
 * the node10 resolution that ignores the exports map; node16 reads it. Both must find both entry
 * points.
 */
const RESOLUTIONS: Record<string, object> = {
  'the default of "module": "CommonJS" (node10)': {},
  node16: { module: 'node16', moduleResolution: 'node16' },
};

test.each(Object.keys(RESOLUTIONS))(
  'a user project installs it with its peers, compiles with skipLibCheck false and module resolution %s, and synthesizes',
  (resolution) => {
    const project = mkdtempSync(join(tmpdir(), 'user-project-'));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'user-project', private: true }),
    );
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, ...PEERS],
      project,
    );
    writeFileSync(join(project, 'main.ts'), USER_STACK);
    const tsconfig = {
      ...USER_TSCONFIG,
      compilerOptions: { ...USER_TSCONFIG.compilerOptions, ...RESOLUTIONS[resolution] },
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    // WHEN it is compiled strictly, library declarations included, and run
    run(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', '.'], project);
    run(process.execPath, ['main.js'], project);
    // THEN the synthesized stack holds the job and the Vault side
    const stackDir = join(project, 'out', 'stacks', 'user');
    expect(readdirSync(stackDir)).toContain('cdk.tf.json');
    const json = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource)).toEqual(
      expect.arrayContaining(['nomad_job', 'vault_jwt_auth_backend', 'vault_policy']),
    );
  },
);
