export * from './hcl';
export * from './nomad';
