export * from './escape';
export * from './value';
export * from './writer';
