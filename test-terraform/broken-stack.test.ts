import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { VaultIntegrationMode, VaultNomadIntegration } from '../lib';
import { mirrorProviders, providerMirror, terraform } from './support';

test('a misspelled attribute set through an escape hatch fails terraform validate', () => {
  // GIVEN a Vault integration whose role gets a misspelled attribute through addOverride
  const stack = new TerraformStack(Testing.app() as App, 'broken');
  new VaultProvider(stack, 'vault', {});
  const integration = new VaultNomadIntegration(stack, 'Vault', {
    vaultAddress: 'https://vault.example.com:8200',
    mode: VaultIntegrationMode.workloadIdentity({
      jwksUrl: 'https://nomad.example.com:4646/.well-known/jwks.json',
    }),
  });
  integration.workloadRole!.addOverride('token_perod', 1800);
  const json = JSON.parse(Testing.synth(stack));
  json.terraform.required_providers.vault.version = mirrorProviders().vault;
  const dir = mkdtempSync(join(tmpdir(), 'tf-broken-'));
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json));

  // WHEN Terraform initializes and validates it
  const mirror = providerMirror();
  expect(terraform(dir, ['init', '-input=false', '-no-color'], mirror).status).toBe(0);
  const validate = terraform(dir, ['validate', '-no-color'], mirror);

  // THEN validation fails and names the attribute
  expect(validate.status).not.toBe(0);
  expect(validate.output).toMatch(/Extraneous JSON object property/);
  expect(validate.output).toMatch(/No argument or block type is named "token_perod"/);
});
