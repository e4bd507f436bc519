import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Publishing an event: short attempts, retried until Kafka takes it (the event id makes retries harmless). An event that
 * can never be published (over the request budget, failing its schema) fails non-retryably, and the lifecycle with it
 * (activities/index.ts).
 */
export const publishOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};
