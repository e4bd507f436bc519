import { READ_MODELS } from './read-models';
import { runReplayerThread } from './runner/replayer';

/** Entry of a rebuild's replaying thread (`READ_MODEL_REGISTRY.threadEntry`): it registers every read model, by name. */
runReplayerThread(READ_MODELS);
