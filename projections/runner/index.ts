/** The projection runner, written once: consume, batch, pipeline, check sequences, dead-letter, rebuild, digest. */
export { startProjector, type Projector, type ProjectorOptions } from './live';
export { rebuild, type RebuildOptions, type RebuildProgress, type RebuildResult } from './rebuild';
export { digestReadModel, dumpReadModel, type Digest, type DumpedKey } from './digest';
export { ReadModelReader, type ReadCommand, type ReadResult } from './reader';
export { ReadModelStore } from './store';
export { renderPrometheus, type MetricsSnapshot } from './metrics';
export { DLQ_HEADERS } from './dead-letter';
export { ProjectionError } from './errors';
export { POISON_REASONS, createDecoder, validateWithSpec, type PoisonReason, type Validator } from './decode';
export { compileProjection, catalogOf, type EventTypeSpec, type IndexOp, type Projection } from './projection';
export { foldEvents, EMPTY_STATE, type GapRecord, type SubjectState } from './fold';
export { docKey, indexKey, modelRoot, currentPointerKey } from './keys';
