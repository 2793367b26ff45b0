import {
  CancelMessageMoveTaskCommand, ListMessageMoveTasksCommand, StartMessageMoveTaskCommand, type SQSClient,
} from '@aws-sdk/client-sqs';
import { awsErrorName, errorMessage } from '../errors.js';

export interface MoveQueues {
  sqs: SQSClient;
  deadLetterQueueArn: string;
  deliveryQueueArn: string;
}

/**
 * Names an SQS implementation answers with when it lacks the move-task API: InvalidAction (the query
 * protocol's unknown action, as fauxqs answers), UnsupportedOperation, UnknownOperationException.
 */
const UNSUPPORTED = new Set(['InvalidAction', 'UnsupportedOperation', 'UnknownOperationException', 'UnknownOperation']);

export type MoveStart = { started: true; taskHandle: string } | { started: false; reason: string };

/**
 * Redrives the whole DLQ with SQS's own move task. DestinationArn is always given: the broker writes
 * most dead letters itself, so SQS knows no source queue for them ("DestinationArn ... If this field is
 * left blank, the messages are moved back to their original source queues", botocore
 * sqs/2012-11-05/service-2.json, StartMessageMoveTaskRequest). A move keeps each message exactly as it
 * is: its history and redrive count are not updated (the filtered redrive does that). Where the SQS
 * implementation has no move tasks, says so instead of failing, so the caller can walk the queue.
 */
export async function startMoveAll(queues: MoveQueues, messagesPerSecond?: number): Promise<MoveStart> {
  try {
    const { TaskHandle } = await queues.sqs.send(new StartMessageMoveTaskCommand({
      SourceArn: queues.deadLetterQueueArn, DestinationArn: queues.deliveryQueueArn,
      ...(messagesPerSecond ? { MaxNumberOfMessagesPerSecond: Math.max(1, Math.min(500, Math.floor(messagesPerSecond))) } : {}),
    }));
    return { started: true, taskHandle: TaskHandle ?? '' };
  } catch (error) {
    if (UNSUPPORTED.has(awsErrorName(error))) return { started: false, reason: `this SQS has no StartMessageMoveTask (${awsErrorName(error)}: ${errorMessage(error)})` };
    throw error;
  }
}

export interface MoveTaskStatus {
  taskHandle?: string;
  status?: string;
  movedMessages?: number;
  toMove?: number;
  failureReason?: string;
  startedAt?: string;
}

/** The DLQ's move tasks, most recent first (ListMessageMoveTasks keeps the last ten). */
export async function listMoveTasks(queues: MoveQueues): Promise<MoveTaskStatus[] | { unsupported: string }> {
  try {
    const { Results = [] } = await queues.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.deadLetterQueueArn, MaxResults: 10 }));
    return Results.map((task) => ({
      ...(task.TaskHandle ? { taskHandle: task.TaskHandle } : {}),
      ...(task.Status ? { status: task.Status } : {}),
      ...(task.ApproximateNumberOfMessagesMoved !== undefined ? { movedMessages: task.ApproximateNumberOfMessagesMoved } : {}),
      ...(task.ApproximateNumberOfMessagesToMove !== undefined ? { toMove: task.ApproximateNumberOfMessagesToMove } : {}),
      ...(task.FailureReason ? { failureReason: task.FailureReason } : {}),
      ...(task.StartedTimestamp ? { startedAt: new Date(task.StartedTimestamp).toISOString() } : {}),
    }));
  } catch (error) {
    if (UNSUPPORTED.has(awsErrorName(error))) return { unsupported: `this SQS has no ListMessageMoveTasks (${awsErrorName(error)})` };
    throw error;
  }
}

export async function cancelMoveTask(sqs: SQSClient, taskHandle: string): Promise<number> {
  const { ApproximateNumberOfMessagesMoved = 0 } = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: taskHandle }));
  return ApproximateNumberOfMessagesMoved;
}
