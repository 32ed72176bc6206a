/**
 * The documents a customer e-mail links to (api.md "Customers"): each opens
 * the customer page with the actions it offers, `cancel` always among them.
 * Shared by the workflow (which counts each document's revisions), the
 * notification activity (which signs links) and the customer page.
 */
import { z } from 'zod';
import type { ActionName } from '../rules/actions';

export const CustomerDocument = z.enum([
  'first-contact-rating',
  'sheet',
  'solution',
  'delivery',
  'questionnaire',
  'waiting-notice',
]);
export type CustomerDocument = z.infer<typeof CustomerDocument>;

export const CUSTOMER_PAGE_ACTIONS: Record<CustomerDocument, ActionName[]> = {
  'first-contact-rating': ['rate-first-contact', 'cancel'],
  sheet: ['confirm', 'request-changes', 'cancel'],
  solution: ['agree-solution', 'revise-solution', 'cancel'],
  delivery: ['accept', 'reject', 'cancel'],
  questionnaire: ['survey', 'cancel'],
  'waiting-notice': ['resume', 'cancel'],
};
