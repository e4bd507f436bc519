import type { FoldResult, SubjectState } from './fold';
import type { CompiledProjection } from './projection';
import type { ApplyRequest, ApplyResult, ReadModelStore, Target } from './store';

/** A model's fold pass: the generation and the states it folds against. */
export interface Pass {
  model: CompiledProjection;
  states: Map<string, SubjectState>;
  generation: string;
}

/** What a fold pass counted, between two sends of a `ChunkWriter`. */
export type Counts = Pick<FoldResult, 'applied' | 'duplicates' | 'held' | 'gapsOpened' | 'gapsClosed'>;

/** One send of a `ChunkWriter`: the partnerships it covers, and per pass (in the writer's order) what it counted and how its write went. */
export interface Chunk {
  subjects: readonly string[];
  counts: Counts[];
  /** Per pass: the outcome of its write, or undefined if it had nothing to write. */
  results: Array<ApplyResult | undefined>;
}

/**
 * Sends a fold's writes while it goes on (`writeEvery`): the changes each pass has made since the last send, for the
 * partnerships added since, each model's in one call without offsets. Once sent, they are dropped from the fold's
 * results, so they can be collected as soon as Redis has them.
 */
export class ChunkWriter {
  private subjects: string[] = [];
  private readonly sent: Array<Promise<Chunk>> = [];

  constructor(
    private readonly store: ReadModelStore,
    private readonly passes: readonly Pass[],
    private readonly target: (model: string) => Target,
  ) {}

  /** Adds a partnership just folded; returns how many wait to be sent. */
  add(subject: string): number {
    this.subjects.push(subject);
    return this.subjects.length;
  }

  /** Sends what the passes changed since the last send, and takes their changes and counts out of the fold results. */
  send(folds: readonly FoldResult[]): void {
    if (this.subjects.length === 0) return;
    const subjects = this.subjects;
    this.subjects = [];
    const writing: number[] = [];
    const requests: ApplyRequest[] = [];
    const counts = this.passes.map((p, i) => {
      const fold = folds[i] as FoldResult;
      const since: Counts = { applied: fold.applied, duplicates: fold.duplicates, held: fold.held, gapsOpened: fold.gapsOpened, gapsClosed: fold.gapsClosed };
      Object.assign(fold, { applied: 0, duplicates: 0, held: 0, gapsOpened: [], gapsClosed: [] } satisfies Counts);
      if (fold.changes.length > 0) {
        writing.push(i);
        requests.push({ model: p.model.name, target: this.target(p.model.name), expectGeneration: p.generation, changes: fold.changes, offsets: [] });
        fold.changes = [];
      }
      return since;
    });
    const written = requests.length === 0 ? Promise.resolve([]) : this.store.apply(requests);
    const chunk = written.then((replies) => {
      const results = new Array<ApplyResult | undefined>(this.passes.length).fill(undefined);
      writing.forEach((passIndex, k) => (results[passIndex] = replies[k]));
      return { subjects, counts, results };
    });
    // Awaited in `chunks`; until then a failure must not count as unhandled.
    chunk.catch(() => undefined);
    this.sent.push(chunk);
  }

  /** Every send, in order, once all have settled; throws the first failure. */
  async chunks(): Promise<Chunk[]> {
    const settled = await Promise.allSettled(this.sent);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<Chunk>).value);
  }
}

/** Adds `more` to `total`. */
export function addCounts(total: Counts, more: Counts): void {
  total.applied += more.applied;
  total.duplicates += more.duplicates;
  total.held += more.held;
  total.gapsOpened.push(...more.gapsOpened);
  total.gapsClosed.push(...more.gapsClosed);
}
