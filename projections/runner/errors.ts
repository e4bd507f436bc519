/** An error an operator can act on (a rebuild already running, no such read model…): reported as one clear line. */
export class ProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionError';
  }
}
