import type { ActivityOptions } from '@temporalio/workflow';

/** Publishing an event: short attempts, retried until Kafka takes it (the event id makes retries harmless). */
export const publishOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};
