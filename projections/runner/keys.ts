import { REDIS_PREFIX } from '../../domain/names';

/*
 * Key layout of one read model (root = `<prefix>:rm:<model>:`):
 *   <root>current              pointer: the generation every reader and the live runner use
 *   <root>building             lease of a rebuild in progress (its generation)
 *   <root>generation           counter handing out generation numbers
 *   <root>generations          set of generations that may have keys (so stale ones can be dropped)
 *   <root><gen>:seq            hash subject → last sequence applied
 *   <root><gen>:doc:<subject>  the subject's doc (JSON)
 *   <root><gen>:ix:<key>       index keys written by IndexOps
 *   <root><gen>:meta:…         runner bookkeeping (offsets, gaps, held events); not part of the model's digest
 */

/** Root of every key of one read model. */
export function modelRoot(model: string, prefix: string = REDIS_PREFIX): string {
  return `${prefix}:rm:${model}:`;
}

/** Namespace of one generation of a read model. */
export function generationNamespace(model: string, generation: string, prefix: string = REDIS_PREFIX): string {
  return `${modelRoot(model, prefix)}${generation}:`;
}

/** Pointer key naming the generation readers see. */
export function currentPointerKey(model: string, prefix: string = REDIS_PREFIX): string {
  return `${modelRoot(model, prefix)}current`;
}

/** Key of a subject's doc, relative to a generation namespace. */
export function docKey(subject: string): string {
  return `doc:${subject}`;
}

/** Key of an index written by IndexOps, relative to a generation namespace. */
export function indexKey(key: string): string {
  return `ix:${key}`;
}

/** Field of the per-partition offsets hash: `<topic>:<partition>`. */
export function offsetField(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}
