// The workflow bundle's entry point: every workflow type the worker registers.
export { stackProbeWorkflow, durableSleepWorkflow } from './probe';
