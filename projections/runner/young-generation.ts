/*
 * How large a young generation (V8's new space) the code that folds events runs with. Folding allocates many
 * short-lived objects, and a flush keeps what it has folded until Redis has it: with V8's default 16 MB semi-spaces
 * the collector copies most of a flush to the old generation. Measured with `npm run bench:projections` and a
 * rebuild on a kept topic (projections/README.md): 64 MB semi-spaces gave a rebuild 50,500–51,600 events/s, 128 MB
 * 52,900–55,700.
 *
 * V8 flags are process-wide: a process started with `--max-semi-space-size` gives every worker thread it starts that
 * size too, whatever `resourceLimits` the thread asks for. So the projector process's flag and the rebuild threads'
 * limit are the same figure, here.
 */

/** One semi-space, in MB. */
export const FOLDING_SEMI_SPACE_MB = 128;

/** Node flags of a process that folds events (the projector; bench:projections passes the same). */
export const FOLDING_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${FOLDING_SEMI_SPACE_MB}`];

/** `resourceLimits.maxYoungGenerationSizeMb` of a thread that folds events: V8's young generation is three semi-spaces (two, and the new large-object space). */
export const FOLDING_YOUNG_GENERATION_MB = 3 * FOLDING_SEMI_SPACE_MB;
