export * from './schema';
export * from './default-policy';
export * from './resolve';
export * from './compressed-policy';
