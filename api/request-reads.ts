/**
 * Reading a request as api.md serves it: a closed request from its archived
 * record (the same document, also once Temporal has dropped the finished
 * workflow), an open one from its workflow's `state` query.
 */
import type { Client } from '@temporalio/client';
import type { RequestDocument } from '../contracts/request';
import type { Db } from '../db/database';
import { queryState } from './workflow-calls';

/** The archived document of a closed request, or null while it is open (or unknown). */
export async function archivedRequest(db: Db, requestId: string): Promise<RequestDocument | null> {
  const row = await db.selectFrom('archived_requests').select('document').where('request_id', '=', requestId).executeTakeFirst();
  return row ? (row.document as RequestDocument) : null;
}

export async function readRequest(db: Db, temporal: Client, requestId: string): Promise<RequestDocument> {
  return (await archivedRequest(db, requestId)) ?? queryState(temporal, requestId);
}
