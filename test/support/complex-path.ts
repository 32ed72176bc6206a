/** Bodies and steps that drive a complex request along its path in the workflow tests. */
import type { WorkflowHandle } from '@temporalio/client';
import type { Actor } from '../../contracts/actor';
import type { RequestDocument } from '../../contracts/request';
import { act, actors, stateWhen } from './workflow-harness';

export const sheetBody = { description: '设备无法开机，需上门检测（合成数据）', goal: '恢复设备正常使用', customerObligations: '提供购买凭证' };

/** A task for a co-handler (A-OTHER) and one for the assignee. */
export const solutionBody = {
  steps: ['上门检测', '更换电源模块'],
  resources: '工程师一名',
  risks: [{ risk: '配件缺货', mitigation: '调拨备件' }],
  tasks: [{ title: '更换电源模块', ownerId: 'A-OTHER', dueAt: '2026-12-10T10:00:00.000Z' }],
};

export const deliveryBody = { summary: '已更换电源模块', verification: '开机自检通过' };

export const reviewedSolution = {
  ...solutionBody,
  complex: true,
  reviewers: [
    { area: 'technical', agentId: 'A-OTHER' },
    { area: 'legal', agentId: 'A-LEGAL' },
  ],
};

export const legalReviewer: Actor = { ...actors.colleague, agentId: 'A-LEGAL', group: 'complaints' };

/** A complex fault acknowledged: in analysis, owing its requirement sheet. */
export async function toAnalysis(handle: WorkflowHandle): Promise<RequestDocument> {
  await stateWhen(handle, (d) => d.stage === 'assigned');
  return act(handle, 'acknowledge', actors.assignee);
}

/** Analysis, a sheet issued and confirmed (with `sheet` overriding its fields): drafting the solution. */
export async function toDrafting(handle: WorkflowHandle, sheet: Record<string, unknown> = {}): Promise<RequestDocument> {
  await toAnalysis(handle);
  await act(handle, 'requirement-sheet', actors.assignee, { ...sheetBody, ...sheet });
  return act(handle, 'confirm', actors.customer, {}, { document: { name: 'sheet', revision: 1 } });
}

/** Drafting, the solution (default: `solutionBody`) presented and agreed: in progress. */
export async function toInProgress(
  handle: WorkflowHandle,
  options: { sheet?: Record<string, unknown>; solution?: Record<string, unknown> } = {},
): Promise<RequestDocument> {
  await toDrafting(handle, options.sheet);
  await act(handle, 'solution', actors.assignee, options.solution ?? solutionBody);
  return act(handle, 'agree-solution', actors.customer, {}, { document: { name: 'solution', revision: 1 } });
}

/** In progress, the co-handler's task done and the delivery submitted: awaiting acceptance. */
export async function toAcceptance(handle: WorkflowHandle): Promise<RequestDocument> {
  await toInProgress(handle);
  await act(handle, 'complete-task', actors.colleague, { taskId: 'T1' });
  return act(handle, 'delivery', actors.assignee, deliveryBody);
}
