export { ProjectionError } from '../../platform/errors';
