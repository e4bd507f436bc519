// The workflow bundle's entry point: every workflow type the worker registers.
export { partnershipLifecycleWorkflow } from './lifecycle';
export { stackProbeWorkflow, durableSleepWorkflow } from './probe';
