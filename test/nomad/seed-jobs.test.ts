import { readFileSync } from 'fs';
import { join } from 'path';
import { TerraformStack } from 'cdktf';
import { NomadJob } from '../../lib';
import { jobspecs, newStack, parseJob, rawJobspecs } from '../helpers';
import { countdash, qemuSsh, traefikTailscale } from './seed-jobs';

const seed = (file: string) =>
  readFileSync(join(__dirname, '..', 'fixtures', 'seeds', file), 'utf8');

/** Nomad stores meta as strings; the seed writes some as numbers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function metaAsStrings(job: any): any {
  if (!job.meta) return job;
  const meta = job.meta.map((m: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)])),
  );
  return { ...job, meta };
}

describe.each([
  ['countdash (seed 003)', countdash, 'countdash.nomad.hcl'],
  ['Traefik on Tailscale (seed 000)', traefikTailscale, 'traefik-tailscale.nomad.hcl'],
  ['QEMU VM with SSH over TLS (seed 001)', qemuSsh, 'qemu-ssh.nomad.hcl'],
])('%s', (_title, build: (s: TerraformStack) => NomadJob, fixture) => {
  test('the rendered jobspec parses to the same structure as the seed', async () => {
    // GIVEN the seed's job built with the typed API
    const { stack } = newStack();
    build(stack);

    // WHEN the stack is synthesized and both jobspecs are parsed by HCL
    const [rendered] = Object.values(jobspecs(stack));
    const ours = await parseJob(rendered);
    const theirs = await parseJob(seed(fixture));

    // THEN every field matches
    expect(ours.name).toBe(theirs.name);
    expect(metaAsStrings(ours.body)).toEqual(metaAsStrings(theirs.body));
  });
});

test('runtime interpolations reach Nomad as text, escaped once for HCL and once for Terraform', () => {
  // GIVEN countdash, whose env reads ${NOMAD_UPSTREAM_ADDR_count_api}
  const { stack } = newStack();
  countdash(stack);

  // WHEN synthesized
  const [raw] = Object.values(rawJobspecs(stack));

  // THEN HCL's $${ (a literal ${) is written for Terraform as the interpolation of "$$"
  // followed by "{", which Terraform evaluates back to $${
  expect(raw).toContain('"http://${"$$"}{NOMAD_UPSTREAM_ADDR_count_api}"');
});
