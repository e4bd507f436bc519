/**
 * The application's error family. Every error that a process reports to a person as one clear line is an `AppError`:
 * a kind (what part failed), and whether an operator can fix it (a wrong variable, a taken port, an invalid policy
 * file). Anything else is a bug and is reported with its stack. Entry points map the family to exit codes once
 * (`exitCodeOf`); the API maps the lifecycle's refusals to problems once (`services/api/problem.ts`).
 */
export type AppErrorKind = 'config' | 'infra' | 'projection' | 'policy';

export class AppError extends Error {
  constructor(
    readonly kind: AppErrorKind,
    message: string,
    readonly operatorCanFix: boolean = true,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The environment does not describe a usable configuration; the message names the variable. */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('config', message);
    this.name = 'ConfigError';
  }
}

/** Anything the user must act on while provisioning or running the stack (a taken port, a failed step). */
export class InfraError extends AppError {
  constructor(message: string) {
    super('infra', message);
    this.name = 'InfraError';
  }
}

/** A read-model operation an operator can act on (a rebuild already running, no such read model…). */
export class ProjectionError extends AppError {
  constructor(message: string) {
    super('projection', message);
    this.name = 'ProjectionError';
  }
}

/** A policy file that cannot be read or is not a valid policy; the message names the field. */
export class PolicyFileError extends AppError {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super('policy', message);
    this.name = 'PolicyFileError';
  }
}

/** The exit code of a process that failed with `err`: 2 for configuration, 1 for the rest of the family, 70 for a bug. */
export function exitCodeOf(err: unknown): number {
  if (!(err instanceof AppError) || !err.operatorCanFix) return 70;
  return err.kind === 'config' ? 2 : 1;
}
