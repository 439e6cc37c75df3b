export * from './integration-mode';
export * from './policy-document';
export * from './vault-nomad-integration';
export * from './vault-policy';
