/** The pure core: schemas, policy and the lifecycle decider. Safe to import from workflow code (zod and relative imports only). */
export * from './errors';
export * from './time';
export * from './duration';
export * from './roles';
export * from './decision-rights';
export * from './policy';
export * from './model';
export * from './commands';
export * from './events';
export * from './upcast';
export * from './records';
export * from './limits';
export * from './lifecycle';
