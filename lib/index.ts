export * from './hcl';
export * from './nomad';
export * from './vault';
